using Scc.Core.Config;
using Scc.Core.Errors;

namespace Scc.Core.Tests.Config;

public sealed class TeamProfileResolverTests : IDisposable
{
    private const string TeamFile = """{"schema_version": "1.0.0", "enabled_plugins": ["team-x@m", "evil-y@m"], "network_policy": "locked-down-web"}""";

    private readonly ScratchDir _dir = new();
    private readonly LoopbackServer _server = new();
    private readonly ManualTime _time = new();

    public void Dispose()
    {
        _server.Dispose();
        _dir.Dispose();
    }

    private TeamProfileResolver Resolver() =>
        new(_dir.Paths, new HttpConfigFetcher(new HttpClient()) { Timeout = TimeSpan.FromSeconds(2) }, new SourceAuth(new MapEnvironment(new Dictionary<string, string> { ["T"] = "tok" })), _time);

    private OrgConfigSnapshot Org(string configSource, bool remote = false, string headers = "")
    {
        var text = $$$$"""
            {"schema_version": "1.0.0", "organization": {"name": "O", "id": "o"}, "security": {"blocked_plugins": ["evil-*"]},
             "defaults": {"cache_ttl_hours": 1},
             "profiles": {"fed": {"description": "from org", "delegation": {"allow_project_overrides": true}, "config_source": {{{{configSource}}}}{{{{headers}}}}}, "inline": {"additional_plugins": ["a"]}}}
            """;
        var config = OrgConfigLoader.Parse(text, "org.json").GetOrThrow();
        var source = remote ? "https://org.example.invalid/org.json" : Path.Combine(_dir.Root, "org.json");
        return new OrgConfigSnapshot(config, source, remote, null, false, [], []);
    }

    [Fact]
    public async Task Resolve_Inline_ReturnsProfile()
    {
        var team = await Resolver().ResolveAsync(Org("\"t.json\""), "inline", FetchMode.Normal, default);

        team.Profile.AdditionalPlugins.ShouldBe(["a"]);
        team.Source.ShouldBeNull();
    }

    [Fact]
    public async Task Resolve_UnknownTeam_IsNotFoundListingTeams()
    {
        var error = await Should.ThrowAsync<NotFoundException>(() => Resolver().ResolveAsync(Org("\"t.json\""), "nope", FetchMode.Normal, default));

        error.Message.ShouldContain("fed, inline");
    }

    [Fact]
    public async Task Resolve_Url_FetchesAndRechecksAgainstOrgSecurity()
    {
        _server.Map("/team.json", new Canned(200, TeamFile));

        var team = await Resolver().ResolveAsync(Org($"\"{_server.Url("/team.json")}\""), "fed", FetchMode.Normal, default);

        team.Profile.EnabledPlugins.ShouldBe(["team-x@m", "evil-y@m"]);
        team.Profile.Delegation!.AllowProjectOverrides.ShouldBeTrue();
        team.Profile.Description.ShouldBe("from org");
        team.Diagnostics.ShouldContain(d => d.Code == "invariant.team_plugin_blocked" && d.Message.Contains("evil-y@m"));
    }

    [Fact]
    public async Task Resolve_Freshness_FreshUsesCache_StaleFallsBackWithWarning_TooOldFails()
    {
        _server.Map("/team.json", new Canned(200, TeamFile));
        var resolver = Resolver();
        var org = Org($"{{\"source\": \"url\", \"url\": \"{_server.Url("/team.json")}\"}}");
        await resolver.ResolveAsync(org, "fed", FetchMode.Normal, default);

        _time.Advance(TimeSpan.FromMinutes(30));
        await resolver.ResolveAsync(org, "fed", FetchMode.Normal, default);
        _server.Hits("/team.json").ShouldBe(1);

        _server.Map("/team.json", new Canned(500, "down", "text/plain"));
        _time.Advance(TimeSpan.FromDays(2));
        var stale = await resolver.ResolveAsync(org, "fed", FetchMode.Normal, default);
        stale.Diagnostics.ShouldContain(d => d.Code == "team.stale" && d.Message.Contains("500"));
        stale.Profile.NetworkPolicy.ShouldBe("locked-down-web");

        _time.Advance(TimeSpan.FromDays(6));
        var error = await Should.ThrowAsync<ConfigException>(() => resolver.ResolveAsync(org, "fed", FetchMode.Normal, default));
        error.Message.ShouldContain("7-day limit");
    }

    [Theory]
    [InlineData(404, "x", "text/plain", "404")]
    [InlineData(401, "x", "text/plain", "refused access")]
    [InlineData(500, "x", "text/plain", "server side")]
    [InlineData(200, "<!doctype html><html></html>", "text/html", "HTML")]
    [InlineData(200, "{\"schema_version\": \"1.0.0\", ", "application/json", "invalid JSON")]
    [InlineData(200, "{\"schema_version\": \"1.0.0\", \"enabled_plugins\": \"one\"}", "application/json", "enabled_plugins")]
    public async Task Resolve_BadFederatedAnswer_IsClearErrorAndNotCached(int status, string body, string type, string expected)
    {
        _server.Map("/team.json", new Canned(status, body, type));
        var resolver = Resolver();

        var error = await Should.ThrowAsync<ConfigException>(() => resolver.ResolveAsync(Org($"\"{_server.Url("/team.json")}\""), "fed", FetchMode.Normal, default));

        error.Message.ShouldContain(expected);
        resolver.Cache.Read(_server.Url("/team.json"), out _).ShouldBeNull();
    }

    [Fact]
    public async Task Resolve_CommandHeaderInRemoteOrg_IsRefusedWithoutRunning()
    {
        _server.Map("/team.json", new Canned(200, TeamFile));
        var marker = Path.Combine(_dir.Root, "ran");
        var source = $"{{\"source\": \"url\", \"url\": \"{_server.Url("/team.json")}\", \"headers\": {{\"X-T\": \"command:touch {marker}\"}}}}";

        await Should.ThrowAsync<GovernanceException>(() => Resolver().ResolveAsync(Org(source, remote: true), "fed", FetchMode.Normal, default));

        File.Exists(marker).ShouldBeFalse();
        _server.Hits("/team.json").ShouldBe(0);
    }

    [Fact]
    public async Task Resolve_EnvHeaderExpansion_IsSent()
    {
        _server.Map("/team.json", r => r.Headers["X-T"] == "Bearer tok" ? new Canned(200, TeamFile) : new Canned(401, "no", "text/plain"));
        var source = $"{{\"source\": \"url\", \"url\": \"{_server.Url("/team.json")}\", \"headers\": {{\"X-T\": \"Bearer ${{T}}\"}}}}";

        var team = await Resolver().ResolveAsync(Org(source, remote: true), "fed", FetchMode.Normal, default);

        team.Profile.EnabledPlugins.ShouldContain("team-x@m");
    }

    [Fact]
    public async Task Resolve_LocalFileNextToLocalOrg_AndRefusedForRemoteOrg()
    {
        _dir.Write("teams/fed.json", TeamFile);

        var team = await Resolver().ResolveAsync(Org("\"teams/fed.json\""), "fed", FetchMode.Normal, default);
        team.Profile.NetworkPolicy.ShouldBe("locked-down-web");

        await Should.ThrowAsync<GovernanceException>(() => Resolver().ResolveAsync(Org("\"teams/fed.json\"", remote: true), "fed", FetchMode.Normal, default));
    }

    [Theory]
    [InlineData("""{"$schema": "x", "schema_version": 1, "enabled_plugins": ["a@m"], "marketplaces": {"m": {"source": "github", "owner": "o", "repo": "r", "branch": "main"}}}""", true)]
    [InlineData("""{"schema_version": "1.0.0", "enabled_plugins": ["a@m"], "disabled_plugins": ["b-*"]}""", true)]
    [InlineData("""{"schema_version": 2, "enabled_plugins": ["a@m"]}""", false)]
    [InlineData("""{"schema_version": "3.0.0"}""", false)]
    [InlineData("""{"enabled_plugins": ["a@m"]}""", false)]
    public void ParseTeamFile_ExistingTeamFileForms(string text, bool valid)
    {
        OrgConfigLoader.ParseTeamFile(text, "team.json").IsValid.ShouldBe(valid);
    }

    [Fact]
    public async Task Resolve_Offline_WithoutCache_IsError()
    {
        var error = await Should.ThrowAsync<ConfigException>(() => Resolver().ResolveAsync(Org($"\"{_server.Url("/team.json")}\""), "fed", FetchMode.Offline, default));

        error.Message.ShouldContain("--offline");
    }
}
