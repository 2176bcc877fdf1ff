using System.Net;

namespace Scc.Core.Config;

/// <summary>
/// The rules a schema cannot say: nothing the org enables or a team adds may be blocked by the org's own security,
/// every MCP server has an identifier, stdio servers sit under the allowed prefixes, references resolve.
/// Findings carry a JSON path; the loader adds the line.
/// </summary>
internal static class OrgConfigInvariants
{
    public static IReadOnlyList<ConfigDiagnostic> Check(OrgConfig config)
    {
        var found = new List<ConfigDiagnostic>();
        var security = config.Security;

        for (var i = 0; i < config.Defaults.EnabledPlugins.Count; i++)
        {
            var plugin = config.Defaults.EnabledPlugins[i];
            if (Glob.AnyMatch(security.BlockedPlugins, plugin, out var rule))
            {
                found.Add(ConfigDiagnostic.Error("invariant.enabled_plugin_blocked",
                    $"enabled plugin '{plugin}' is blocked by security.blocked_plugins '{rule}'",
                    JsonPaths.Index(JsonPaths.Of("defaults", "enabled_plugins"), i)));
            }
        }

        foreach (var (name, marketplace) in config.Marketplaces)
        {
            CheckMarketplace(name, marketplace, JsonPaths.Of("marketplaces", name), found);
        }

        for (var i = 0; i < config.Defaults.ExtraMarketplaces.Count; i++)
        {
            var name = config.Defaults.ExtraMarketplaces[i];
            if (!config.Marketplaces.ContainsKey(name))
            {
                found.Add(ConfigDiagnostic.Warning("invariant.unknown_marketplace",
                    $"extra marketplace '{name}' is not defined under marketplaces",
                    JsonPaths.Index(JsonPaths.Of("defaults", "extra_marketplaces"), i)));
            }
        }

        CheckEgress(config, config.Defaults.Egress, JsonPaths.Of("defaults", "egress"), isOrg: true, found);
        foreach (var (set, destinations) in config.DestinationSets)
        {
            for (var i = 0; i < destinations.Count; i++)
            {
                if (DestinationSyntax.Check(destinations[i]) is { } problem)
                {
                    found.Add(ConfigDiagnostic.Error("invariant.destination_syntax", problem, JsonPaths.Index(JsonPaths.Of("destination_sets", set), i)));
                }
            }
        }

        foreach (var (team, profile) in config.Profiles)
        {
            CheckTeam(config, team, profile, JsonPaths.Of("profiles", team), found);
        }

        if (security.AllowedProviders is { } providers)
        {
            for (var i = 0; i < providers.Count; i++)
            {
                if (string.IsNullOrWhiteSpace(providers[i]))
                {
                    found.Add(ConfigDiagnostic.Error("invariant.empty_provider", "an allowed provider id is empty",
                        JsonPaths.Index(JsonPaths.Of("security", "allowed_providers"), i)));
                }
            }
        }

        for (var i = 0; i < security.AllowedStdioPrefixes.Count; i++)
        {
            if (!security.AllowedStdioPrefixes[i].StartsWith('/'))
            {
                found.Add(ConfigDiagnostic.Error("invariant.stdio_prefix_relative",
                    $"allowed stdio prefix '{security.AllowedStdioPrefixes[i]}' is not an absolute path",
                    JsonPaths.Index(JsonPaths.Of("security", "allowed_stdio_prefixes"), i)));
            }
        }

        return found;
    }

    /// <summary>
    /// Checks a team profile against the current org security; used for inline profiles and, after fetching, for
    /// federated ones (so a federated team can never outlive an org block).
    /// </summary>
    public static void CheckTeam(OrgConfig config, string team, TeamProfile profile, string path, List<ConfigDiagnostic> found)
    {
        var plugins = profile.AdditionalPlugins.Select((p, i) => (p, JsonPaths.Index(JsonPaths.Member(path, "additional_plugins"), i)))
            .Concat(profile.EnabledPlugins.Select((p, i) => (p, JsonPaths.Index(JsonPaths.Member(path, "enabled_plugins"), i))));
        foreach (var (plugin, at) in plugins)
        {
            if (Glob.AnyMatch(config.Security.BlockedPlugins, plugin, out var rule))
            {
                found.Add(ConfigDiagnostic.Error("invariant.team_plugin_blocked",
                    $"team '{team}' adds plugin '{plugin}', which security.blocked_plugins '{rule}' blocks", at));
            }
        }

        for (var i = 0; i < profile.AdditionalMcpServers.Count; i++)
        {
            CheckMcpServer(config.Security, team, profile.AdditionalMcpServers[i],
                JsonPaths.Index(JsonPaths.Member(path, "additional_mcp_servers"), i), found);
        }

        if (profile.NetworkPolicy is { } policy && config.Defaults.NetworkPolicy is { } orgPolicy
            && NetworkPolicies.Rank(policy) < NetworkPolicies.Rank(orgPolicy))
        {
            found.Add(ConfigDiagnostic.Warning("invariant.team_network_wider",
                $"team '{team}' asks for network policy '{policy}', looser than defaults.network_policy '{orgPolicy}'; it will be ignored",
                JsonPaths.Member(path, "network_policy")));
        }

        if (profile.ConfigSource is { } source)
        {
            CheckSource(team, source, JsonPaths.Member(path, "config_source"), found);
        }

        CheckEgress(config, profile.Egress, JsonPaths.Member(path, "egress"), isOrg: false, found);
        foreach (var (name, marketplace) in profile.Marketplaces)
        {
            CheckMarketplace(name, marketplace, JsonPaths.Of("marketplaces", name), found);
        }
    }

    public static void CheckMcpServer(SecurityConfig security, string owner, McpServerSpec server, string path, List<ConfigDiagnostic> found)
    {
        var label = string.IsNullOrWhiteSpace(server.Name) ? "(unnamed)" : server.Name;
        if (string.IsNullOrWhiteSpace(server.Name))
        {
            found.Add(ConfigDiagnostic.Error("invariant.mcp_no_identifier", $"an MCP server of '{owner}' has no name", JsonPaths.Member(path, "name")));
        }

        if (server.Type is "sse" or "http")
        {
            if (string.IsNullOrWhiteSpace(server.Url))
            {
                found.Add(ConfigDiagnostic.Error("invariant.mcp_no_identifier", $"{server.Type} MCP server '{label}' has no url", path));
            }
            else if (!Uri.TryCreate(server.Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            {
                found.Add(ConfigDiagnostic.Error("invariant.mcp_bad_url", $"MCP server '{label}' has url '{server.Url}', which is not an http(s) URL", JsonPaths.Member(path, "url")));
            }
        }
        else if (server.Type == "stdio")
        {
            if (string.IsNullOrWhiteSpace(server.Command))
            {
                found.Add(ConfigDiagnostic.Error("invariant.mcp_no_identifier", $"stdio MCP server '{label}' has no command", path));
            }
            else if (StdioGate(security, server.Command) is { } reason)
            {
                found.Add(ConfigDiagnostic.Error("invariant.stdio_outside_prefixes", $"stdio MCP server '{label}': {reason}", JsonPaths.Member(path, "command")));
            }

            if (!security.AllowStdioMcp)
            {
                found.Add(ConfigDiagnostic.Warning("invariant.stdio_disabled",
                    $"stdio MCP server '{label}' will be blocked: security.allow_stdio_mcp is false", path));
            }
        }

        if (McpBlock(security, server) is { } block)
        {
            found.Add(ConfigDiagnostic.Error("invariant.mcp_blocked",
                $"'{owner}' adds MCP server '{label}', which security.blocked_mcp_servers '{block}' blocks", path));
        }
    }

    /// <summary>Why a stdio command may not run (not absolute, outside the allowed prefixes), or null.</summary>
    public static string? StdioGate(SecurityConfig security, string command)
    {
        if (!command.StartsWith('/'))
        {
            return $"command '{command}' is not an absolute path";
        }

        if (security.AllowedStdioPrefixes.Count == 0)
        {
            return null;
        }

        // Normalise ../ so /opt/ok/../../bin/sh is not under /opt/ok.
        var full = Path.GetFullPath(command);
        foreach (var prefix in security.AllowedStdioPrefixes)
        {
            var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(prefix));
            if (full == root || full.StartsWith(root + "/", StringComparison.Ordinal))
            {
                return null;
            }
        }

        return $"command '{command}' is outside security.allowed_stdio_prefixes ({string.Join(", ", security.AllowedStdioPrefixes)})";
    }

    /// <summary>The blocked_mcp_servers glob matching the server's name, URL, host or command, or null.</summary>
    public static string? McpBlock(SecurityConfig security, McpServerSpec server)
    {
        if (security.BlockedMcpServers.Count == 0)
        {
            return null;
        }

        var blocked = security.BlockedMcpServers;
        var host = server.Host;
        return Glob.AnyMatch(blocked, server.Name, out var rule)
            || (server.Url is { } url && Glob.AnyMatch(blocked, url, out rule))
            || (host is not null && Glob.AnyMatch(blocked, host, out rule))
            || (server.Command is { } command && Glob.AnyMatch(blocked, command, out rule))
            ? rule
            : null;
    }

    private static void CheckSource(string team, ConfigSourceSpec source, string path, List<ConfigDiagnostic> found)
    {
        switch (source.Kind)
        {
            case ConfigSourceSpec.UrlKind:
                if (!Uri.TryCreate(source.Url, UriKind.Absolute, out var uri) || !(uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback)))
                {
                    found.Add(ConfigDiagnostic.Error("invariant.config_source_url",
                        $"team '{team}' config_source '{source.Url}' must be an https:// URL", path));
                }

                break;
            case ConfigSourceSpec.FileKind when string.IsNullOrWhiteSpace(source.Path):
                found.Add(ConfigDiagnostic.Error("invariant.config_source_file", $"team '{team}' config_source names no file", path));
                break;
            case ConfigSourceSpec.GitHubKind or ConfigSourceSpec.GitKind:
                found.Add(ConfigDiagnostic.Warning("invariant.config_source_unsupported",
                    $"team '{team}' config_source of kind '{source.Kind}' is accepted but not fetched by scc yet; use an https URL", path));
                break;
        }
    }

    private static void CheckMarketplace(string name, MarketplaceSpec marketplace, string path, List<ConfigDiagnostic> found)
    {
        var missing = marketplace.Source switch
        {
            "github" when string.IsNullOrEmpty(marketplace.Owner) || string.IsNullOrEmpty(marketplace.Repo) => "owner and repo",
            "git" when string.IsNullOrEmpty(marketplace.Url) => "url",
            "url" when string.IsNullOrEmpty(marketplace.Url) => "url",
            "directory" when string.IsNullOrEmpty(marketplace.Path) => "path",
            _ => null,
        };
        if (missing is not null)
        {
            found.Add(ConfigDiagnostic.Error("invariant.marketplace_incomplete", $"marketplace '{name}' of source '{marketplace.Source}' needs {missing}", path));
        }
        else if (marketplace.Source == "url" && !marketplace.Url!.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            found.Add(ConfigDiagnostic.Error("invariant.marketplace_http", $"marketplace '{name}' url must be https://", JsonPaths.Member(path, "url")));
        }
        else if (marketplace.Source == "git" && !(marketplace.Url!.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || marketplace.Url.StartsWith("git@", StringComparison.Ordinal)))
        {
            found.Add(ConfigDiagnostic.Error("invariant.marketplace_http", $"marketplace '{name}' url must be https:// or git@", JsonPaths.Member(path, "url")));
        }
    }

    private static void CheckEgress(OrgConfig config, EgressConfig? egress, string path, bool isOrg, List<ConfigDiagnostic> found)
    {
        if (egress is null)
        {
            return;
        }

        for (var i = 0; i < egress.Destinations.Count; i++)
        {
            if (DestinationSyntax.Check(egress.Destinations[i]) is { } problem)
            {
                found.Add(ConfigDiagnostic.Error("invariant.destination_syntax", problem, JsonPaths.Index(JsonPaths.Member(path, "destinations"), i)));
            }
        }

        for (var i = 0; i < egress.Sets.Count; i++)
        {
            if (!config.DestinationSets.ContainsKey(egress.Sets[i]))
            {
                found.Add(ConfigDiagnostic.Error("invariant.unknown_destination_set",
                    $"destination set '{egress.Sets[i]}' is not defined under destination_sets", JsonPaths.Index(JsonPaths.Member(path, "sets"), i)));
            }
        }

        for (var i = 0; i < egress.PrivateNetworks.Count; i++)
        {
            var at = JsonPaths.Index(JsonPaths.Member(path, "private_networks"), i);
            if (!isOrg)
            {
                found.Add(ConfigDiagnostic.Error("invariant.private_networks_not_org", "private_networks may only be set in defaults.egress", at));
            }
            else if (!IPNetwork.TryParse(egress.PrivateNetworks[i], out _))
            {
                found.Add(ConfigDiagnostic.Error("invariant.private_network_cidr", $"'{egress.PrivateNetworks[i]}' is not a CIDR range", at));
            }
        }
    }
}
