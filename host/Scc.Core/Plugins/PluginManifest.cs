using System.Text.Json;
using System.Text.RegularExpressions;

namespace Scc.Core.Plugins;

/// <summary>The contents of a plugin folder's <c>scc-plugin.json</c>.</summary>
internal sealed record PluginManifest(
    string Id,
    string Version,
    string DisplayName,
    string Publisher,
    string EntryAssembly,
    int AbiMin,
    int AbiMax)
{
    public const string FileName = "scc-plugin.json";

    public bool SupportsAbi(int abi) => abi >= AbiMin && abi <= AbiMax;
}

internal sealed class ManifestException(string message) : Exception(message);

/// <summary>
/// Reads a manifest without loading any plugin code. Every problem is a <see cref="ManifestException"/> whose
/// message names the file and the field.
/// </summary>
internal static partial class PluginManifestReader
{
    [GeneratedRegex("^[a-z][a-z0-9-]{0,62}$")]
    private static partial Regex IdPattern();

    public static PluginManifest Read(string folder)
    {
        var path = Path.Combine(folder, PluginManifest.FileName);
        if (!File.Exists(path))
        {
            throw new ManifestException($"{PluginManifest.FileName} is missing in {folder}");
        }

        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ManifestException($"{path} cannot be read: {ex.Message}");
        }

        return Parse(bytes, path);
    }

    public static PluginManifest Parse(byte[] bytes, string path)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(bytes, new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            throw new ManifestException($"{path} is not valid JSON (line {(ex.LineNumber ?? 0) + 1}, column {(ex.BytePositionInLine ?? 0) + 1})");
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new ManifestException($"{path}: the manifest must be a JSON object");
            }

            var id = RequiredString(root, "id", path);
            if (!IdPattern().IsMatch(id))
            {
                throw new ManifestException($"{path}: \"id\" must be lower-case letters, digits and '-', starting with a letter (got \"{id}\")");
            }

            var entry = RequiredString(root, "entryAssembly", path);
            if (entry.Contains('/') || entry.Contains('\\') || !entry.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            {
                throw new ManifestException($"{path}: \"entryAssembly\" must be a .dll file name in the plugin folder (got \"{entry}\")");
            }

            if (!root.TryGetProperty("abi", out var abi) || abi.ValueKind != JsonValueKind.Object)
            {
                throw new ManifestException($"{path}: \"abi\" must be an object {{\"min\": N, \"max\": N}}");
            }

            var min = RequiredInt(abi, "min", path, "abi.min");
            var max = RequiredInt(abi, "max", path, "abi.max");
            if (min < 1 || max < min)
            {
                throw new ManifestException($"{path}: \"abi\" range {min}..{max} is not a valid range");
            }

            return new PluginManifest(
                id,
                RequiredString(root, "version", path),
                RequiredString(root, "displayName", path),
                RequiredString(root, "publisher", path),
                entry,
                min,
                max);
        }
    }

    private static string RequiredString(JsonElement obj, string name, string path)
    {
        if (!obj.TryGetProperty(name, out var el))
        {
            throw new ManifestException($"{path}: \"{name}\" is missing");
        }

        if (el.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(el.GetString()))
        {
            throw new ManifestException($"{path}: \"{name}\" must be a non-empty string (got {Describe(el)})");
        }

        return el.GetString()!;
    }

    private static int RequiredInt(JsonElement obj, string name, string path, string display)
    {
        if (!obj.TryGetProperty(name, out var el))
        {
            throw new ManifestException($"{path}: \"{display}\" is missing");
        }

        if (el.ValueKind != JsonValueKind.Number || !el.TryGetInt32(out var value))
        {
            throw new ManifestException($"{path}: \"{display}\" must be an integer (got {Describe(el)})");
        }

        return value;
    }

    private static string Describe(JsonElement el) => el.ValueKind switch
    {
        JsonValueKind.String => $"the string \"{el.GetString()}\"",
        JsonValueKind.Number => $"the number {el.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => $"the boolean {el.GetRawText()}",
        JsonValueKind.Null => "null",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => el.ValueKind.ToString(),
    };
}
