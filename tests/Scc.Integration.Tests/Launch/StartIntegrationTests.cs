using System.Text.Json.Nodes;
using Scc.Integration.Tests.Runtime;
using Scc.Testing;

namespace Scc.Integration.Tests.Launch;

/// <summary>
/// `scc start --detach` of Claude and Codex for one scratch workspace on the real engine, with the images built
/// from the repository's Dockerfiles, then the safety wrappers, settings, listing, stop, prune and the audit trail
/// (issue 5 item 9). One test, in order: the image builds dominate its cost.
/// </summary>
[Collection("sandbox")]
public sealed class StartIntegrationTests : IAsyncLifetime, IDisposable
{
    private readonly DockerTestEngine _engine = new();
    private readonly TestEnvironment _env = new();

    public Task InitializeAsync() => _engine.InitializeAsync();

    public async Task DisposeAsync()
    {
        await SccProcess.RunAsync(_env, "stop", "--all");
        await _engine.DisposeAsync();
    }

    public void Dispose() => _env.Dispose();

    private void WriteUserConfig() => SccProcess.WriteUserConfig(Path.Combine(_env.Root, "config"));

    private async Task<string> MakeWorkspaceAsync()
    {
        var ws = _env.Dir("work/project");
        var setup = await SccProcess.ShellAsync(
            "set -e; git init -q -b main .; git -c user.email=t@t -c user.name=t commit -q --allow-empty -m one;"
            + " git init -q --bare remote.git; git remote add origin \"$PWD/remote.git\"; git push -q origin main;"
            + " git -c user.email=t@t -c user.name=t commit -q --allow-empty -m two; echo remote.git/ > .git/info/exclude;"
            + " chown -R 1000:1000 .", ws);
        setup.ExitCode.ShouldBe(0, setup.ToString());
        return ws;
    }

    private static async Task<string> RemoteHeadAsync(string ws) =>
        (await SccProcess.ShellAsync("git --git-dir=remote.git rev-parse main", ws)).Out.Trim();

    [SkippableFact]
    public async Task StartDetach_BothProviders_GuardedAndCleanedUp()
    {
        _engine.RequireEngine();
        WriteUserConfig();
        var ws = await MakeWorkspaceAsync();
        var sessions = new Dictionary<string, string>();
        foreach (var provider in new[] { "claude", "codex" })
        {
            var start = await SccProcess.RunAsync(_env, "start", ws, "--provider", provider, "--detach", "--json");
            start.ExitCode.ShouldBe(0, start.ToString());
            sessions[provider] = JsonNode.Parse(start.Out)!["data"]!["session"]!.GetValue<string>();
        }

        sessions["claude"].ShouldNotBe(sessions["codex"]);
        var list = await SccProcess.RunAsync(_env, "list", "--json");
        var listed = JsonNode.Parse(list.Out)!["data"]!.AsArray();
        foreach (var (provider, session) in sessions)
        {
            listed.ShouldContain(s => s!["session"]!.GetValue<string>() == session && s["provider"]!.GetValue<string>() == provider && s["running"]!.GetValue<bool>());
        }

        var before = await RemoteHeadAsync(ws);
        foreach (var (provider, session) in sessions)
        {
            var force = await SccProcess.RunAsync(_env, "exec", session, "--", "git", "push", "--force", "origin", "HEAD~1:main");
            force.ExitCode.ShouldBe(2, force.ToString());
            force.Err.ShouldContain("git.force_push");
            (await RemoteHeadAsync(ws)).ShouldBe(before);

            foreach (var bypass in new[]
            {
                new[] { "/usr/bin/git", "push", "--force", "origin", "HEAD~1:main" },
                ["env", "git", "push", "-f", "origin", "HEAD~1:main"],
                ["bash", "-c", "git reset --hard HEAD~1"],
            })
            {
                var r = await SccProcess.RunAsync(_env, ["exec", session, "--", .. bypass]);
                r.ExitCode.ShouldBe(2, $"{string.Join(' ', bypass)} in {provider}: {r}");
            }

            (await RemoteHeadAsync(ws)).ShouldBe(before);
            var version = await SccProcess.RunAsync(_env, "exec", session, "--", provider, "--version");
            version.ExitCode.ShouldBe(0, version.ToString());
            version.Out.ShouldNotBeNullOrWhiteSpace();
        }

        var push = await SccProcess.RunAsync(_env, "exec", sessions["claude"], "--", "git", "push", "origin", "main");
        push.ExitCode.ShouldBe(0, push.ToString());
        (await RemoteHeadAsync(ws)).ShouldNotBe(before);

        var claudeSettings = await SccProcess.RunAsync(_env, "exec", sessions["claude"], "--", "stat", "-c", "%u %a", "/home/agent/.claude/settings.json");
        claudeSettings.Out.Trim().ShouldBe("1000 600", claudeSettings.ToString());
        var claudeContent = await SccProcess.RunAsync(_env, "exec", sessions["claude"], "--", "cat", "/home/agent/.claude/settings.json");
        JsonNode.Parse(claudeContent.Out)!["mcpServers"].ShouldNotBeNull();
        var codexSettings = await SccProcess.RunAsync(_env, "exec", sessions["codex"], "--", "stat", "-c", "%u %a", $"{ws}/.codex/config.toml");
        codexSettings.Out.Trim().ShouldBe("1000 600", codexSettings.ToString());
        File.ReadAllText(Path.Combine(ws, ".codex", "config.toml")).ShouldContain("cli_auth_credentials_store = \"file\"");
        var policy = await SccProcess.RunAsync(_env, "exec", sessions["codex"], "--", "stat", "-c", "%u %a", "/etc/scc/safety-policy.json");
        policy.Out.Trim().ShouldBe("0 444", policy.ToString());

        (await SccProcess.RunAsync(_env, "stop", "--all")).ExitCode.ShouldBe(0);
        (await SccProcess.RunAsync(_env, "prune")).ExitCode.ShouldBe(0);
        var left = await SccProcess.ShellAsync($"docker ps -aq --filter label=scc.workspace={ws}; docker network ls -q --filter label=scc.workspace={ws}");
        left.Out.Trim().ShouldBeEmpty(left.ToString());

        var audit = await SccProcess.RunAsync(_env, "audit", "tail", "-n", "500", "--json");
        var types = JsonNode.Parse(audit.Out)!["data"]!.AsArray()
            .Where(e => e!["data"]?["session"]?.GetValue<string>() == sessions["claude"])
            .Select(e => e!["type"]!.GetValue<string>()).ToList();
        types.ShouldContain("launch.preflight.passed");
        types.IndexOf("launch.preflight.passed").ShouldBeLessThan(types.IndexOf("launch.started"));
        types.IndexOf("launch.started").ShouldBeLessThan(types.IndexOf("safety.check"));
        types.LastIndexOf("safety.check").ShouldBeLessThan(types.IndexOf("launch.stopped"));
        var verify = await SccProcess.RunAsync(_env, "audit", "verify");
        verify.ExitCode.ShouldBe(0, verify.ToString());
    }
}
