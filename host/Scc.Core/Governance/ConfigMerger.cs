using Scc.Core.Config;

namespace Scc.Core.Governance;

/// <summary>
/// The pure merge org → team → project (DESIGN.md §4). Security blocks are final at every layer; additions need
/// delegation and an allow-list match (null list = all, [] = none); the network policy only tightens; session
/// values override per delegation. Nothing is dropped silently: every refusal names its rule.
/// </summary>
internal static class ConfigMerger
{
    public static EffectiveConfig Merge(OrgConfig org, string? teamName, TeamProfile? team, ProjectConfig? project, bool standalone = false)
    {
        var state = new MergeState(org, teamName, team, project);
        state.MergePlugins();
        state.MergeMcpServers();
        state.MergeDestinations();
        var network = state.MergeNetworkPolicy();
        var (timeout, resume) = state.MergeSession();
        return new EffectiveConfig
        {
            OrganizationId = org.Organization.Id,
            Standalone = standalone,
            Team = team is null ? null : teamName,
            Security = org.Security,
            Plugins = state.Plugins,
            McpServers = state.McpServers,
            NetworkPolicy = network,
            SessionTimeoutHours = timeout,
            SessionAutoResume = resume,
            Destinations = state.Destinations,
            PrivateNetworks = org.Defaults.Egress?.PrivateNetworks ?? [],
            Marketplaces = state.Marketplaces(),
            Refusals = state.Refusals,
        };
    }

    private sealed class MergeState(OrgConfig org, string? teamName, TeamProfile? team, ProjectConfig? project)
    {
        private readonly HashSet<string> _pluginSet = new(StringComparer.OrdinalIgnoreCase);
        private readonly HashSet<string> _mcpSet = new(StringComparer.OrdinalIgnoreCase);
        private readonly HashSet<string> _destinationSet = new(StringComparer.OrdinalIgnoreCase);

        public List<Sourced<string>> Plugins { get; } = [];

        public List<Sourced<McpServerSpec>> McpServers { get; } = [];

        public List<Sourced<string>> Destinations { get; } = [];

        public List<Refusal> Refusals { get; } = [];

        private SecurityConfig Security => org.Security;

        private string TeamLayer => Layers.Team(teamName ?? "?");

        private string TeamPath => JsonPaths.Of("profiles", teamName ?? "?")[2..];

        public void MergePlugins()
        {
            var disabled = org.Defaults.DisabledPlugins;
            foreach (var plugin in org.Defaults.EnabledPlugins)
            {
                var origin = new Provenance(Layers.Org, "defaults.enabled_plugins");
                if (Blocked(plugin, origin))
                {
                    continue;
                }

                if (Glob.AnyMatch(disabled, plugin, out var off))
                {
                    Refuse("plugin", plugin, origin, RefusalKind.Ignored, $"defaults.disabled_plugins '{off}'", "disabled by the org");
                    continue;
                }

                if (team is not null && Glob.AnyMatch(team.DisabledPlugins, plugin, out var teamOff))
                {
                    Refuse("plugin", plugin, origin, RefusalKind.Ignored, $"{TeamPath}.disabled_plugins '{teamOff}'", "disabled by the team");
                    continue;
                }

                AddPlugin(plugin, origin);
            }

            if (team is not null)
            {
                var teamDelegated = TeamDelegated(org.Delegation.Teams.AllowAdditionalPlugins);
                foreach (var (plugin, key) in team.AdditionalPlugins.Select(p => (p, "additional_plugins")).Concat(team.EnabledPlugins.Select(p => (p, "enabled_plugins"))))
                {
                    var origin = new Provenance(TeamLayer, $"{TeamPath}.{key}");
                    if (Blocked(plugin, origin))
                    {
                        continue;
                    }

                    if (!teamDelegated)
                    {
                        Refuse("plugin", plugin, origin, RefusalKind.Denied, "delegation.teams.allow_additional_plugins",
                            $"team '{teamName}' may not add plugins");
                        continue;
                    }

                    if (NotAllowListed("plugin", plugin, origin, org.Defaults.AllowedPlugins, "defaults.allowed_plugins"))
                    {
                        continue;
                    }

                    AddPlugin(plugin, origin);
                }
            }

            foreach (var plugin in project?.AdditionalPlugins ?? [])
            {
                var origin = new Provenance(Layers.Project, ".scc.yaml additional_plugins");
                if (Blocked(plugin, origin)
                    || ProjectDenied("plugin", plugin, origin, org.Delegation.Teams.AllowAdditionalPlugins, "delegation.teams.allow_additional_plugins")
                    || NotAllowListed("plugin", plugin, origin, org.Defaults.AllowedPlugins, "defaults.allowed_plugins"))
                {
                    continue;
                }

                AddPlugin(plugin, origin);
            }
        }

        public void MergeMcpServers()
        {
            if (team is not null)
            {
                var delegated = TeamDelegated(org.Delegation.Teams.AllowAdditionalMcpServers);
                for (var i = 0; i < team.AdditionalMcpServers.Count; i++)
                {
                    var server = team.AdditionalMcpServers[i];
                    var origin = new Provenance(TeamLayer, $"{TeamPath}.additional_mcp_servers[{i}]");
                    if (McpBlocked(server, origin))
                    {
                        continue;
                    }

                    if (!delegated)
                    {
                        Refuse("mcp_server", server.Name, origin, RefusalKind.Denied, "delegation.teams.allow_additional_mcp_servers",
                            $"team '{teamName}' may not add MCP servers");
                        continue;
                    }

                    if (!McpAllowListed(server, origin))
                    {
                        continue;
                    }

                    AddMcp(server, origin);
                }
            }

            var servers = project?.AdditionalMcpServers ?? [];
            for (var i = 0; i < servers.Count; i++)
            {
                var server = servers[i];
                var origin = new Provenance(Layers.Project, $".scc.yaml additional_mcp_servers[{i}]");
                if (McpBlocked(server, origin)
                    || ProjectDenied("mcp_server", server.Name, origin, org.Delegation.Teams.AllowAdditionalMcpServers, "delegation.teams.allow_additional_mcp_servers")
                    || !McpAllowListed(server, origin))
                {
                    continue;
                }

                AddMcp(server, origin);
            }
        }

        public void MergeDestinations()
        {
            AddEgress(org.Defaults.Egress, new Provenance(Layers.Org, "defaults.egress"), isOrg: true);
            if (team?.Egress is { } teamEgress)
            {
                var origin = new Provenance(TeamLayer, $"{TeamPath}.egress");
                if (TeamDelegated(org.Delegation.Teams.AllowAdditionalDestinations))
                {
                    AddEgress(teamEgress, origin, isOrg: false);
                }
                else
                {
                    foreach (var item in teamEgress.Destinations.Concat(teamEgress.Sets.Select(s => "set:" + s)))
                    {
                        Refuse("destination", item, origin, RefusalKind.Denied, "delegation.teams.allow_additional_destinations",
                            $"team '{teamName}' may not add egress destinations");
                    }
                }
            }

            if (project?.Egress is { } projectEgress)
            {
                var origin = new Provenance(Layers.Project, ".scc.yaml egress");
                if (ProjectDenyReason(org.Delegation.Teams.AllowAdditionalDestinations, "delegation.teams.allow_additional_destinations") is { } why)
                {
                    foreach (var item in projectEgress.Destinations.Concat(projectEgress.Sets.Select(s => "set:" + s)))
                    {
                        Refuse("destination", item, origin, RefusalKind.Denied, why.Rule, why.Reason);
                    }
                }
                else
                {
                    AddEgress(projectEgress, origin, isOrg: false);
                }
            }
        }

        public Sourced<string> MergeNetworkPolicy()
        {
            var current = NetworkPolicies.Normalize(org.Defaults.NetworkPolicy) is { } orgPolicy
                ? new Sourced<string>(orgPolicy, new Provenance(Layers.Org, "defaults.network_policy"))
                : new Sourced<string>(NetworkPolicies.BuiltInDefault, new Provenance(Layers.BuiltIn, "network_policy"));
            current = Tighten(current, team?.NetworkPolicy, new Provenance(TeamLayer, $"{TeamPath}.network_policy"));
            current = Tighten(current, project?.NetworkPolicy, new Provenance(Layers.Project, ".scc.yaml network_policy"));
            return current;
        }

        public (Sourced<int?> Timeout, Sourced<bool?> Resume) MergeSession()
        {
            var timeout = new Sourced<int?>(org.Defaults.Session.TimeoutHours,
                org.Defaults.Session.TimeoutHours is null ? new Provenance(Layers.BuiltIn, "session.timeout_hours") : new Provenance(Layers.Org, "defaults.session.timeout_hours"));
            var resume = new Sourced<bool?>(org.Defaults.Session.AutoResume,
                org.Defaults.Session.AutoResume is null ? new Provenance(Layers.BuiltIn, "session.auto_resume") : new Provenance(Layers.Org, "defaults.session.auto_resume"));
            if (team is not null)
            {
                if (team.Session.TimeoutHours is { } t)
                {
                    timeout = new Sourced<int?>(t, new Provenance(TeamLayer, $"{TeamPath}.session.timeout_hours"));
                }

                if (team.Session.AutoResume is { } r)
                {
                    resume = new Sourced<bool?>(r, new Provenance(TeamLayer, $"{TeamPath}.session.auto_resume"));
                }
            }

            if (project?.Session is { } session && (session.TimeoutHours is not null || session.AutoResume is not null))
            {
                var origin = new Provenance(Layers.Project, ".scc.yaml session");
                if (ProjectOverridesRule() is { } rule)
                {
                    Refuse("session", "session", origin, RefusalKind.Ignored, rule.Rule, rule.Reason);
                }
                else
                {
                    if (session.TimeoutHours is { } t)
                    {
                        timeout = new Sourced<int?>(t, new Provenance(Layers.Project, ".scc.yaml session.timeout_hours"));
                    }

                    if (session.AutoResume is { } r)
                    {
                        resume = new Sourced<bool?>(r, new Provenance(Layers.Project, ".scc.yaml session.auto_resume"));
                    }
                }
            }

            return (timeout, resume);
        }

        public IReadOnlyDictionary<string, MarketplaceSpec> Marketplaces()
        {
            var inherit = team?.Trust?.InheritOrgMarketplaces ?? true;
            var result = new Dictionary<string, MarketplaceSpec>(StringComparer.Ordinal);
            if (inherit)
            {
                foreach (var (name, spec) in org.Marketplaces)
                {
                    result[name] = spec;
                }
            }

            if (team is not null && team.Trust?.AllowAdditionalMarketplaces == true)
            {
                foreach (var (name, spec) in team.Marketplaces)
                {
                    var source = spec.Url ?? $"{spec.Owner}/{spec.Repo}";
                    if (team.Trust.MarketplaceSourcePatterns.Count == 0 || Glob.AnyMatch(team.Trust.MarketplaceSourcePatterns, source, out _))
                    {
                        result.TryAdd(name, spec);
                    }
                    else
                    {
                        Refuse("marketplace", name, new Provenance(TeamLayer, $"marketplaces.{name}"), RefusalKind.Denied,
                            $"{TeamPath}.trust.marketplace_source_patterns", $"source '{source}' matches no allowed pattern");
                    }
                }
            }
            else if (team is not null)
            {
                foreach (var name in team.Marketplaces.Keys)
                {
                    Refuse("marketplace", name, new Provenance(TeamLayer, $"marketplaces.{name}"), RefusalKind.Denied,
                        $"{TeamPath}.trust.allow_additional_marketplaces", $"team '{teamName}' may not define marketplaces");
                }
            }

            return result;
        }

        private Sourced<string> Tighten(Sourced<string> current, string? requested, Provenance origin)
        {
            if (requested is null)
            {
                return current;
            }

            var normalized = NetworkPolicies.Normalize(requested);
            if (normalized is null)
            {
                Refuse("network_policy", requested, origin, RefusalKind.Ignored, "network_policy values", $"'{requested}' is not a network policy");
                return current;
            }

            if (NetworkPolicies.Rank(normalized) < NetworkPolicies.Rank(current.Value))
            {
                Refuse("network_policy", normalized, origin, RefusalKind.Ignored, $"{current.Source.Key} '{current.Value}'",
                    $"'{normalized}' is looser than '{current.Value}' set by {current.Source}; lower layers may only tighten");
                return current;
            }

            return new Sourced<string>(normalized, origin);
        }

        private void AddEgress(EgressConfig? egress, Provenance origin, bool isOrg)
        {
            if (egress is null)
            {
                return;
            }

            foreach (var destination in egress.Destinations)
            {
                if (isOrg || !NotAllowListed("destination", destination, origin, org.Defaults.AllowedDestinations, "defaults.allowed_destinations"))
                {
                    AddDestination(destination, origin);
                }
            }

            foreach (var set in egress.Sets)
            {
                var setFrom = origin with { Key = $"{origin.Key} set '{set}'" };
                if (!org.DestinationSets.TryGetValue(set, out var members))
                {
                    Refuse("destination", "set:" + set, origin, RefusalKind.Ignored, "destination_sets", $"no destination set named '{set}'");
                    continue;
                }

                foreach (var destination in members)
                {
                    // Org-defined sets are the org's own list: naming one needs delegation, not a second allow-list check.
                    AddDestination(destination, setFrom);
                }
            }
        }

        private void AddPlugin(string plugin, Provenance origin)
        {
            if (_pluginSet.Add(plugin))
            {
                Plugins.Add(new Sourced<string>(plugin, origin));
            }
        }

        private void AddMcp(McpServerSpec server, Provenance origin)
        {
            if (_mcpSet.Add(server.Name))
            {
                McpServers.Add(new Sourced<McpServerSpec>(server, origin));
            }
            else
            {
                // A later layer does not redefine a server an earlier layer set.
                Refuse("mcp_server", server.Name, origin, RefusalKind.Ignored, "unique MCP server names", "a server with this name is already defined");
            }
        }

        private void AddDestination(string destination, Provenance origin)
        {
            if (_destinationSet.Add(destination))
            {
                Destinations.Add(new Sourced<string>(destination, origin));
            }
        }

        private bool Blocked(string plugin, Provenance origin)
        {
            if (!Glob.AnyMatch(Security.BlockedPlugins, plugin, out var rule))
            {
                return false;
            }

            Refuse("plugin", plugin, origin, RefusalKind.Blocked, $"security.blocked_plugins '{rule}'", "blocked by org security");
            return true;
        }

        private bool McpBlocked(McpServerSpec server, Provenance origin)
        {
            if (OrgConfigInvariants.McpBlock(Security, server) is { } rule)
            {
                Refuse("mcp_server", server.Name, origin, RefusalKind.Blocked, $"security.blocked_mcp_servers '{rule}'", "blocked by org security");
                return true;
            }

            if (server.Type == "stdio")
            {
                if (!Security.AllowStdioMcp)
                {
                    Refuse("mcp_server", server.Name, origin, RefusalKind.Blocked, "security.allow_stdio_mcp", "stdio MCP servers are disabled by org security");
                    return true;
                }

                if (OrgConfigInvariants.StdioGate(Security, server.Command ?? "") is { } reason)
                {
                    Refuse("mcp_server", server.Name, origin, RefusalKind.Blocked, "security.allowed_stdio_prefixes", reason);
                    return true;
                }
            }

            return false;
        }

        private bool McpAllowListed(McpServerSpec server, Provenance origin)
        {
            if (org.Defaults.AllowedMcpServers is not { } allowed)
            {
                return true;
            }

            var host = server.Host;
            if (Glob.AnyMatch(allowed, server.Name, out _) || (server.Url is { } u && Glob.AnyMatch(allowed, u, out _))
                || (host is not null && Glob.AnyMatch(allowed, host, out _)) || (server.Command is { } c && Glob.AnyMatch(allowed, c, out _)))
            {
                return true;
            }

            Refuse("mcp_server", server.Name, origin, RefusalKind.Denied, "defaults.allowed_mcp_servers",
                allowed.Count == 0 ? "the org allows no MCP server additions" : "matches no pattern of the org allow-list");
            return false;
        }

        private bool NotAllowListed(string kind, string item, Provenance origin, IReadOnlyList<string>? allowed, string rule)
        {
            if (allowed is null || Glob.AnyMatch(allowed, item, out _))
            {
                return false;
            }

            Refuse(kind, item, origin, RefusalKind.Denied, rule,
                allowed.Count == 0 ? $"the org allows no {kind} additions" : "matches no pattern of the org allow-list");
            return true;
        }

        private bool TeamDelegated(IReadOnlyList<string> teamGlobs) =>
            teamName is not null && Glob.AnyMatch(teamGlobs, teamName, out _);

        /// <summary>Why the project may not override the team, or null when it may.</summary>
        private (string Rule, string Reason)? ProjectOverridesRule()
        {
            if (!org.Delegation.Projects.InheritTeamDelegation)
            {
                return ("delegation.projects.inherit_team_delegation", "the org does not let teams delegate to projects");
            }

            if (team is null)
            {
                return ("team selection", "no team is selected, so nothing delegates to the project");
            }

            return team.Delegation?.AllowProjectOverrides == true
                ? null
                : ($"{TeamPath}.delegation.allow_project_overrides", $"team '{teamName}' does not allow project additions");
        }

        private bool ProjectDenied(string kind, string item, Provenance origin, IReadOnlyList<string> teamGlobs, string teamRule)
        {
            if (ProjectDenyReason(teamGlobs, teamRule) is not { } why)
            {
                return false;
            }

            Refuse(kind, item, origin, RefusalKind.Denied, why.Rule, why.Reason);
            return true;
        }

        /// <summary>Projects add only what their team may add, and only when org and team both delegate.</summary>
        private (string Rule, string Reason)? ProjectDenyReason(IReadOnlyList<string> teamGlobs, string teamRule) =>
            ProjectOverridesRule()
            ?? (TeamDelegated(teamGlobs) ? null : (teamRule, $"team '{teamName}' may not add these, so its projects may not either"));

        private void Refuse(string kind, string item, Provenance origin, RefusalKind outcome, string rule, string reason) =>
            Refusals.Add(new Refusal(kind, item, origin, outcome, rule, reason));
    }
}
