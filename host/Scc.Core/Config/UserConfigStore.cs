using System.Text;
using System.Text.Json;
using Scc.Core.Errors;
using Scc.Core.Paths;

namespace Scc.Core.Config;

/// <summary>
/// Loads and saves <see cref="UserConfig"/>. A missing file means defaults; a corrupt file is an error naming the
/// file, line and column, and is never overwritten behind the user's back. Saves are atomic (temp file in the same
/// folder, flushed to disk, then renamed over the old file), so a crash leaves either the old or the new file.
/// </summary>
internal sealed class UserConfigStore(SccPaths paths)
{
    public string FilePath => paths.UserConfigFile;

    public UserConfig Load()
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(FilePath);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return UserConfig.Default;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"Cannot read the user config {FilePath}: {e.Message}", "Check the file's permissions.", e);
        }

        return Parse(bytes, FilePath);
    }

    /// <summary>Parses user config bytes; <paramref name="origin"/> names the file in errors.</summary>
    public static UserConfig Parse(ReadOnlySpan<byte> bytes, string origin)
    {
        if (bytes.IsEmpty || IsWhitespace(bytes))
        {
            throw Corrupt(origin, 1, 1, "the file is empty");
        }

        try
        {
            var config = JsonSerializer.Deserialize(bytes, UserConfigJsonContext.Default.UserConfig);
            return config ?? throw Corrupt(origin, 1, 1, "the file holds null, not an object");
        }
        catch (JsonException e)
        {
            // System.Text.Json counts lines and bytes from 0; people count from 1.
            var line = (e.LineNumber ?? 0) + 1;
            var column = (e.BytePositionInLine ?? 0) + 1;
            var path = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "" : $" at {e.Path}";
            throw Corrupt(origin, line, column, $"not valid{path}");
        }
    }

    public void Save(UserConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(config, UserConfigJsonContext.Default.UserConfig);
        AtomicFile.Write(FilePath, bytes);
    }

    /// <summary>Loads, applies <paramref name="change"/> and saves; refuses (like Load) when the file is corrupt.</summary>
    public UserConfig Update(Func<UserConfig, UserConfig> change)
    {
        var updated = change(Load());
        Save(updated);
        return updated;
    }

    private static bool IsWhitespace(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                return false;
            }
        }

        return true;
    }

    private static ConfigException Corrupt(string origin, long line, long column, string what) =>
        new($"The user config {origin} is corrupt ({what}, line {line}, column {column}).",
            $"Fix or remove {origin}; scc will not overwrite it. `scc setup` writes a new one once it is gone.");
}

/// <summary>Atomic file replacement: write a temp file beside the target, fsync it, rename it over the target.</summary>
internal static class AtomicFile
{
    public static void Write(string path, ReadOnlySpan<byte> bytes)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        Directory.CreateDirectory(folder);
        var temp = Path.Combine(folder, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    public static void WriteText(string path, string text) => Write(path, Encoding.UTF8.GetBytes(text));

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // The original error matters more than a leftover temp file.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
