using System.Security.Cryptography;
using System.Text;
using Scc.Abstractions;
using Scc.Core.Errors;
using Scc.Core.IO;
using Scc.Core.Paths;
using Scc.Core.Runtime;

namespace Scc.Core.Launch;

/// <summary>
/// Where the image build contexts shipped with the tool live (the app's <c>images/</c> folder by default), and the
/// tags the base and proxy images get (tests build throw-away ones under other tags).
/// </summary>
internal sealed record ImageSources(string Root, string BaseTag = ImageProvisioner.BaseImage, string ProxyTag = ImageProvisioner.ProxyImage)
{
    public static ImageSources Default { get; } = new(Path.Combine(SccPaths.AppDir, "images"));

    public string Base => Path.Combine(Root, "scc-base");

    public string Proxy => Path.Combine(Root, "scc-egress-proxy");

    public string Evaluator => Path.Combine(Base, "scc-safety-eval");
}

internal enum SandboxImage
{
    Base,
    Agent,
    Proxy,
}

/// <summary>
/// Builds the sandbox images from the Dockerfiles shipped with scc, base first: <c>scc-base</c> (with the safety
/// evaluator and any extra CA certificates), then the agent image from the plugin's own build context, then the
/// egress proxy. Each context is assembled in a temp folder, so the shipped folders are never changed. Each image is
/// labelled with the hash of the context it was built from (<see cref="ImageFreshness"/>), so an image left by an
/// older scc is found stale and rebuilt.
/// </summary>
internal sealed class ImageProvisioner(IImageStore images, IImageBuilder builder, ImageSources sources)
{
    public const string BaseImage = "scc-base";
    public const string ProxyImage = "scc-egress-proxy";

    // A process asks about the same few folders; hashing the base context (the evaluator is a few MB) once is enough.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _hashes = new(StringComparer.Ordinal);

    public Task<bool> ExistsAsync(string reference, CancellationToken cancellationToken) => images.ImageExistsAsync(reference, cancellationToken);

    public Task<ImageInfo?> InspectAsync(string reference, CancellationToken cancellationToken) => images.InspectImageAsync(reference, cancellationToken);

    public Task<ImageStatus> BaseStatusAsync(CancellationToken cancellationToken) =>
        StatusAsync(sources.BaseTag, BaseHash, cancellationToken);

    public Task<ImageStatus> ProxyStatusAsync(CancellationToken cancellationToken) =>
        StatusAsync(sources.ProxyTag, () => Hash(sources.Proxy), cancellationToken);

    /// <summary>One engine call (an inspect), like an existence check: what every start asks.</summary>
    public Task<ImageStatus> AgentStatusAsync(ProviderRuntimeSpec provider, string pluginFolder, CancellationToken cancellationToken) =>
        StatusAsync(provider.ImageReference, () => AgentHash(provider, pluginFolder), cancellationToken);

    /// <summary>The inspect is asked first; the build context is hashed (a few ms: the evaluator binary) while the engine answers.</summary>
    private async Task<ImageStatus> StatusAsync(string tag, Func<string> contextHash, CancellationToken cancellationToken)
    {
        var inspect = images.InspectImageAsync(tag, cancellationToken);
        var hash = contextHash();
        return ImageFreshness.Decide(tag, await inspect.ConfigureAwait(false), hash);
    }

    /// <summary>
    /// Builds the base image and the provider's agent image when missing or stale (or the agent always with
    /// <see cref="ImageBuildOptions.Force"/>; `scc images build` rebuilds the base itself first).
    /// </summary>
    public async Task EnsureAgentAsync(ProviderRuntimeSpec provider, string pluginFolder, ImageBuildOptions options, IProgress<ImageBuildEvent>? progress, CancellationToken cancellationToken)
    {
        if ((await BaseStatusAsync(cancellationToken).ConfigureAwait(false)).NeedsBuild)
        {
            await BuildBaseAsync(options, progress, cancellationToken).ConfigureAwait(false);
        }

        if (options.Force || (await AgentStatusAsync(provider, pluginFolder, cancellationToken).ConfigureAwait(false)).NeedsBuild)
        {
            var context = AgentContext(provider, pluginFolder);
            if (!File.Exists(Path.Combine(context, "Dockerfile")))
            {
                throw new ConfigException($"The plugin \"{provider.ProviderId}\" ships no Dockerfile at {context}.", "Reinstall the plugin, or ask its publisher.");
            }

            await BuildAsync(SandboxImage.Agent, provider.ImageReference, context, AgentHash(provider, pluginFolder), null, new Dictionary<string, string> { ["BASE"] = sources.BaseTag }, options, progress, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task EnsureProxyAsync(ImageBuildOptions options, IProgress<ImageBuildEvent>? progress, CancellationToken cancellationToken)
    {
        if (options.Force || (await ProxyStatusAsync(cancellationToken).ConfigureAwait(false)).NeedsBuild)
        {
            await BuildAsync(SandboxImage.Proxy, sources.ProxyTag, sources.Proxy, Hash(sources.Proxy), null, new Dictionary<string, string>(), options, progress, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task BuildBaseAsync(ImageBuildOptions options, IProgress<ImageBuildEvent>? progress, CancellationToken cancellationToken)
    {
        if (!File.Exists(sources.Evaluator))
        {
            throw new PrerequisiteException(
                $"The safety evaluator is not part of this scc build ({sources.Evaluator} is missing), so scc-base cannot be built.",
                "Build it with scripts/build-evaluator.sh, then rebuild scc (scripts/scc does both).");
        }

        var certs = ReadCertificates(options.ExtraCaCertificates);
        var args = new Dictionary<string, string> { ["SCC_CA_FINGERPRINT"] = Fingerprint(certs) };
        await BuildAsync(SandboxImage.Base, sources.BaseTag, sources.Base, BaseHash(), certs, args, options, progress, cancellationToken).ConfigureAwait(false);
    }

    private static string AgentContext(ProviderRuntimeSpec provider, string pluginFolder) => Path.Combine(pluginFolder, provider.ImageBuildContext);

    private string BaseHash() => Hash(sources.Base);

    /// <summary>The agent's own context and the base context under it: a new base (a new evaluator) makes the agent stale too.</summary>
    private string AgentHash(ProviderRuntimeSpec provider, string pluginFolder) => ImageFreshness.Combine(Hash(AgentContext(provider, pluginFolder)), BaseHash());

    /// <summary>A folder that is not there hashes as empty: building it fails later with its own clear error.</summary>
    private string Hash(string folder) => _hashes.GetOrAdd(Path.GetFullPath(folder), f => Directory.Exists(f) ? ImageFreshness.HashFolder(f) : "none");

    private async Task BuildAsync(
        SandboxImage kind,
        string tag,
        string sourceContext,
        string contextHash,
        IReadOnlyList<(string Name, byte[] Pem)>? certs,
        Dictionary<string, string> buildArgs,
        ImageBuildOptions options,
        IProgress<ImageBuildEvent>? progress,
        CancellationToken cancellationToken)
    {
        if (!Directory.Exists(sourceContext))
        {
            throw new PrerequisiteException($"The build context of {tag} is missing: {sourceContext}.", "Reinstall scc; the images/ folder ships with it.");
        }

        var temp = Path.Combine(Path.GetTempPath(), $"scc-build-{tag}-{Guid.NewGuid():N}");
        try
        {
            Folders.Copy(sourceContext, temp);
            if (certs is not null)
            {
                var certDir = Path.Combine(temp, "certs");
                Directory.CreateDirectory(certDir);
                foreach (var (name, pem) in certs)
                {
                    await File.WriteAllBytesAsync(Path.Combine(certDir, name), pem, cancellationToken).ConfigureAwait(false);
                }
            }

            progress?.Report(new ImageBuildEvent(ImageBuildEventKind.Step, $"building {tag} ({kind.ToString().ToLowerInvariant()} image)", null, null));
            var labels = new Dictionary<string, string> { ["scc.managed"] = "true", ["scc.image"] = tag, [ImageFreshness.ContextHashLabel] = contextHash };
            var previous = await images.InspectImageAsync(tag, cancellationToken).ConfigureAwait(false);
            var built = await builder.BuildImageAsync(new ImageBuildRequest(temp, [tag], BuildArgs: buildArgs, Labels: labels, NoCache: options.NoCache), progress, cancellationToken).ConfigureAwait(false);
            await RemoveReplacedAsync(previous, built).ConfigureAwait(false);
        }
        finally
        {
            try
            {
                Directory.Delete(temp, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>
    /// The image a rebuild replaced (a stale one after an upgrade, or `--no-cache`) lost its tag: it goes, unless the
    /// engine says something still needs it (a running session of it, an image built on it). Otherwise every upgrade
    /// would leave the previous images behind, hundreds of MB each. Best effort: the build succeeded either way.
    /// </summary>
    private async Task RemoveReplacedAsync(ImageInfo? previous, ImageBuildResult built)
    {
        if (previous is null || string.Equals(previous.Id, built.ImageId, StringComparison.Ordinal) || !previous.Labels.ContainsKey(ImageFreshness.ContextHashLabel))
        {
            return;
        }

        try
        {
            await images.RemoveImageIfUnusedAsync(previous.Id, CancellationToken.None).ConfigureAwait(false);
        }
        catch (ContainerRuntimeException)
        {
            // Left for `docker image prune`: not worth failing a build that worked.
        }
    }

    private static List<(string Name, byte[] Pem)> ReadCertificates(IReadOnlyList<string> files)
    {
        var certs = new List<(string, byte[])>();
        var i = 0;
        foreach (var file in files)
        {
            byte[] bytes;
            try
            {
                bytes = File.ReadAllBytes(file);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new ConfigException($"The extra CA certificate {file} cannot be read: {ex.Message}", "Check runtime.extra_ca_certificates in the user config, SCC_EXTRA_CA_CERTS, or the --ca-cert path.");
            }

            if (!Encoding.ASCII.GetString(bytes).Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
            {
                throw new ConfigException($"{file} holds no PEM certificate (-----BEGIN CERTIFICATE-----).", "Give PEM files (a CA bundle is fine).");
            }

            certs.Add(($"extra-{i++:D2}.crt", bytes));
        }

        return certs;
    }

    private static string Fingerprint(IReadOnlyList<(string Name, byte[] Pem)> certs) =>
        certs.Count == 0 ? "none" : Convert.ToHexStringLower(SHA256.HashData(certs.SelectMany(c => c.Pem).ToArray()))[..16];
}

internal sealed record ImageBuildOptions(IReadOnlyList<string> ExtraCaCertificates, bool NoCache = false, bool Force = false)
{
    public static ImageBuildOptions Default { get; } = new([]);
}
