using System.Text;
using Scc.Core.Config;

namespace Scc.Core.Tests.Config;

public sealed class ProjectConfigLoaderTests
{
    [Fact]
    public void Parse_FullFile_ReadsEveryKey()
    {
        const string Yaml = """
            # project settings
            additional_plugins: [proj-x@m]
            additional_mcp_servers:
              - name: wiki
                type: sse
                url: https://wiki.example.invalid/mcp
                headers: { Authorization: "Bearer ${T}" }
              - name: local
                type: stdio
                command: /opt/mcp/local
                args: [--ro]
            network_policy: locked-down-web
            session:
              timeout_hours: 3
              auto_resume: true
            egress:
              destinations: [api.example.invalid, "*.cdn.example.invalid:8443"]
              sets: [pkgs]
            """;

        var result = ProjectConfigLoader.Parse(Yaml, ".scc.yaml");

        result.Diagnostics.ShouldBeEmpty();
        var config = result.GetOrThrow()!;
        config.AdditionalPlugins.ShouldBe(["proj-x@m"]);
        config.AdditionalMcpServers[0].Headers!["Authorization"].ShouldBe("Bearer ${T}");
        config.AdditionalMcpServers[1].Args.ShouldBe(["--ro"]);
        config.NetworkPolicy.ShouldBe("locked-down-web");
        config.Session!.TimeoutHours.ShouldBe(3);
        config.Session.AutoResume.ShouldBe(true);
        config.Egress!.Destinations.ShouldBe(["api.example.invalid", "*.cdn.example.invalid:8443"]);
        config.Egress.Sets.ShouldBe(["pkgs"]);
    }

    [Theory]
    [InlineData("additional_plugins: proj-x", "$.additional_plugins", 1)]
    [InlineData("session:\n  timeout_hours: \"three\"", "$.session.timeout_hours", 2)]
    [InlineData("session:\n  timeout_hours: 99", "$.session.timeout_hours", 2)]
    [InlineData("session:\n  auto_resume: maybe", "$.session.auto_resume", 2)]
    [InlineData("network_policy: wide-open", "$.network_policy", 1)]
    [InlineData("additional_mcp_servers:\n  - name: x\n    type: carrier-pigeon", "$.additional_mcp_servers[0].type", 3)]
    [InlineData("additional_mcp_servers:\n  - type: sse\n    url: https://x.example.invalid", "$.additional_mcp_servers[0].name", 2)]
    [InlineData("egress:\n  destinations: [\"http://x.example.invalid\"]", "$.egress.destinations[0]", 2)]
    [InlineData("- just\n- a list", "$", 1)]
    public void Parse_WrongType_IsErrorWithPathAndLine(string yaml, string path, int line)
    {
        var result = ProjectConfigLoader.Parse(yaml, ".scc.yaml");

        result.IsValid.ShouldBeFalse();
        result.Config.ShouldBeNull();
        var error = result.Diagnostics.First(d => d.IsError);
        error.Path.ShouldBe(path, string.Join("\n", result.Diagnostics));
        error.Line.ShouldBe(line);
    }

    [Fact]
    public void Parse_UnknownKeys_AreWarnings()
    {
        var result = ProjectConfigLoader.Parse("additional_plugin: [typo]\nsession: {idle: 3}\n", ".scc.yaml");

        result.IsValid.ShouldBeTrue();
        result.Diagnostics.Select(d => d.Path).ShouldBe(["$.additional_plugin", "$.session.idle"]);
        result.Diagnostics.ShouldAllBe(d => d.Severity == DiagnosticSeverity.Warning);
    }

    [Fact]
    public void Parse_BillionLaughs_IsRefusedQuickly()
    {
        var yaml = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (var i = 1; i < 10; i++)
        {
            var prev = (char)('a' + i - 1);
            var cur = (char)('a' + i);
            yaml.Append($"{cur}: &{cur} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n");
        }

        yaml.Append("additional_plugins: *j\n");
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var result = ProjectConfigLoader.Parse(yaml.ToString(), ".scc.yaml");

        watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(2));
        result.IsValid.ShouldBeFalse();
        result.Diagnostics.Single(d => d.IsError).Message.ShouldContain("alias");
    }

    [Fact]
    public void Parse_DeepNesting_IsRefused()
    {
        var yaml = "session: " + new string('[', 40) + new string(']', 40);

        var result = ProjectConfigLoader.Parse(yaml, ".scc.yaml");

        result.IsValid.ShouldBeFalse();
        result.Diagnostics.Single(d => d.IsError).Message.ShouldContain("deeper");
    }

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n")]
    public void Parse_Empty_IsAnEmptyConfig(string yaml)
    {
        var result = ProjectConfigLoader.Parse(yaml, ".scc.yaml");

        result.GetOrThrow().ShouldBe(new ProjectConfig());
    }

    [Fact]
    public void Parse_InvalidYaml_NamesLine()
    {
        var result = ProjectConfigLoader.Parse("network_policy: open\nsession: a: b\n", ".scc.yaml");

        result.IsValid.ShouldBeFalse();
        result.Diagnostics.Single().Code.ShouldBe("yaml.syntax");
        result.Diagnostics.Single().Line.ShouldBe(2);
    }

    [Theory]
    [InlineData("a: [1, 2\nb: {")]
    [InlineData("\"unterminated")]
    [InlineData("a: *undefined")]
    [InlineData("\t- tab")]
    public void Parse_BrokenYaml_IsAnErrorNeverACrash(string yaml)
    {
        var result = ProjectConfigLoader.Parse(yaml, ".scc.yaml");

        result.IsValid.ShouldBeFalse();
        result.Diagnostics.ShouldContain(d => d.IsError);
    }

    [Fact]
    public void LoadWorkspace_NoFile_IsNullWithoutDiagnostics()
    {
        var result = ProjectConfigLoader.LoadWorkspace(Path.GetTempPath() + Guid.NewGuid().ToString("N"));

        result.Config.ShouldBeNull();
        result.IsValid.ShouldBeTrue();
    }
}
