using System.Net;

namespace Scc.Egress;

/// <summary>An allowed destination with where it came from.</summary>
/// <param name="Destination">The parsed destination (never a set reference: sets are expanded).</param>
/// <param name="Source">The first layer (in merge order) that asked for it.</param>
/// <param name="ViaSet">The named set it was expanded from, when the layer referenced a set.</param>
/// <param name="AlsoRequestedBy">Later layers that asked for the same destination, as provenance strings.</param>
public sealed record EffectiveDestination(
    EgressDestination Destination,
    EgressSource Source,
    string? ViaSet,
    IReadOnlyList<string> AlsoRequestedBy)
{
    /// <summary>The provenance as printed: <c>project</c>, <c>team:web via set:npm</c>, …</summary>
    public string Provenance => ViaSet is null ? Source.ToString() : $"{Source} via set:{ViaSet}";
}

/// <summary>The effective egress policy of a session: what the proxy config is compiled from.</summary>
/// <param name="Destinations">Allowed destinations, de-duplicated, in merge order.</param>
/// <param name="PrivateNetworks">Private ranges the org opened (<c>private_networks</c>); everything else in
/// <see cref="AddressRanges.Denied"/> stays denied.</param>
public sealed record EgressPolicy(IReadOnlyList<EffectiveDestination> Destinations, IReadOnlyList<IPNetwork> PrivateNetworks)
{
    /// <summary>No destination at all: the proxy denies everything.</summary>
    public static EgressPolicy Empty { get; } = new([], []);
}

/// <summary>The entries one layer contributes, already filtered by governance (delegation is decided there).</summary>
/// <param name="Source">The layer.</param>
/// <param name="Entries">The entries as written in that layer.</param>
public sealed record EgressLayerInput(EgressSource Source, IReadOnlyList<string> Entries);

/// <summary>Everything the merge needs.</summary>
/// <param name="Layers">Layers in precedence order: org defaults, team, project, then providers.</param>
/// <param name="NamedSets">Org-defined sets by name (without '@').</param>
/// <param name="PrivateNetworks">The org's <c>private_networks</c> CIDRs as written.</param>
public sealed record EgressMergeRequest(
    IReadOnlyList<EgressLayerInput> Layers,
    IReadOnlyDictionary<string, IReadOnlyList<string>>? NamedSets = null,
    IReadOnlyList<string>? PrivateNetworks = null);

/// <summary>The merged policy and every entry that was rejected. Problems never stop the merge: the policy holds
/// what was valid, and the caller decides whether problems are fatal (<c>scc config validate</c> says they are).</summary>
public sealed record EgressMergeResult(EgressPolicy Policy, IReadOnlyList<EgressProblem> Problems)
{
    /// <summary>True when nothing was rejected.</summary>
    public bool Ok => Problems.Count == 0;
}
