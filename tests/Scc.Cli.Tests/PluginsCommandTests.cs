using System.IO.Compression;
using System.Text.Json.Nodes;
using Scc.Plugins.Tests;
using Scc.Testing;

namespace Scc.Cli.Tests;

public sealed class PluginsCommandTests : IDisposable
{
    private readonly TestEnvironment _env = new();

    public void Dispose() => _env.Dispose();

    private string UserPluginDir => Path.Combine(_env.Root, "data", "scc", "plugins");

    private void ShouldLeaveNothingBehind() =>
        (Directory.Exists(UserPluginDir) ? Directory.GetDirectories(UserPluginDir) : []).ShouldBeEmpty();

    private static JsonNode Data(CliResult r)
    {
        var envelope = JsonNode.Parse(r.Out)!;
        envelope["apiVersion"]!.GetValue<string>().ShouldBe("scc.cli/v1");
        return envelope["data"]!;
    }

    [Fact]
    public async Task List_Json_EnvelopeWithBothBuiltIns()
    {
        var r = await CliRunner.RunAsync(_env, "plugins", "list", "--json");

        r.ExitCode.ShouldBe(0, r.Err);
        var envelope = JsonNode.Parse(r.Out)!;
        envelope["kind"]!.GetValue<string>().ShouldBe("PluginList");
        envelope["status"]!["ok"]!.GetValue<bool>().ShouldBeTrue();
        Data(r).AsArray().Select(p => (p!["id"]!.GetValue<string>(), p["state"]!.GetValue<string>())).ShouldBe([("claude", "loaded"), ("codex", "loaded")]);
    }

    [Fact]
    public async Task InstallListRemove_SampleNupkg_EndToEnd()
    {
        var nupkg = PluginFixture.SampleNupkg();

        var install = await CliRunner.RunAsync(_env, "plugins", "install", nupkg);
        install.ExitCode.ShouldBe(0, install.Err);
        install.Out.ShouldContain("sha256:");
        install.Out.ShouldContain("state: loaded");

        var list = await CliRunner.RunAsync(_env, "plugins", "list", "--json");
        var gemini = Data(list).AsArray().Single(p => p!["id"]!.GetValue<string>() == "gemini")!;
        gemini["state"]!.GetValue<string>().ShouldBe("loaded");
        gemini["origin"]!.GetValue<string>().ShouldBe("user");
        gemini["provider"]!["image"]!.GetValue<string>().ShouldBe("scc-agent-gemini");

        var again = await CliRunner.RunAsync(_env, "plugins", "install", nupkg);
        again.ExitCode.ShouldBe(2);
        again.Err.ShouldContain("--force");

        (await CliRunner.RunAsync(_env, "plugins", "install", nupkg, "--force")).ExitCode.ShouldBe(0);

        var remove = await CliRunner.RunAsync(_env, "plugins", "remove", "gemini");
        remove.ExitCode.ShouldBe(0, remove.Err);
        var after = await CliRunner.RunAsync(_env, "plugins", "list", "--json");
        Data(after).AsArray().ShouldNotContain(p => p!["id"]!.GetValue<string>() == "gemini");
        ShouldLeaveNothingBehind();

        (await CliRunner.RunAsync(_env, "plugins", "remove", "gemini")).ExitCode.ShouldBe(1);
    }

    [Fact]
    public async Task Install_NupkgWithoutManifest_ClearErrorNothingLeft()
    {
        var path = Path.Combine(_env.Root, "nomanifest.nupkg");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            using var w = new StreamWriter(zip.CreateEntry("lib/net10.0/readme.txt").Open());
            w.Write("no plugin here");
        }

        var r = await CliRunner.RunAsync(_env, "plugins", "install", path);

        r.ExitCode.ShouldBe(2);
        r.Err.ShouldContain("carries no plugin manifest");
        ShouldLeaveNothingBehind();
    }

    [Fact]
    public async Task Install_CorruptZip_ClearErrorNothingLeft()
    {
        var path = Path.Combine(_env.Root, "corrupt.nupkg");
        File.WriteAllBytes(path, [0x50, 0x4B, 0x03, 0x04, 1, 2, 3, 4, 5, 6, 7, 8, 9]);

        var r = await CliRunner.RunAsync(_env, "plugins", "install", path);

        r.ExitCode.ShouldBe(2);
        r.Err.ShouldContain("not a valid .nupkg");
        ShouldLeaveNothingBehind();
    }

    [Fact]
    public async Task Install_MissingPath_NotFound()
    {
        var r = await CliRunner.RunAsync(_env, "plugins", "install", Path.Combine(_env.Root, "nope.nupkg"));

        r.ExitCode.ShouldBe(1);
        r.Err.ShouldContain("No file or folder at");
        ShouldLeaveNothingBehind();
    }

    [Fact]
    public async Task Remove_BuiltIn_Refused()
    {
        var r = await CliRunner.RunAsync(_env, "plugins", "remove", "claude");

        r.ExitCode.ShouldBe(2);
        r.Err.ShouldContain("built-in");
    }

    [Fact]
    public async Task Verify_PrintsPinThatMakesAllowListLoad()
    {
        var nupkg = PluginFixture.SampleNupkg();
        (await CliRunner.RunAsync(_env, "plugins", "install", nupkg)).ExitCode.ShouldBe(0);
        var verify = await CliRunner.RunAsync(_env, "plugins", "verify", "gemini", "--json");
        var hash = Data(verify)["sha256"]!.GetValue<string>();

        var org = Path.Combine(_env.Root, "org.json");
        File.WriteAllText(org, new JsonObject
        {
            ["schema_version"] = "1.0.0",
            ["organization"] = new JsonObject { ["name"] = "Example", ["id"] = "example" },
            ["security"] = new JsonObject { ["provider_plugins"] = new JsonObject { ["allow"] = new JsonArray(new JsonObject { ["id"] = "gemini", ["publisher"] = "example", ["sha256"] = hash }) } },
        }.ToJsonString());
        var list = await CliRunner.RunAsync(_env, "--org-config", org, "plugins", "list", "--json");
        Data(list).AsArray().Single(p => p!["id"]!.GetValue<string>() == "gemini")!["state"]!.GetValue<string>().ShouldBe("loaded");

        File.WriteAllText(Path.Combine(UserPluginDir, "gemini", "Planted.dll"), "x");
        var tampered = await CliRunner.RunAsync(_env, "--org-config", org, "plugins", "list", "--json");
        Data(tampered).AsArray().Single(p => p!["id"]!.GetValue<string>() == "gemini")!["state"]!.GetValue<string>().ShouldBe("hash-mismatch");
        (await CliRunner.RunAsync(_env, "--org-config", org, "plugins", "verify", "gemini")).ExitCode.ShouldBe(6);
    }

    [Fact]
    public async Task List_AuditNotWritable_SaysSoAndFails()
    {
        var blocker = Path.Combine(_env.Root, "state-file");
        File.WriteAllText(blocker, "not a folder");
        _env["XDG_STATE_HOME"] = blocker;

        var r = await CliRunner.RunAsync(_env, "plugins", "list");

        r.ExitCode.ShouldBe(5);
        r.Err.ShouldContain("audit log");
        r.Out.ShouldContain("claude");
    }
}
