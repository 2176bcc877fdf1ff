using System.Security.Cryptography;
using System.Text;
using Scc.Core.Runtime;

namespace Scc.Core.Launch;

internal enum ImageState
{
    /// <summary>Built from the build context this scc ships.</summary>
    Current,

    /// <summary>Built from another build context (an upgraded scc, a changed plugin): rebuilt on the next start.</summary>
    Stale,

    /// <summary>Carries no context hash (built by an scc before hashes, or by hand): cannot tell, so it is used.</summary>
    Unverified,

    Missing,
}

/// <summary>An image and whether it matches the build context scc ships.</summary>
internal sealed record ImageStatus(string Image, ImageState State, string Detail)
{
    /// <summary>True when a start should build it: missing, or built from another context.</summary>
    public bool NeedsBuild => State is ImageState.Missing or ImageState.Stale;
}

/// <summary>
/// Whether an image in the engine was built from the build context scc ships now. Each image scc builds carries
/// the label <see cref="ContextHashLabel"/>: a hash of its build context's files (and, for an agent image, of the
/// base context it was built on). The hash covers what ships with scc (Dockerfiles, scripts, the evaluator), not
/// the user's extra CA certificates, so `scc images build --ca-cert` is not undone by the next start.
/// </summary>
internal static class ImageFreshness
{
    public const string ContextHashLabel = "scc.context-hash";

    /// <summary>The decision, pure: what the engine has (null = nothing) against the hash of the shipped context.</summary>
    public static ImageStatus Decide(string image, ImageInfo? info, string expectedHash)
    {
        if (info is null)
        {
            return new(image, ImageState.Missing, "not built yet");
        }

        if (!info.Labels.TryGetValue(ContextHashLabel, out var built) || string.IsNullOrWhiteSpace(built))
        {
            return new(image, ImageState.Unverified, "built without a context hash (by an older scc or by hand), so scc cannot tell whether it is current; `scc images build` rebuilds it");
        }

        return built == expectedHash
            ? new(image, ImageState.Current, "up to date")
            : new(image, ImageState.Stale, $"stale, built from another build context than this scc ships: {Short(built)} instead of {Short(expectedHash)}");
    }

    /// <summary>
    /// A hash of a build context folder: every file's relative path (with '/'), whether it is executable, and its
    /// content, in ordinal path order. Timestamps and the folder's location do not count, so a copy hashes the same.
    /// </summary>
    public static string HashFolder(string folder)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(f => (Full: f, Relative: Path.GetRelativePath(folder, f).Replace('\\', '/')))
            .OrderBy(f => f.Relative, StringComparer.Ordinal);
        foreach (var (full, relative) in files)
        {
            var executable = !OperatingSystem.IsWindows() && (File.GetUnixFileMode(full) & UnixFileMode.UserExecute) != 0;
            hash.AppendData(Encoding.UTF8.GetBytes($"{relative}\0{(executable ? 'x' : '-')}\0"));
            using (var stream = File.OpenRead(full))
            {
                hash.AppendData(SHA256.HashData(stream));
            }
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>One hash of several (an agent's context with the base context it builds on).</summary>
    public static string Combine(params string[] hashes) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', hashes))));

    private static string Short(string hash) => hash.Length > 12 ? hash[..12] : hash;
}
