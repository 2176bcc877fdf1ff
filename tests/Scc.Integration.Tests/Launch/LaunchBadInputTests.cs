using System.Text.Json.Nodes;
using Scc.Integration.Tests.Runtime;
using Scc.Testing;

namespace Scc.Integration.Tests.Launch;

/// <summary>Bad inputs of `scc start`: each a clear error, the right exit code, nothing left behind.</summary>
[Collection("sandbox")]
public sealed class LaunchBadInputTests : IAsyncLifetime, IDisposable
{
    private readonly DockerTestEngine _engine = new();
    private readonly TestEnvironment _env = new();

    public Task InitializeAsync() => _engine.InitializeAsync();

    public Task DisposeAsync() => _engine.DisposeAsync();

    public void Dispose() => _env.Dispose();

    [Fact]
    public async Task Start_NoEngine_Exit5NamesDoctorAndScript()
    {
        var ws = _env.Dir("ws");
        var r = await SccProcess.RunAsync(_env, new Dictionary<string, string> { ["DOCKER_HOST"] = $"unix://{_env.Root}/no-such.sock" }, TimeSpan.FromMinutes(2), "start", ws, "--provider", "claude", "--detach");

        r.ExitCode.ShouldBe(5, r.ToString());
        r.Err.ShouldContain("scc doctor");
        r.Err.ShouldContain("install-docker-engine.sh");
    }

    [Fact]
    public async Task Start_WorkspaceMissing_Exit1()
    {
        var r = await SccProcess.RunAsync(_env, "start", Path.Combine(_env.Root, "nope"), "--provider", "claude", "--dry-run");

        r.ExitCode.ShouldBe(1, r.ToString());
        r.Err.ShouldContain("does not exist");
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/etc")]
    [InlineData("HOME")]
    public async Task Start_SuspiciousWorkspace_RefusedUnlessAllowed(string path)
    {
        var target = path == "HOME" ? Path.Combine(_env.Root, "home") : path;
        var r = await SccProcess.RunAsync(_env, "start", target, "--provider", "claude", "--dry-run");

        r.ExitCode.ShouldBe(2, r.ToString());
        r.Err.ShouldContain("--allow-suspicious-workspace");
    }

    [Fact]
    public async Task Start_ProviderNotAllowed_Exit6AndPreflightFailedAudited()
    {
        var ws = _env.Dir("ws");
        var org = Path.Combine(_env.Root, "org.json");
        File.WriteAllText(org, """{"schema_version":"1.0.0","organization":{"name":"Acme","id":"acme"},"security":{"allowed_providers":["claude"]}}""");

        var r = await SccProcess.RunAsync(_env, "--org-config", org, "start", ws, "--provider", "codex", "--detach");

        r.ExitCode.ShouldBe(6, r.ToString());
        var audit = await SccProcess.RunAsync(_env, "audit", "tail", "--json");
        JsonNode.Parse(audit.Out)!["data"]!.AsArray().ShouldContain(e => e!["type"]!.GetValue<string>() == "launch.preflight.failed");
    }

    [Fact]
    public async Task Start_UnknownProvider_Exit1()
    {
        var r = await SccProcess.RunAsync(_env, "start", _env.Dir("ws"), "--provider", "vim", "--dry-run");

        r.ExitCode.ShouldBe(1, r.ToString());
        r.Err.ShouldContain("There is no provider \"vim\"");
    }

    [Fact]
    public async Task Start_TwoProvidersNoChoiceNonInteractive_Exit2()
    {
        var r = await SccProcess.RunAsync(_env, "start", _env.Dir("ws"), "--dry-run");

        r.ExitCode.ShouldBe(2, r.ToString());
        r.Err.ShouldContain("--provider");
    }

    [Fact]
    public async Task Start_LockedDownWeb_ProviderNeedingApiRefusedNamingPolicy()
    {
        var org = Path.Combine(_env.Root, "org.json");
        File.WriteAllText(org, """{"schema_version":"1.0.0","organization":{"name":"Acme","id":"acme"},"defaults":{"network_policy":"locked-down-web"}}""");

        var r = await SccProcess.RunAsync(_env, "--org-config", org, "start", _env.Dir("ws"), "--provider", "claude", "--dry-run");

        r.ExitCode.ShouldBe(6, r.ToString());
        r.Err.ShouldContain("locked-down-web");
        r.Err.ShouldContain("api.anthropic.com");
    }

    [Theory]
    [InlineData(".codex", "a file where the settings folder goes")]
    [InlineData(".codex/config.toml/", "a folder where the settings file goes")]
    public async Task Start_SettingsPathBlockedInWorkspace_RefusedUserFileKept(string inTheWay, string what)
    {
        var ws = _env.Dir("blocked");
        var path = Path.Combine(ws, inTheWay.TrimEnd('/'));
        if (inTheWay.EndsWith('/'))
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            File.WriteAllText(path, "the user's own file");
        }

        var r = await SccProcess.RunAsync(_env, "start", ws, "--provider", "codex", "--dry-run");

        r.ExitCode.ShouldBe(2, $"{what}: {r}");
        r.Err.ShouldContain("is in the way");
        if (!inTheWay.EndsWith('/'))
        {
            File.ReadAllText(path).ShouldBe("the user's own file");
        }
    }

    [SkippableFact]
    public async Task Start_RunningSessionConflict_NonInteractiveErrorsNamingResumeAndFresh()
    {
        _engine.RequireEngine();
        var config = Path.Combine(_env.Root, "config", "scc");
        Directory.CreateDirectory(config);
        if (File.Exists("/etc/ssl/certs/ca-certificates.crt"))
        {
            File.WriteAllText(Path.Combine(config, "config.json"), """{"runtime":{"extra_ca_certificates":["/etc/ssl/certs/ca-certificates.crt"]}}""");
        }

        var ws = _env.Dir("conflict");
        try
        {
            (await SccProcess.RunAsync(_env, "start", ws, "--provider", "claude", "--detach")).ExitCode.ShouldBe(0);
            var again = await SccProcess.RunAsync(_env, "start", ws, "--provider", "claude", "--detach");
            again.ExitCode.ShouldBe(2, again.ToString());
            again.Err.ShouldContain("--resume");
            again.Err.ShouldContain("--fresh");
            var resume = await SccProcess.RunAsync(_env, "start", ws, "--provider", "claude", "--detach", "--resume");
            resume.ExitCode.ShouldBe(0, resume.ToString());
            var fresh = await SccProcess.RunAsync(_env, "start", ws, "--provider", "claude", "--detach", "--fresh");
            fresh.ExitCode.ShouldBe(0, fresh.ToString());
            var list = JsonNode.Parse((await SccProcess.RunAsync(_env, "list", "--json")).Out)!["data"]!.AsArray();
            list.Count(s => s!["workspace"]!.GetValue<string>() == ws).ShouldBe(1);
        }
        finally
        {
            await SccProcess.RunAsync(_env, "stop", "--all");
        }
    }
}
