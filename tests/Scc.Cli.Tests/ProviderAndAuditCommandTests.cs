using System.Text.Json.Nodes;
using Scc.Testing;

namespace Scc.Cli.Tests;

public sealed class ProviderAndAuditCommandTests : IDisposable
{
    private readonly TestEnvironment _env = new();

    public void Dispose() => _env.Dispose();

    private string UserConfigFile => Path.Combine(_env.Root, "config", "scc", "config.json");

    private string AuditFile => Path.Combine(_env.Root, "state", "scc", "audit", "audit.jsonl");

    [Fact]
    public async Task ProviderSet_Known_PersistedInUserConfig()
    {
        var r = await CliRunner.RunAsync(_env, "provider", "set", "codex");

        r.ExitCode.ShouldBe(0, r.Err);
        JsonNode.Parse(File.ReadAllText(UserConfigFile))!["provider"]!.GetValue<string>().ShouldBe("codex");
        var show = await CliRunner.RunAsync(_env, "provider", "show", "--json");
        JsonNode.Parse(show.Out)!["data"]!["preference"]!.GetValue<string>().ShouldBe("codex");
    }

    [Fact]
    public async Task ProviderSet_UnknownId_RefusedConfigUntouched()
    {
        var r = await CliRunner.RunAsync(_env, "provider", "set", "vim-agent");

        r.ExitCode.ShouldBe(1);
        r.Err.ShouldContain("There is no provider \"vim-agent\"");
        r.Err.ShouldContain("claude, codex");
        File.Exists(UserConfigFile).ShouldBeFalse();
    }

    [Fact]
    public async Task ProviderSet_NotAllowedByOrg_Governance()
    {
        var org = Path.Combine(_env.Root, "org.json");
        File.WriteAllText(org, """{"schema_version":"1.0.0","organization":{"name":"Example","id":"example"},"security":{"allowed_providers":["claude"]}}""");

        var r = await CliRunner.RunAsync(_env, "--org-config", org, "provider", "set", "codex");

        r.ExitCode.ShouldBe(6);
        r.Err.ShouldContain("not allowed");
        File.Exists(UserConfigFile).ShouldBeFalse();
        var audit = await CliRunner.RunAsync(_env, "audit", "tail", "--json");
        JsonNode.Parse(audit.Out)!["data"]!.AsArray().ShouldContain(e => e!["type"]!.GetValue<string>() == "plugin.refused" && e["subject"]!.GetValue<string>() == "codex");
    }

    [Fact]
    public async Task ProviderShow_NoRuntime_AuthUnknownHonestly()
    {
        _env["DOCKER_HOST"] = $"unix://{_env.Root}/no-engine.sock";
        var r = await CliRunner.RunAsync(_env, "provider", "show", "--json");

        r.ExitCode.ShouldBe(0, r.Err);
        var providers = JsonNode.Parse(r.Out)!["data"]!["providers"]!.AsArray();
        providers.Select(p => p!["id"]!.GetValue<string>()).ShouldBe(["claude", "codex"]);
        providers.ShouldAllBe(p => p!["auth"]!.GetValue<string>() == "unknown");
    }

    [Fact]
    public async Task AuditVerify_AfterHandEdit_FailsNamingLine()
    {
        (await CliRunner.RunAsync(_env, "plugins", "list")).ExitCode.ShouldBe(0);
        (await CliRunner.RunAsync(_env, "plugins", "list")).ExitCode.ShouldBe(0);
        var ok = await CliRunner.RunAsync(_env, "audit", "verify");
        ok.ExitCode.ShouldBe(0, ok.Err);
        ok.Out.ShouldContain("ok: 4 events");

        var lines = File.ReadAllLines(AuditFile);
        lines[1] = lines[1].Replace("plugin.loaded", "plugin.loadeD", StringComparison.Ordinal);
        File.WriteAllText(AuditFile, string.Join('\n', lines) + "\n");

        var bad = await CliRunner.RunAsync(_env, "audit", "verify", "--json");
        bad.ExitCode.ShouldNotBe(0);
        var data = JsonNode.Parse(bad.Out)!["data"]!;
        data["badLine"]!.GetValue<long>().ShouldBe(2);
    }

    [Fact]
    public async Task AuditTail_N_ShowsNewest()
    {
        (await CliRunner.RunAsync(_env, "plugins", "list")).ExitCode.ShouldBe(0);

        var r = await CliRunner.RunAsync(_env, "audit", "tail", "-n", "1");

        r.ExitCode.ShouldBe(0);
        r.Out.Trim().Split('\n').Length.ShouldBe(1);
        r.Out.ShouldContain("plugin.loaded codex");
    }

    [Fact]
    public async Task UnknownCommand_UsageExit2()
    {
        var r = await CliRunner.RunAsync(_env, "plugins", "frobnicate");

        r.ExitCode.ShouldBe(2);
        r.Err.ShouldContain("frobnicate");
    }

    [Fact]
    public async Task Version_StartsAtTwo()
    {
        var r = await CliRunner.RunAsync(_env, "--version");

        r.ExitCode.ShouldBe(0);
        Version.Parse(r.Out.Trim().Split('-', '+')[0]).Major.ShouldBeGreaterThanOrEqualTo(2);
    }
}
