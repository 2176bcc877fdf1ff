using System.Text.Json.Nodes;
using Scc.Cli.Rendering;
using Scc.Testing;
using Spectre.Console.Testing;

namespace Scc.Cli.Tests;

/// <summary>The setup/org/team/config/init commands end to end, in process, against files in a scratch environment.</summary>
public sealed class GovernanceCommandTests : IDisposable
{
    private const string Org = """
        {"schema_version": "1.0.0", "organization": {"name": "Example", "id": "example"},
         "security": {"blocked_plugins": ["evil-*"]},
         "defaults": {"enabled_plugins": ["base@m"], "network_policy": "web-egress-enforced"},
         "delegation": {"teams": {"allow_additional_plugins": ["dev"]}, "projects": {"inherit_team_delegation": true}},
         "profiles": {"dev": {"description": "Developers", "additional_plugins": ["dev-tools@m"], "delegation": {"allow_project_overrides": true}},
                      "ops": {"description": "Operations"}}}
        """;

    private readonly TestEnvironment _env = new();

    public GovernanceCommandTests()
    {
        OrgFile = Path.Combine(_env.Dir("org"), "org.json");
        File.WriteAllText(OrgFile, Org);
        Workspace = _env.Dir("repo");
    }

    private string OrgFile { get; }

    private string Workspace { get; }

    private string UserConfigFile => Path.Combine(_env.Root, "config", "scc", "config.json");

    public void Dispose() => _env.Dispose();

    [Fact]
    public async Task Setup_OrgAndTeam_SavesAndTeamCommandsSeeIt()
    {
        var setup = await CliRunner.RunAsync(_env, "setup", "--org", OrgFile, "--team", "dev");

        setup.ExitCode.ShouldBe(0, setup.Err);
        var saved = JsonNode.Parse(File.ReadAllText(UserConfigFile))!;
        saved["org_source"]!["source"]!.GetValue<string>().ShouldBe(OrgFile);
        saved["selected_team"]!.GetValue<string>().ShouldBe("dev");

        var list = await CliRunner.RunAsync(_env, "team", "list", "--json");
        var teams = JsonNode.Parse(list.Out)!["data"]!["teams"]!.AsArray();
        teams.Select(t => t!["name"]!.GetValue<string>()).ShouldBe(["dev", "ops"]);
        teams.Single(t => t!["current"]!.GetValue<bool>())!["name"]!.GetValue<string>().ShouldBe("dev");

        (await CliRunner.RunAsync(_env, "team", "switch", "ops")).ExitCode.ShouldBe(0);
        JsonNode.Parse(File.ReadAllText(UserConfigFile))!["selected_team"]!.GetValue<string>().ShouldBe("ops");
        (await CliRunner.RunAsync(_env, "team", "switch", "nope")).ExitCode.ShouldBe(1);
    }

    [Fact]
    public async Task Setup_Interactive_AsksSourceAndTeam()
    {
        var output = new TestConsole().Width(250).Interactive();
        output.Input.PushKey(ConsoleKey.Enter);                // "Connect to an org config"
        output.Input.PushTextWithEnter(OrgFile);               // the source
        output.Input.PushKey(ConsoleKey.DownArrow);            // teams: dev, ops, (none) -> ops
        output.Input.PushKey(ConsoleKey.Enter);
        var error = new TestConsole().Width(250);

        var code = await CliApp.RunAsync(["setup"], new CliOutput(output, error), _env.Environment, CliRunner.BuiltInPlugins);

        code.ShouldBe(0, error.Output);
        var saved = JsonNode.Parse(File.ReadAllText(UserConfigFile))!;
        saved["selected_team"]!.GetValue<string>().ShouldBe("ops");
        saved["org_source"]!["source"]!.GetValue<string>().ShouldBe(OrgFile);
    }

    [Fact]
    public async Task OrgImport_InvalidConfig_Exit3AndNothingSaved()
    {
        var bad = Path.Combine(_env.Root, "bad.json");
        File.WriteAllText(bad, """{"schema_version": "9.9.9", "organization": {"name": "x", "id": "x"}}""");

        var r = await CliRunner.RunAsync(_env, "org", "import", bad);

        r.ExitCode.ShouldBe(3);
        r.Err.ShouldContain("9.9.9");
        File.Exists(UserConfigFile).ShouldBeFalse();
    }

    [Fact]
    public async Task Setup_UnknownTeam_NotFoundAndNothingSaved()
    {
        var r = await CliRunner.RunAsync(_env, "setup", "--org", OrgFile, "--team", "qa");

        r.ExitCode.ShouldBe(1);
        r.Err.ShouldContain("dev, ops");
        File.Exists(UserConfigFile).ShouldBeFalse();
    }

    [Fact]
    public async Task Setup_NoArgumentsWithoutTerminal_IsUsageError()
    {
        var r = await CliRunner.RunAsync(_env, "setup");

        r.ExitCode.ShouldBe(2);
        r.Err.ShouldContain("--standalone");
    }

    [Fact]
    public async Task Setup_HttpOrgUrl_IsRefused()
    {
        var r = await CliRunner.RunAsync(_env, "setup", "--org", "http://org.example.invalid/org.json");

        r.ExitCode.ShouldBe(3);
        r.Err.ShouldContain("plain http://");
    }

    [Fact]
    public async Task Setup_CorruptUserConfig_IsReportedAndKept()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(UserConfigFile)!);
        File.WriteAllText(UserConfigFile, "not json");

        var r = await CliRunner.RunAsync(_env, "setup", "--standalone");

        r.ExitCode.ShouldBe(3);
        r.Err.ShouldContain("line 1");
        File.ReadAllText(UserConfigFile).ShouldBe("not json");
    }

    [Fact]
    public async Task OrgValidate_InvalidJson_Exit3WithLineAndColumn()
    {
        var bad = Path.Combine(_env.Root, "bad.json");
        File.WriteAllText(bad, "{\n  \"schema_version\": \"1.0.0\",\n  oops\n}");

        var r = await CliRunner.RunAsync(_env, "org", "validate", bad, "--json");

        r.ExitCode.ShouldBe(3);
        var diagnostic = JsonNode.Parse(r.Out)!["data"]!["diagnostics"]![0]!;
        diagnostic["line"]!.GetValue<int>().ShouldBe(3);
        diagnostic["column"]!.GetValue<int>().ShouldBe(3);
    }

    [Fact]
    public async Task OrgValidate_SchemaViolation_NamesPath()
    {
        var bad = Path.Combine(_env.Root, "bad.json");
        File.WriteAllText(bad, """{"schema_version": "1.0.0", "organization": {"name": "x", "id": "x"}, "defaults": {"network_policy": "wide"}}""");

        var r = await CliRunner.RunAsync(_env, "org", "validate", bad);

        r.ExitCode.ShouldBe(3);
        r.Err.ShouldContain("$.defaults.network_policy");
    }

    [Fact]
    public async Task OrgValidate_Good_Exit0()
    {
        var r = await CliRunner.RunAsync(_env, "org", "validate", OrgFile);

        r.ExitCode.ShouldBe(0, r.Err);
        r.Out.ShouldContain("valid");
    }

    [Fact]
    public async Task OrgSchema_PrintsTheSchema()
    {
        var r = await CliRunner.RunAsync(_env, "org", "schema");

        r.ExitCode.ShouldBe(0);
        JsonNode.Parse(r.Out)!["title"]!.GetValue<string>().ShouldBe("scc organization config");
    }

    [Theory]
    [InlineData("minimal")]
    [InlineData("teams")]
    [InlineData("strict")]
    public async Task OrgInit_Template_WritesAValidConfig_AndRefusesOverwrite(string template)
    {
        var target = Path.Combine(_env.Root, $"{template}.json");

        (await CliRunner.RunAsync(_env, "org", "init", "--template", template, "--output", target)).ExitCode.ShouldBe(0);
        (await CliRunner.RunAsync(_env, "org", "validate", target)).ExitCode.ShouldBe(0);
        (await CliRunner.RunAsync(_env, "org", "init", "--template", template, "--output", target)).ExitCode.ShouldBe(2);
    }

    [Fact]
    public async Task OrgStatus_Standalone_SaysSo()
    {
        var r = await CliRunner.RunAsync(_env, "org", "status", "--json");

        r.ExitCode.ShouldBe(0);
        JsonNode.Parse(r.Out)!["data"]!["standalone"]!.GetValue<bool>().ShouldBeTrue();
    }

    [Fact]
    public async Task ConfigExplain_Json_ListsSourcesAndRefusals()
    {
        await CliRunner.RunAsync(_env, "setup", "--org", OrgFile, "--team", "dev");
        File.WriteAllText(Path.Combine(Workspace, ".scc.yaml"), "additional_plugins: [evil-x@m]\nnetwork_policy: open\n");

        var r = await CliRunner.RunAsync(_env, "config", "explain", Workspace, "--json");

        r.ExitCode.ShouldBe(0, r.Err);
        var data = JsonNode.Parse(r.Out)!["data"]!;
        data["team"]!.GetValue<string>().ShouldBe("dev");
        var values = data["values"]!.AsArray();
        values.Single(v => v!["value"]!.GetValue<string>() == "dev-tools@m")!["source"]!["layer"]!.GetValue<string>().ShouldBe("team:dev");
        data["blocked"]![0]!["item"]!.GetValue<string>().ShouldBe("evil-x@m");
        data["ignored"]![0]!["rule"]!.GetValue<string>().ShouldBe("defaults.network_policy 'web-egress-enforced'");
    }

    [Fact]
    public async Task ConfigExplain_Field_FiltersText()
    {
        await CliRunner.RunAsync(_env, "setup", "--org", OrgFile, "--team", "dev");

        var r = await CliRunner.RunAsync(_env, "config", "explain", Workspace, "--field", "network_policy");

        r.ExitCode.ShouldBe(0, r.Err);
        r.Out.ShouldContain("web-egress-enforced");
        r.Out.ShouldNotContain("plugins");
    }

    [Fact]
    public async Task ConfigValidate_ProjectAddsPluginTeamMayNotDelegate_Exit6()
    {
        await CliRunner.RunAsync(_env, "setup", "--org", OrgFile, "--team", "ops");
        File.WriteAllText(Path.Combine(Workspace, ".scc.yaml"), "additional_plugins: [extra@m]\n");

        var r = await CliRunner.RunAsync(_env, "config", "validate", Workspace);

        r.ExitCode.ShouldBe(6);
        r.Err.ShouldContain("extra@m");
        r.Err.ShouldContain("allow_project_overrides");
        var audit = await CliRunner.RunAsync(_env, "audit", "tail", "--json");
        var violation = JsonNode.Parse(audit.Out)!["data"]!.AsArray().Single(e => e!["type"]!.GetValue<string>() == "config.violation")!;
        violation["data"]!["item"]!.GetValue<string>().ShouldBe("extra@m");
        violation["data"]!["outcome"]!.GetValue<string>().ShouldBe("denied");
    }

    [Fact]
    public async Task ConfigValidate_ProjectWithinDelegation_Exit0()
    {
        await CliRunner.RunAsync(_env, "setup", "--org", OrgFile, "--team", "dev");
        File.WriteAllText(Path.Combine(Workspace, ".scc.yaml"), "additional_plugins: [extra@m]\nnetwork_policy: locked-down-web\n");

        var r = await CliRunner.RunAsync(_env, "config", "validate", Workspace);

        r.ExitCode.ShouldBe(0, r.Err);
    }

    [Fact]
    public async Task ConfigValidate_WrongTypeInYaml_Exit3WithLine()
    {
        File.WriteAllText(Path.Combine(Workspace, ".scc.yaml"), "network_policy: open\nsession:\n  timeout_hours: lots\n");

        var r = await CliRunner.RunAsync(_env, "config", "validate", Workspace, "--json");

        r.ExitCode.ShouldBe(3);
        var diagnostic = JsonNode.Parse(r.Out)!["data"]!["diagnostics"]![0]!;
        diagnostic["path"]!.GetValue<string>().ShouldBe("$.session.timeout_hours");
        diagnostic["line"]!.GetValue<int>().ShouldBe(3);
    }

    [Theory]
    [InlineData("egress show")]
    [InlineData("start --dry-run")]
    public async Task InvalidProjectConfig_CommandsThatActOnItRefuseAndNameTheEntry(string command)
    {
        // Governance merges without an invalid project file (so `config explain` can show the rest); a start or the
        // egress view must not quietly run without the project's own settings.
        File.WriteAllText(Path.Combine(Workspace, ".scc.yaml"), "egress:\n  destinations: [\"*.com\"]\n");

        var r = await CliRunner.RunAsync(_env, [.. command.Split(' '), Workspace, "--provider", "claude"]);

        r.ExitCode.ShouldBe(3, r.Err);
        r.Err.ShouldContain(".scc.yaml");
        r.Err.ShouldContain("'*.com'");
        r.Err.ShouldContain("public suffix");
        r.Err.ShouldContain("scc config validate");
    }

    [Fact]
    public async Task Init_WritesCommentedYamlThatParses_AndRefusesOverwrite()
    {
        var first = await CliRunner.RunAsync(_env, "init", Workspace);
        var second = await CliRunner.RunAsync(_env, "init", Workspace);
        var validate = await CliRunner.RunAsync(_env, "config", "validate", Workspace);

        first.ExitCode.ShouldBe(0, first.Err);
        File.ReadAllText(Path.Combine(Workspace, ".scc.yaml")).ShouldStartWith("# .scc.yaml");
        second.ExitCode.ShouldBe(2);
        validate.ExitCode.ShouldBe(0, validate.Err);
    }

    [Fact]
    public async Task OrgConfigOption_OverridesSetup()
    {
        var r = await CliRunner.RunAsync(_env, "--org-config", OrgFile, "team", "list", "--json");

        r.ExitCode.ShouldBe(0, r.Err);
        JsonNode.Parse(r.Out)!["data"]!["teams"]!.AsArray().Count.ShouldBe(2);
    }
}
