using Scc.Core.Config;
using Scc.Core.Governance;

namespace Scc.Core.Tests.Governance;

public sealed class ConfigMergerTests
{
    private static OrgConfig Org(string body = "") =>
        OrgConfigLoader.Parse($$"""{"schema_version": "1.0.0", "organization": {"name": "O", "id": "o"}{{body}}}""", "org.json").GetOrThrow();

    private static readonly OrgConfig Governed = Org("""
        , "security": {"blocked_plugins": ["evil-*"], "blocked_mcp_servers": ["*.bad.example"], "allow_stdio_mcp": true, "allowed_stdio_prefixes": ["/opt/mcp"]},
        "defaults": {"enabled_plugins": ["base@m", "legacy-x@m"], "disabled_plugins": ["legacy-*"], "allowed_plugins": ["team-*", "proj-*"],
                     "allowed_mcp_servers": ["*.corp.example", "/opt/mcp/*"], "network_policy": "web-egress-enforced",
                     "session": {"timeout_hours": 8, "auto_resume": false},
                     "egress": {"destinations": ["registry.corp.example"]}, "allowed_destinations": ["*.corp.example", "api.partner.example"]},
        "delegation": {"teams": {"allow_additional_plugins": ["dev-*"], "allow_additional_mcp_servers": ["dev-a"], "allow_additional_destinations": ["dev-a"]},
                       "projects": {"inherit_team_delegation": true}},
        "profiles": {
          "dev-a": {"additional_plugins": ["team-tools@m", "other@m"], "delegation": {"allow_project_overrides": true},
                    "additional_mcp_servers": [{"name": "wiki", "type": "sse", "url": "https://wiki.corp.example/mcp"},
                                               {"name": "local", "type": "stdio", "command": "/opt/mcp/local"}],
                    "session": {"timeout_hours": 4}, "egress": {"destinations": ["api.partner.example"]}},
          "dev-b": {"additional_plugins": ["team-b@m"]},
          "ops": {"additional_plugins": ["team-ops@m"], "network_policy": "locked-down-web", "egress": {"destinations": ["x.corp.example"]}}
        }
        """);

    private static EffectiveConfig Merge(string? team, ProjectConfig? project = null, OrgConfig? org = null)
    {
        org ??= Governed;
        return ConfigMerger.Merge(org, team, team is null ? null : org.Profiles[team], project);
    }

    [Fact]
    public void Merge_OrgDefaults_RecordOrgAsSource_AndHonourDisabled()
    {
        var result = Merge("dev-a");

        result.Plugins.Single(p => p.Value == "base@m").Source.ShouldBe(new Provenance("org", "defaults.enabled_plugins"));
        result.Plugins.ShouldNotContain(p => p.Value == "legacy-x@m");
        result.Refusals.ShouldContain(r => r.Item == "legacy-x@m" && r.Outcome == RefusalKind.Ignored && r.Rule == "defaults.disabled_plugins 'legacy-*'");
    }

    [Fact]
    public void Merge_TeamAdditions_NeedDelegationAndAllowList()
    {
        var result = Merge("dev-a");

        result.Plugins.Single(p => p.Value == "team-tools@m").Source.Layer.ShouldBe("team:dev-a");
        var denied = result.Refusals.Single(r => r.Item == "other@m");
        denied.Outcome.ShouldBe(RefusalKind.Denied);
        denied.Rule.ShouldBe("defaults.allowed_plugins");
    }

    [Fact]
    public void Merge_TeamNotDelegated_IsDenied()
    {
        var result = Merge("ops");

        result.Plugins.ShouldNotContain(p => p.Value == "team-ops@m");
        result.Refusals.ShouldContain(r => r.Item == "team-ops@m" && r.Outcome == RefusalKind.Denied && r.Rule == "delegation.teams.allow_additional_plugins");
        result.Refusals.ShouldContain(r => r.Item == "x.corp.example" && r.Rule == "delegation.teams.allow_additional_destinations");
    }

    [Fact]
    public void Merge_ProjectAddsBlockedPlugin_IsBlockedWithRule()
    {
        var result = Merge("dev-a", new ProjectConfig { AdditionalPlugins = ["EVIL-thing@m"] });

        var refusal = result.Refusals.Single(r => r.Item == "EVIL-thing@m");
        refusal.Outcome.ShouldBe(RefusalKind.Blocked);
        refusal.Rule.ShouldBe("security.blocked_plugins 'evil-*'");
        result.HasProjectViolations.ShouldBeTrue();
    }

    [Fact]
    public void Merge_ProjectAddsPluginTeamMayNotDelegate_IsDenied()
    {
        var result = Merge("dev-b", new ProjectConfig { AdditionalPlugins = ["proj-x@m"] });

        var refusal = result.Refusals.Single(r => r.Item == "proj-x@m");
        refusal.Outcome.ShouldBe(RefusalKind.Denied);
        refusal.Rule.ShouldBe("profiles.dev-b.delegation.allow_project_overrides");
        result.HasProjectViolations.ShouldBeTrue();
    }

    [Fact]
    public void Merge_ProjectAdditionWithFullDelegation_IsApplied()
    {
        var result = Merge("dev-a", new ProjectConfig { AdditionalPlugins = ["proj-x@m"] });

        result.Plugins.Single(p => p.Value == "proj-x@m").Source.Layer.ShouldBe("project");
        result.HasProjectViolations.ShouldBeFalse();
    }

    [Fact]
    public void Merge_ProjectWhenOrgDoesNotInherit_IsDeniedNamingOrgSwitch()
    {
        var org = Governed with { Delegation = Governed.Delegation with { Projects = new ProjectsDelegation { InheritTeamDelegation = false } } };

        var result = Merge("dev-a", new ProjectConfig { AdditionalPlugins = ["proj-x@m"] }, org);

        result.Refusals.Single(r => r.RequestedBy.Layer == "project").Rule.ShouldBe("delegation.projects.inherit_team_delegation");
    }

    [Fact]
    public void Merge_ProjectWidensNetwork_IsIgnoredNamingOrgRule()
    {
        var result = Merge("dev-a", new ProjectConfig { NetworkPolicy = "open" });

        result.NetworkPolicy.Value.ShouldBe("web-egress-enforced");
        result.NetworkPolicy.Source.ShouldBe(new Provenance("org", "defaults.network_policy"));
        var refusal = result.Refusals.Single(r => r.Kind == "network_policy");
        refusal.Outcome.ShouldBe(RefusalKind.Ignored);
        refusal.Rule.ShouldBe("defaults.network_policy 'web-egress-enforced'");
        result.HasProjectViolations.ShouldBeFalse();
    }

    [Fact]
    public void Merge_TeamTightensNetwork_AndLegacyNamesNormalize()
    {
        Merge("ops").NetworkPolicy.ShouldBe(new Sourced<string>("locked-down-web", new Provenance("team:ops", "profiles.ops.network_policy")));
        Merge(null, new ProjectConfig { NetworkPolicy = "isolated" }).NetworkPolicy.Value.ShouldBe("locked-down-web");
    }

    [Fact]
    public void Merge_NoTeam_StillAppliesOrgDefaultsAndSecurity()
    {
        var result = Merge(null, new ProjectConfig { AdditionalPlugins = ["evil-1", "proj-y@m"], NetworkPolicy = "open" });

        result.Team.ShouldBeNull();
        result.NetworkPolicy.Value.ShouldBe("web-egress-enforced");
        result.Plugins.Select(p => p.Value).ShouldBe(["base@m"]);
        result.Refusals.Single(r => r.Item == "evil-1").Outcome.ShouldBe(RefusalKind.Blocked);
        result.Refusals.Single(r => r.Item == "proj-y@m").Outcome.ShouldBe(RefusalKind.Denied);
        result.Destinations.Select(d => d.Value).ShouldBe(["registry.corp.example"]);
    }

    [Fact]
    public void Merge_StandaloneOrg_DefaultsToBuiltInOpen()
    {
        var result = ConfigMerger.Merge(OrgConfig.Standalone, null, null, null, standalone: true);

        result.NetworkPolicy.Source.Layer.ShouldBe("built-in");
        result.Standalone.ShouldBeTrue();
        result.Plugins.ShouldBeEmpty();
    }

    [Fact]
    public void Merge_Session_TeamOverrides_ProjectOnlyWhenDelegated()
    {
        var withDelegation = Merge("dev-a", new ProjectConfig { Session = new SessionConfig { TimeoutHours = 2, AutoResume = true } });
        withDelegation.SessionTimeoutHours.Value.ShouldBe(2);
        withDelegation.SessionAutoResume.ShouldBe(new Sourced<bool?>(true, new Provenance("project", ".scc.yaml session.auto_resume")));

        var withoutDelegation = Merge("dev-b", new ProjectConfig { Session = new SessionConfig { TimeoutHours = 2 } });
        withoutDelegation.SessionTimeoutHours.ShouldBe(new Sourced<int?>(8, new Provenance("org", "defaults.session.timeout_hours")));
        withoutDelegation.Refusals.Single(r => r.Kind == "session").Outcome.ShouldBe(RefusalKind.Ignored);

        Merge("dev-a").SessionTimeoutHours.Source.Key.ShouldBe("profiles.dev-a.session.timeout_hours");
    }

    [Fact]
    public void Merge_McpServers_SecurityGatesAndDelegation()
    {
        var project = new ProjectConfig
        {
            AdditionalMcpServers =
            [
                new McpServerSpec { Name = "x", Type = "sse", Url = "https://api.bad.example/mcp" },
                new McpServerSpec { Name = "sh", Type = "stdio", Command = "/bin/sh" },
                new McpServerSpec { Name = "ok", Type = "http", Url = "https://ok.corp.example/mcp" },
                new McpServerSpec { Name = "elsewhere", Type = "http", Url = "https://elsewhere.example/mcp" },
            ],
        };

        var result = Merge("dev-a", project);

        result.McpServers.Select(s => s.Value.Name).ShouldBe(["wiki", "local", "ok"]);
        result.Refusals.Single(r => r.Item == "x").Rule.ShouldBe("security.blocked_mcp_servers '*.bad.example'");
        result.Refusals.Single(r => r.Item == "sh").Rule.ShouldBe("security.allowed_stdio_prefixes");
        result.Refusals.Single(r => r.Item == "elsewhere").Rule.ShouldBe("defaults.allowed_mcp_servers");
    }

    [Fact]
    public void Merge_StdioDisabled_BlocksEveryStdioServer()
    {
        var org = Governed with { Security = Governed.Security with { AllowStdioMcp = false } };

        var result = Merge("dev-a", org: org);

        result.McpServers.Select(s => s.Value.Name).ShouldBe(["wiki"]);
        result.Refusals.Single(r => r.Item == "local").Rule.ShouldBe("security.allow_stdio_mcp");
    }

    [Fact]
    public void Merge_Destinations_DelegatedTeamAndAllowList()
    {
        var result = Merge("dev-a", new ProjectConfig { Egress = new EgressConfig { Destinations = ["cdn.corp.example", "pastebin.example"] } });

        result.Destinations.Select(d => (d.Value, d.Source.Layer)).ShouldBe(
            [("registry.corp.example", "org"), ("api.partner.example", "team:dev-a"), ("cdn.corp.example", "project")]);
        result.Refusals.Single(r => r.Item == "pastebin.example").Rule.ShouldBe("defaults.allowed_destinations");
    }

    [Fact]
    public void Merge_EmptyAllowList_DeniesEverything_NullAllowsAll()
    {
        var none = Governed with { Defaults = Governed.Defaults with { AllowedPlugins = [] } };
        var all = Governed with { Defaults = Governed.Defaults with { AllowedPlugins = null } };

        Merge("dev-a", org: none).Plugins.ShouldNotContain(p => p.Source.Layer == "team:dev-a");
        Merge("dev-a", org: all).Plugins.Where(p => p.Source.Layer == "team:dev-a").Select(p => p.Value).ShouldBe(["team-tools@m", "other@m"]);
    }
}
