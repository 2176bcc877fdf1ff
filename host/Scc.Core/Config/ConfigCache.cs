using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Scc.Core.Config;

/// <summary>A cached remote document: its text (already validated when it was written), ETag and fetch time.</summary>
internal sealed record CacheEntry(
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("etag")] string? ETag,
    [property: JsonPropertyName("fetched_at")] DateTimeOffset FetchedAt,
    [property: JsonPropertyName("sha256")] string Sha256,
    [property: JsonPropertyName("text")] string Text)
{
    public TimeSpan Age(DateTimeOffset now) => now - FetchedAt;
}

[JsonSourceGenerationOptions(WriteIndented = false)]
[JsonSerializable(typeof(CacheEntry))]
internal sealed partial class ConfigCacheJsonContext : JsonSerializerContext;

/// <summary>
/// Remote configs cached under <c>$XDG_CACHE_HOME/scc/&lt;kind&gt;/</c>, one file per source, written atomically.
/// A file that is truncated, edited or unreadable counts as absent (with the reason), never as a config.
/// </summary>
internal sealed class ConfigCache(string folder)
{
    public string Folder => folder;

    public string PathFor(string source) =>
        Path.Combine(folder, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(source)))[..32] + ".json");

    /// <summary>The entry for <paramref name="source"/>, or null with <paramref name="problem"/> set when a file exists but is bad.</summary>
    public CacheEntry? Read(string source, out string? problem)
    {
        problem = null;
        var path = PathFor(source);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            var entry = JsonSerializer.Deserialize(File.ReadAllBytes(path), ConfigCacheJsonContext.Default.CacheEntry);
            if (entry is null || entry.Source != source || entry.Text is null || Hash(entry.Text) != entry.Sha256)
            {
                problem = $"the cache file {path} is damaged (checksum mismatch)";
                return null;
            }

            return entry;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            problem = $"the cache file {path} is damaged ({e.Message.Split('.')[0]})";
            return null;
        }
    }

    public CacheEntry Write(string source, string text, string? etag, DateTimeOffset fetchedAt)
    {
        var entry = new CacheEntry(source, etag, fetchedAt, Hash(text), text);
        AtomicFile.Write(PathFor(source), JsonSerializer.SerializeToUtf8Bytes(entry, ConfigCacheJsonContext.Default.CacheEntry));
        return entry;
    }

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
