using Scc.Core.Config;

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
        if (Glob.AnyMatch(Block, manifest.Id, out var blockedBy))
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

    /// <summary>The plugin policy of a loaded org config.</summary>
    public static PluginPolicy FromOrg(OrgConfig org, string source) => new(
        org.Security.ProviderPlugins.Allow?.Select(a => new PluginAllowEntry(a.Id, a.Publisher, a.Sha256)).ToList(),
        org.Security.ProviderPlugins.Block,
        org.Security.AllowedProviders,
        source);
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
