using Scc.Abstractions;
using Scc.Core.Governance;
using Scc.Egress;

namespace Scc.Core.Launch;

/// <summary>The effective egress of one launch: every destination with where it came from, problems, and the proxy config.</summary>
internal sealed record EgressPlan(EgressPolicy Policy, IReadOnlyList<EgressProblem> Problems, string SquidConfig);

/// <summary>
/// Turns the governance result (destinations already filtered by delegation, sets expanded) plus the provider's
/// required API hosts into the egress policy, and compiles it to the Squid config the proxy runs.
/// </summary>
internal static class EgressPlanner
{
    public static EgressPlan Plan(EffectiveConfig effective, ProviderRuntimeSpec? provider)
    {
        var layers = new List<EgressLayerInput>();
        foreach (var group in effective.Destinations.GroupBy(d => d.Source.Layer))
        {
            layers.Add(new EgressLayerInput(Source(group.Key), [.. group.Select(d => d.Value)]));
        }

        if (provider is not null)
        {
            layers.Add(new EgressLayerInput(EgressSource.Provider(provider.ProviderId), provider.RequiredEgressDestinations));
        }

        var result = EgressMerger.Merge(new EgressMergeRequest(layers, PrivateNetworks: effective.PrivateNetworks));
        return new EgressPlan(result.Policy, result.Problems, SquidConfigCompiler.Compile(result.Policy));
    }

    private static EgressSource Source(string layer) => layer switch
    {
        Layers.Project => EgressSource.Project,
        _ when layer.StartsWith("team:", StringComparison.Ordinal) => EgressSource.Team(layer["team:".Length..]),
        _ => EgressSource.OrgDefaults,
    };
}
