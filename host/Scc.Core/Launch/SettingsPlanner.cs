using Scc.Abstractions;
using Scc.Core.Config;
using Scc.Core.Governance;

namespace Scc.Core.Launch;

/// <summary>Maps the effective config onto the provider-neutral fragment a runner renders, within the provider's capabilities.</summary>
internal static class SettingsPlanner
{
    public static SettingsFragment Fragment(EffectiveConfig effective, ProviderCapabilities capabilities)
    {
        IReadOnlyList<AgentPluginRef> plugins = capabilities.SupportsPlugins
            ? [.. effective.Plugins.Select(p => AgentPluginRef.Parse(p.Value))]
            : [];
        IReadOnlyList<MarketplaceDefinition> marketplaces = capabilities.SupportsPlugins
            ? [.. effective.Marketplaces.Select(m => Marketplace(m.Key, m.Value))]
            : [];
        IReadOnlyList<McpServerDefinition> servers = capabilities.SupportsMcpServers
            ? [.. effective.McpServers.Select(s => Server(s.Value)).Where(s => s is not null && capabilities.McpTransports.Contains(s.Transport)).Select(s => s!)]
            : [];
        return new SettingsFragment(plugins, servers, marketplaces);
    }

    private static McpServerDefinition? Server(McpServerSpec spec) => spec.Type.ToLowerInvariant() switch
    {
        "stdio" when spec.Command is not null => McpServerDefinition.Stdio(spec.Name, spec.Command, spec.Args, spec.Env),
        "http" when spec.Url is not null => McpServerDefinition.Remote(spec.Name, McpTransport.Http, spec.Url, spec.Headers),
        "sse" when spec.Url is not null => McpServerDefinition.Remote(spec.Name, McpTransport.Sse, spec.Url, spec.Headers),
        _ => null,
    };

    private static MarketplaceDefinition Marketplace(string name, MarketplaceSpec m) => m.Source switch
    {
        "github" => new MarketplaceDefinition(name, "github", m.Repo is { } repo && m.Owner is { } owner && !repo.Contains('/') ? $"{owner}/{repo}" : m.Repo ?? m.Url ?? string.Empty, m.Branch, m.Path),
        "directory" => new MarketplaceDefinition(name, "directory", m.Path ?? string.Empty),
        _ => new MarketplaceDefinition(name, m.Source, m.Url ?? m.Repo ?? string.Empty, m.Branch, m.Path),
    };
}
