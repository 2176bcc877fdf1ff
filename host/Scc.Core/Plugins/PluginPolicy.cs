using System.Text.Json;
using Scc.Core.Errors;
using Scc.Core.Text;

namespace Scc.Core.Plugins;

/// <summary>An allow-list entry of <c>security.provider_plugins.allow</c>.</summary>
internal sealed record PluginAllowEntry(string Id, string? Publisher, string? Sha256);

/// <summary>
/// Which plugins may load (<c>security.provider_plugins</c> and <c>security.allowed_providers</c> of the org config).
/// Checked on the manifest and the folder hash, before any plugin code is loaded.
/// </summary>
internal sealed record PluginPolicy(
    IReadOnlyList<PluginAllowEntry>? Allow,
    IReadOnlyList<string> Block,
    IReadOnlyList<string>? AllowedProviders,
    string Source)
{
    /// <summary>No org config: built-in and user-installed plugins load.</summary>
    public static PluginPolicy Standalone { get; } = new(null, [], null, "standalone defaults");

    public bool IsStandalone => ReferenceEquals(this, Standalone);

    /// <summary>
    /// Decides a plugin from its manifest alone (and its folder hash, computed only when a pin asks for it).
    /// Built-in plugins ship inside scc itself, so the allow list does not apply to them; the block list and
    /// <c>allowed_providers</c> do.
    /// </summary>
    public PolicyDecision Decide(PluginManifest manifest, bool builtIn, Func<string> computeHash)
    {
        var blockedBy = Glob.FirstMatch(Block, manifest.Id);
        if (blockedBy is not null)
        {
            return PolicyDecision.Blocked($"matches \"{blockedBy}\" in security.provider_plugins.block ({Source})");
        }

        if (AllowedProviders is not null && !AllowedProviders.Contains(manifest.Id, StringComparer.OrdinalIgnoreCase))
        {
            return PolicyDecision.Blocked($"\"{manifest.Id}\" is not in security.allowed_providers ({Source})");
        }

        if (builtIn || Allow is null)
        {
            return PolicyDecision.Allowed;
        }

        var entries = Allow.Where(a => string.Equals(a.Id, manifest.Id, StringComparison.OrdinalIgnoreCase)).ToList();
        if (entries.Count == 0)
        {
            return PolicyDecision.Blocked($"\"{manifest.Id}\" is not on security.provider_plugins.allow ({Source})");
        }

        var publisherMatches = entries.Where(a => a.Publisher is null || string.Equals(a.Publisher, manifest.Publisher, StringComparison.OrdinalIgnoreCase)).ToList();
        if (publisherMatches.Count == 0)
        {
            return PolicyDecision.Blocked($"publisher \"{manifest.Publisher}\" is not the one allowed for \"{manifest.Id}\" ({string.Join(", ", entries.Select(e => e.Publisher))})");
        }

        var pins = publisherMatches.Where(a => a.Sha256 is not null).Select(a => a.Sha256!).ToList();
        if (pins.Count == 0 || publisherMatches.Any(a => a.Sha256 is null))
        {
            return PolicyDecision.Allowed;
        }

        var actual = computeHash();
        return pins.Any(p => PluginHasher.Matches(p, actual))
            ? PolicyDecision.Allowed
            : PolicyDecision.HashMismatch($"the folder hashes to {actual}, not the pinned {string.Join(" or ", pins)}: a file was changed or added after it was pinned");
    }

    /// <summary>Reads the two sections from an org config file; other sections are the governance loader's.</summary>
    public static PluginPolicy FromOrgConfigFile(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"The org config {path} cannot be read: {ex.Message}", "Check the path given by --org-config or `scc setup`.");
        }

        try
        {
            using var doc = JsonDocument.Parse(bytes);
            return FromOrgConfig(doc.RootElement, path);
        }
        catch (JsonException ex)
        {
            throw new ConfigException($"The org config {path} is not valid JSON (line {(ex.LineNumber ?? 0) + 1}, column {(ex.BytePositionInLine ?? 0) + 1}).", "Fix the file, then run `scc org validate`.");
        }
    }

    public static PluginPolicy FromOrgConfig(JsonElement root, string source)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("security", out var security) || security.ValueKind != JsonValueKind.Object)
        {
            return new PluginPolicy(null, [], null, source);
        }

        IReadOnlyList<string>? allowedProviders = null;
        if (security.TryGetProperty("allowed_providers", out var ap) && ap.ValueKind != JsonValueKind.Null)
        {
            allowedProviders = StringArray(ap, "security.allowed_providers", source);
        }

        IReadOnlyList<PluginAllowEntry>? allow = null;
        IReadOnlyList<string> block = [];
        if (security.TryGetProperty("provider_plugins", out var pp) && pp.ValueKind != JsonValueKind.Null)
        {
            if (pp.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(source, "security.provider_plugins", "an object {\"allow\": [...], \"block\": [...]}");
            }

            if (pp.TryGetProperty("block", out var b) && b.ValueKind != JsonValueKind.Null)
            {
                block = StringArray(b, "security.provider_plugins.block", source);
            }

            if (pp.TryGetProperty("allow", out var a) && a.ValueKind != JsonValueKind.Null)
            {
                if (a.ValueKind != JsonValueKind.Array)
                {
                    throw Invalid(source, "security.provider_plugins.allow", "an array of {\"id\", \"publisher\", \"sha256\"}");
                }

                var list = new List<PluginAllowEntry>();
                var i = 0;
                foreach (var e in a.EnumerateArray())
                {
                    var at = $"security.provider_plugins.allow[{i++}]";
                    if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String)
                    {
                        throw Invalid(source, at, "an object with a string \"id\"");
                    }

                    list.Add(new PluginAllowEntry(id.GetString()!, OptionalString(e, "publisher", at, source), OptionalString(e, "sha256", at, source)));
                }

                allow = list;
            }
        }

        return new PluginPolicy(allow, block, allowedProviders, source);
    }

    private static string? OptionalString(JsonElement obj, string name, string at, string source) =>
        !obj.TryGetProperty(name, out var el) || el.ValueKind == JsonValueKind.Null ? null
        : el.ValueKind == JsonValueKind.String ? el.GetString()
        : throw Invalid(source, $"{at}.{name}", "a string");

    private static string[] StringArray(JsonElement el, string at, string source) =>
        el.ValueKind == JsonValueKind.Array && el.EnumerateArray().All(x => x.ValueKind == JsonValueKind.String)
            ? [.. el.EnumerateArray().Select(x => x.GetString()!)]
            : throw Invalid(source, at, "an array of strings");

    private static ConfigException Invalid(string source, string at, string expected) =>
        new($"The org config {source}: {at} must be {expected}.", "Fix the file, then run `scc org validate`.");
}

internal enum PolicyOutcome
{
    Allowed,
    Blocked,
    HashMismatch,
}

internal sealed record PolicyDecision(PolicyOutcome Outcome, string? Reason)
{
    public static PolicyDecision Allowed { get; } = new(PolicyOutcome.Allowed, null);

    public static PolicyDecision Blocked(string reason) => new(PolicyOutcome.Blocked, reason);

    public static PolicyDecision HashMismatch(string reason) => new(PolicyOutcome.HashMismatch, reason);
}
