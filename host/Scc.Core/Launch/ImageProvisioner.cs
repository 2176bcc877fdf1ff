using System.Security.Cryptography;
using System.Text;
using Scc.Abstractions;
using Scc.Core.Errors;
using Scc.Core.IO;
using Scc.Core.Paths;
using Scc.Core.Runtime;

namespace Scc.Core.Launch;

/// <summary>Where the image build contexts shipped with the tool live (the app's <c>images/</c> folder by default).</summary>
internal sealed record ImageSources(string Root)
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
/// egress proxy. Each context is assembled in a temp folder, so the shipped folders are never changed.
/// </summary>
internal sealed class ImageProvisioner(IImageStore images, IImageBuilder builder, ImageSources sources)
{
    public const string BaseImage = "scc-base";
    public const string ProxyImage = "scc-egress-proxy";

    public Task<bool> ExistsAsync(string reference, CancellationToken cancellationToken) => images.ImageExistsAsync(reference, cancellationToken);

    /// <summary>Builds the base image and the provider's agent image when missing (or always with <paramref name="force"/>).</summary>
    public async Task EnsureAgentAsync(ProviderRuntimeSpec provider, string pluginFolder, ImageBuildOptions options, IProgress<ImageBuildEvent>? progress, CancellationToken cancellationToken)
    {
        // Force rebuilds the agent image only; `scc images build` rebuilds the base itself first.
        if (!await images.ImageExistsAsync(BaseImage, cancellationToken).ConfigureAwait(false))
        {
            await BuildBaseAsync(options, progress, cancellationToken).ConfigureAwait(false);
        }

        if (options.Force || !await images.ImageExistsAsync(provider.ImageReference, cancellationToken).ConfigureAwait(false))
        {
            var context = Path.Combine(pluginFolder, provider.ImageBuildContext);
            if (!File.Exists(Path.Combine(context, "Dockerfile")))
            {
                throw new ConfigException($"The plugin \"{provider.ProviderId}\" ships no Dockerfile at {context}.", "Reinstall the plugin, or ask its publisher.");
            }

            await BuildAsync(SandboxImage.Agent, provider.ImageReference, context, null, new Dictionary<string, string> { ["BASE"] = BaseImage }, options, progress, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task EnsureProxyAsync(ImageBuildOptions options, IProgress<ImageBuildEvent>? progress, CancellationToken cancellationToken)
    {
        if (options.Force || !await images.ImageExistsAsync(ProxyImage, cancellationToken).ConfigureAwait(false))
        {
            await BuildAsync(SandboxImage.Proxy, ProxyImage, sources.Proxy, null, new Dictionary<string, string>(), options, progress, cancellationToken).ConfigureAwait(false);
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
        await BuildAsync(SandboxImage.Base, BaseImage, sources.Base, certs, args, options, progress, cancellationToken).ConfigureAwait(false);
    }

    private async Task BuildAsync(
        SandboxImage kind,
        string tag,
        string sourceContext,
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
            var labels = new Dictionary<string, string> { ["scc.managed"] = "true", ["scc.image"] = tag };
            await builder.BuildImageAsync(new ImageBuildRequest(temp, [tag], BuildArgs: buildArgs, Labels: labels, NoCache: options.NoCache), progress, cancellationToken).ConfigureAwait(false);
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
                throw new ConfigException($"The extra CA certificate {file} cannot be read: {ex.Message}", "Check runtime.extra_ca_certificates in the user config, or the --ca-cert path.");
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
