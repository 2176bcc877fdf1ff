using System.Security.Cryptography;
using System.Text;

namespace Scc.Core.Plugins;

/// <summary>
/// The pin of a plugin folder: <c>sha256:</c> + hex SHA-256 over a listing of every regular file in the folder and
/// its subfolders, sorted by relative path (ordinal, <c>/</c>-separated), one line per file:
/// <c>&lt;relative path&gt;\0&lt;hex sha256 of the file's bytes&gt;\n</c>. Any changed, added, removed or renamed
/// file changes the pin. Symbolic links are refused (a plugin folder must be plain files).
/// </summary>
internal static class PluginHasher
{
    public const string Prefix = "sha256:";

    public static string Compute(string folder)
    {
        var root = Path.GetFullPath(folder);
        var files = Directory.EnumerateFileSystemEntries(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Select(p => (Full: p, Rel: Path.GetRelativePath(root, p).Replace('\\', '/')))
            .OrderBy(f => f.Rel, StringComparer.Ordinal)
            .ToList();
        var listing = new StringBuilder();
        foreach (var (full, rel) in files)
        {
            var info = new FileInfo(full);
            if (info.LinkTarget is not null)
            {
                throw new IOException($"{full} is a symbolic link; plugin folders must contain plain files only");
            }

            if (info.Attributes.HasFlag(FileAttributes.Directory))
            {
                continue;
            }

            using var stream = File.OpenRead(full);
            listing.Append(rel).Append('\0').Append(Convert.ToHexStringLower(SHA256.HashData(stream))).Append('\n');
        }

        return Prefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(listing.ToString())));
    }

    public static bool Matches(string pinned, string computed) =>
        string.Equals(Normalize(pinned), Normalize(computed), StringComparison.OrdinalIgnoreCase);

    private static string Normalize(string hash) => hash.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) ? hash[Prefix.Length..] : hash;
}
