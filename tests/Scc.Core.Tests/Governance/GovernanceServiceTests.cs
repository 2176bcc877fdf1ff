using Scc.Core.Config;
using Scc.Core.Errors;
using Scc.Core.Governance;
using Scc.Core.Tests.Config;

namespace Scc.Core.Tests.Governance;

public sealed class GovernanceServiceTests : IDisposable
{
    private const string Org = """
        {"schema_version": "1.0.0", "organization": {"name": "O", "id": "o"},
         "defaults": {"network_policy": "web-egress-enforced", "enabled_plugins": ["base@m"]},
         "delegation": {"teams": {"allow_additional_plugins": ["*"]}},
         "profiles": {"a": {"additional_plugins": ["a@m"]}, "b": {"additional_plugins": ["b@m"], "network_policy": "locked-down-web"}}}
        """;

    private readonly ScratchDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private GovernanceService Service(out UserConfigStore users)
    {
        users = new UserConfigStore(_dir.Paths);
        var fetcher = new HttpConfigFetcher(new HttpClient());
        var auth = new SourceAuth(new MapEnvironment(new Dictionary<string, string>()));
        return new GovernanceService(users, new OrgConfigProvider(_dir.Paths, fetcher, auth, TimeProvider.System), new TeamProfileResolver(_dir.Paths, fetcher, auth, TimeProvider.System));
    }

    [Fact]
    public async Task Resolve_NothingSetUp_IsStandaloneWithBuiltInDefaults()
    {
        var result = await Service(out _).ResolveAsync(new GovernanceRequest(_dir.Root), default);

        result.Org.ShouldBeNull();
        result.Effective.Standalone.ShouldBeTrue();
        result.Effective.NetworkPolicy.Source.Layer.ShouldBe(Layers.BuiltIn);
        result.SafetyPolicy.Rules.Values.ShouldAllBe(on => on);
    }

    [Fact]
    public async Task Resolve_WorkspacePin_WinsOverSelectedTeam_AndProjectIsRead()
    {
        var org = _dir.Write("org.json", Org);
        var workspace = Path.Combine(_dir.Root, "repo");
        Directory.CreateDirectory(workspace);
        File.WriteAllText(Path.Combine(workspace, ".scc.yaml"), "network_policy: open\n");
        var service = Service(out var users);
        users.Save(new UserConfig { OrgSource = new OrgSourceSetting(org), SelectedTeam = "a" }.WithWorkspaceTeam(workspace, "b"));

        var pinned = await service.ResolveAsync(new GovernanceRequest(workspace), default);
        var elsewhere = await service.ResolveAsync(new GovernanceRequest(_dir.Root), default);

        pinned.Effective.Team.ShouldBe("b");
        pinned.Effective.NetworkPolicy.Value.ShouldBe("locked-down-web");
        pinned.Effective.Refusals.ShouldContain(r => r.Kind == "network_policy" && r.RequestedBy.Layer == Layers.Project);
        elsewhere.Effective.Team.ShouldBe("a");
        elsewhere.Effective.Plugins.Select(p => p.Value).ShouldBe(["base@m", "a@m"]);
    }

    [Fact]
    public async Task Resolve_OrgOverrideAndTeamOverride_WinOverUserConfig()
    {
        var org = _dir.Write("org.json", Org);
        var service = Service(out var users);
        users.Save(new UserConfig { Standalone = true });

        var result = await service.ResolveAsync(new GovernanceRequest(_dir.Root, OrgConfigOverride: org, TeamOverride: "b"), default);

        result.Org!.Source.ShouldBe(org);
        result.Effective.Team.ShouldBe("b");
    }

    [Fact]
    public async Task Resolve_SelectedTeamMissingFromOrg_IsNotFound()
    {
        var org = _dir.Write("org.json", Org);
        var service = Service(out var users);
        users.Save(new UserConfig { OrgSource = new OrgSourceSetting(org), SelectedTeam = "gone" });

        await Should.ThrowAsync<NotFoundException>(() => service.ResolveAsync(new GovernanceRequest(_dir.Root), default));
    }

    [Fact]
    public async Task Resolve_InvalidProjectFile_ReportsAndMergesWithoutIt()
    {
        var org = _dir.Write("org.json", Org);
        var workspace = Path.Combine(_dir.Root, "repo");
        Directory.CreateDirectory(workspace);
        File.WriteAllText(Path.Combine(workspace, ".scc.yaml"), "additional_plugins: not-a-list\n");
        var service = Service(out var users);
        users.Save(new UserConfig { OrgSource = new OrgSourceSetting(org), SelectedTeam = "a" });

        var result = await service.ResolveAsync(new GovernanceRequest(workspace), default);

        result.Project.IsValid.ShouldBeFalse();
        result.Diagnostics.ShouldContain(d => d.IsError && d.Path == "$.additional_plugins");
        result.Effective.Plugins.Select(p => p.Value).ShouldBe(["base@m", "a@m"]);
    }
}
