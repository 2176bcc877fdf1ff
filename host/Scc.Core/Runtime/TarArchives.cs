using System.Formats.Tar;

namespace Scc.Core.Runtime;

/// <summary>
/// The tar streams the engine API speaks: the archive upload (files with owner and mode), the build context (a folder)
/// and the archive download (one file).
/// </summary>
internal static class TarArchives
{
    /// <summary>A tar of the files and folders, in the order given (list a folder before what goes in it).</summary>
    public static MemoryStream FromFiles(IReadOnlyList<ContainerFile> files)
    {
        var output = new MemoryStream();
        using (var writer = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var file in files)
            {
                var path = Normalize(file.RelativePath);
                var entry = file.Content is null
                    ? new PaxTarEntry(TarEntryType.Directory, path + "/")
                    : new PaxTarEntry(TarEntryType.RegularFile, path) { DataStream = new MemoryStream(file.Content, writable: false) };
                entry.Uid = file.Uid;
                entry.Gid = file.Gid;
                entry.Mode = file.Mode;
                entry.ModificationTime = DateTimeOffset.UtcNow;
                writer.WriteEntry(entry);
            }
        }

        output.Position = 0;
        return output;
    }

    /// <summary>
    /// A tar of a build context folder, written to a temporary file deleted on close (contexts can be large).
    /// Symbolic links are stored as links, as <c>docker build</c> does.
    /// </summary>
    public static Stream FromDirectory(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"The build context {directory} does not exist.");
        }

        var temp = new FileStream(
            Path.Combine(Path.GetTempPath(), $"scc-context-{Guid.NewGuid():N}.tar"),
            FileMode.CreateNew,
            FileAccess.ReadWrite,
            FileShare.None,
            81920,
            FileOptions.DeleteOnClose);
        TarFile.CreateFromDirectory(directory, temp, includeBaseDirectory: false);
        temp.Position = 0;
        return temp;
    }

    /// <summary>The content of the first regular file in a tar stream, or null when it holds none.</summary>
    public static async Task<byte[]?> ReadFirstFileAsync(Stream tar, CancellationToken cancellationToken)
    {
        using var reader = new TarReader(tar, leaveOpen: true);
        while (await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
        {
            if (entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile && entry.DataStream is { } data)
            {
                using var buffer = new MemoryStream();
                await data.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
                return buffer.ToArray();
            }
        }

        return null;
    }

    private static string Normalize(string relativePath)
    {
        var path = relativePath.Replace('\\', '/').Trim('/');
        if (path.Length == 0 || path.Split('/').Any(p => p is ".." or "." or ""))
        {
            throw new ArgumentException($"'{relativePath}' is not a plain relative path.", nameof(relativePath));
        }

        return path;
    }
}
