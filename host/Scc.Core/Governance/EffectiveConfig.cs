using Scc.Core.Config;

namespace Scc.Core.Governance;

/// <summary>The layers a value can come from, loosest authority last.</summary>
internal static class Layers
{
    public const string BuiltIn = "built-in";
    public const string Org = "org";
    public const string Project = "project";

    public static string Team(string name) => $"team:{name}";
}

/// <summary>Where an effective value came from: the layer and the key inside that layer's file.</summary>
internal sealed record Provenance(string Layer, string Key)
{
    public override string ToString() => $"{Layer} ({Key})";
}

/// <summary>A value with the layer that set it.</summary>
internal sealed record Sourced<T>(T Value, Provenance Source);

internal enum RefusalKind
{
    /// <summary>Security forbids it; nothing can lift it.</summary>
    Blocked,

    /// <summary>The layer asking was not delegated, or the item is not on the allow-list.</summary>
    Denied,

    /// <summary>Not applied, but not a policy violation (e.g. a looser network policy, a disabled default).</summary>
    Ignored,
}

/// <summary>Something a layer asked for and did not get, with the rule that decided it.</summary>
internal sealed record Refusal(
    string Kind,
    string Item,
    Provenance RequestedBy,
    RefusalKind Outcome,
    string Rule,
    string Reason);

/// <summary>
/// The merged result of org → team → project: every effective value with its source, and every request that was
/// blocked, denied or ignored with the rule that caused it. Security is the org's, unchanged.
/// </summary>
internal sealed record EffectiveConfig
{
    public required string OrganizationId { get; init; }

    public required bool Standalone { get; init; }

    public string? Team { get; init; }

    public required SecurityConfig Security { get; init; }

    public required IReadOnlyList<Sourced<string>> Plugins { get; init; }

    public required IReadOnlyList<Sourced<McpServerSpec>> McpServers { get; init; }

    public required Sourced<string> NetworkPolicy { get; init; }

    public required Sourced<int?> SessionTimeoutHours { get; init; }

    public required Sourced<bool?> SessionAutoResume { get; init; }

    public required IReadOnlyList<Sourced<string>> Destinations { get; init; }

    public required IReadOnlyList<string> PrivateNetworks { get; init; }

    public required IReadOnlyDictionary<string, MarketplaceSpec> Marketplaces { get; init; }

    public required IReadOnlyList<Refusal> Refusals { get; init; }

    /// <summary>True when any layer asked for something security blocks or delegation denies.</summary>
    public bool HasViolations => Refusals.Any(r => r.Outcome != RefusalKind.Ignored);

    /// <summary>True when the project asked for something blocked or denied (<c>config validate</c> exits 6).</summary>
    public bool HasProjectViolations => Refusals.Any(r => r.Outcome != RefusalKind.Ignored && r.RequestedBy.Layer == Layers.Project);

    /// <summary>Provider ids that may run; null = any.</summary>
    public IReadOnlyList<string>? AllowedProviders => Security.AllowedProviders;

    public bool IsProviderAllowed(string providerId) =>
        Security.AllowedProviders is not { } allowed || allowed.Any(p => string.Equals(p, providerId, StringComparison.OrdinalIgnoreCase));
}
