using System.Text.Json.Nodes;
using Scc.Core.Launch;
using Scc.Core.Runtime;
using Scc.Integration.Tests.Runtime;
using Scc.Testing;

namespace Scc.Integration.Tests.Launch;

/// <summary>
/// Ctrl-C during a start (issue 5, bad inputs): the launch pipeline is cancelled at each step after something was
/// created, on the real engine, and nothing of the session may remain: no container, no network, no data volume the
/// start created itself; the audit log records launch.failed. The cancellation is deterministic: a runtime decorator
/// cancels the pipeline's token at one exact engine call, before it (the engine sees a cancelled request) or after it
/// (the engine did the work, the pipeline learns of the cancellation first).
/// </summary>
[Collection("sandbox")]
public sealed class LaunchCancellationTests : EngineSessionTests
{
    private const string Provider = "claude";

    internal static void WriteUserConfig(TestEnvironment env)
    {
        var config = new JsonObject();
        if (File.Exists("/etc/ssl/certs/ca-certificates.crt"))
        {
            // Images missing on a fresh machine are built by the start; registries need the machine's CA bundle (DESIGN.md §10).
            config["runtime"] = new JsonObject { ["extra_ca_certificates"] = new JsonArray("/etc/ssl/certs/ca-certificates.crt") };
        }

        var dir = Path.Combine(env.Root, "config", "scc");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "config.json"), config.ToJsonString());
    }

    internal static string WriteEnforcedOrg(TestEnvironment env)
    {
        var org = Path.Combine(env.Root, "org-enforced.json");
        File.WriteAllText(org, """{"schema_version":"1.0.0","organization":{"name":"Cancel test","id":"cancel-test"},"defaults":{"network_policy":"web-egress-enforced"}}""");
        return org;
    }

    public static TheoryData<string, bool, bool> Steps => new()
    {
        // step, cancelled after the engine did it, web-egress-enforced
        { "files-create", true, false }, // the files container's creation made the data volume and the policy volume
        { "agent-create", false, false },
        { "agent-create", true, false },
        { "prepare", true, false },
        { "agent-start", true, false },
        { "network", true, true },
        { "proxy-create", true, true },
        { "proxy-connect", true, true },
        { "proxy-start", true, true },
        { "proxy-ready", true, true },
        { "agent-create", true, true },
        { "agent-start", true, true },
    };

    [SkippableTheory]
    [MemberData(nameof(Steps))]
    public async Task Start_CancelledAtStep_LeavesNothingAndAuditsFailure(string step, bool after, bool enforced)
    {
        Engine.RequireEngine();
        WriteUserConfig(Env);
        var ws = Env.Dir($"ws-{step}-{after}-{enforced}");
        var identity = SessionIdentity.For(Provider, WorkspacePaths.Canonicalize(ws, ws));
        await using var scc = new InProcessScc(Env, Engine.Runtime);
        var volume = IsolateDataVolume(scc);
        using var cts = new CancellationTokenSource();
        Func<EngineCall, bool> match = step switch
        {
            "files-create" => c => c.Member == nameof(IContainerRuntime.CreateContainerAsync) && c.Subject == identity.FilesContainerName,
            "agent-create" => c => c.Member == nameof(IContainerRuntime.CreateContainerAsync) && c.Subject == identity.ContainerName,
            "prepare" => c => c.Member == nameof(IContainerRuntime.WriteFilesAsync) && c.Subject == identity.ContainerName,
            "agent-start" => c => c.Member == nameof(IContainerRuntime.StartContainerAsync) && c.Subject == identity.ContainerName,
            "network" => c => c.Member == nameof(IContainerRuntime.CreateNetworkAsync) && c.Subject == identity.NetworkName,
            "proxy-create" => c => c.Member == nameof(IContainerRuntime.CreateContainerAsync) && c.Subject == identity.ProxyContainerName,
            "proxy-connect" => c => c.Member == nameof(IContainerRuntime.ConnectAsync) && c.Subject == identity.ProxyContainerName,
            "proxy-start" => c => c.Member == nameof(IContainerRuntime.StartContainerAsync) && c.Subject == identity.ProxyContainerName,
            // Readiness is probed from the host (a TCP connect), between inspections of the started proxy.
            "proxy-ready" => c => c.Member == nameof(IContainerRuntime.InspectContainerAsync) && c.Subject == identity.ProxyContainerName
                && scc.Runtime.Calls.Any(x => x.Member == nameof(IContainerRuntime.StartContainerAsync) && x.Subject == identity.ProxyContainerName),
            _ => throw new ArgumentOutOfRangeException(nameof(step)),
        };
        scc.Runtime.CancelAt(cts, match, after);

        await Should.ThrowAsync<OperationCanceledException>(() => scc.StartAsync(Request(ws, enforced), cts.Token));

        scc.Runtime.Calls.ShouldContain(c => match(c), $"the pipeline never reached {step}");
        await AssertNothingLeftAsync(identity, ws);
        (await Engine.Runtime.InspectVolumeAsync(volume, CancellationToken.None)).ShouldBeNull("the start created the data volume, so its failure removes it");
        AssertFailureAudited(scc, ws);
    }

    [SkippableFact]
    public async Task Start_CancelledAfterCreate_KeepsADataVolumeThatExistedBefore()
    {
        Engine.RequireEngine();
        WriteUserConfig(Env);
        var ws = Env.Dir("ws-existing-volume");
        var identity = SessionIdentity.For(Provider, WorkspacePaths.Canonicalize(ws, ws));
        await using var scc = new InProcessScc(Env, Engine.Runtime);
        var volume = IsolateDataVolume(scc);
        await Engine.Runtime.EnsureVolumeAsync(volume, Engine.Labels, CancellationToken.None);
        using var cts = new CancellationTokenSource();
        scc.Runtime.CancelAt(cts, c => c.Member == nameof(IContainerRuntime.CreateContainerAsync) && c.Subject == identity.ContainerName, afterTheCall: true);

        await Should.ThrowAsync<OperationCanceledException>(() => scc.StartAsync(Request(ws, enforced: false), cts.Token));

        await AssertNothingLeftAsync(identity, ws);
        (await Engine.Runtime.InspectVolumeAsync(volume, CancellationToken.None)).ShouldNotBeNull("a data volume that existed before keeps the sign-in");
        AssertFailureAudited(scc, ws);
    }

    /// <summary>
    /// The whole process: the built `scc start --detach` gets SIGINT (what Ctrl-C sends) while it creates the
    /// session. web-egress-enforced makes the creating phase long enough to hit: network, proxy, agent, proxy wait.
    /// </summary>
    [SkippableFact]
    public async Task StartProcess_SigintWhileCreating_Exit130AndNothingLeft()
    {
        Engine.RequireEngine();
        WriteUserConfig(Env);
        var org = WriteEnforcedOrg(Env);
        var ws = Env.Dir("ws-sigint");
        var identity = SessionIdentity.For(Provider, WorkspacePaths.Canonicalize(ws, ws));
        var since = DateTimeOffset.UtcNow.AddSeconds(-1).ToUnixTimeSeconds();
        var psi = SccProcess.StartInfo(Env, null, "--org-config", org, "start", ws, "--provider", Provider, "--detach");
        using var process = System.Diagnostics.Process.Start(psi)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            // The engine's event stream (replayed from before the start) says when the session network exists; a
            // watcher outside this busy test process sends SIGINT at once, while the proxy and the agent are created.
            var watcher = await SccProcess.ShellAsync(
                $"exec 3< <(timeout 120 docker events --since {since} --filter type=network --filter event=create --filter network={identity.NetworkName} --format x); "
                + $"read -r line <&3 && kill -INT {process.Id}; rc=$?; kill $! 2>/dev/null; exit $rc");
            watcher.ExitCode.ShouldBe(0, $"SIGINT could not be sent: {watcher}\nscc: {(process.HasExited ? await stderr : "running")}");
            using var wait = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            await process.WaitForExitAsync(wait.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        var err = await stderr;
        process.ExitCode.ShouldBe(130, $"stdout: {await stdout}\nstderr: {err}");
        err.ShouldContain("Cancelled");
        await AssertNothingLeftAsync(identity, ws);
        var events = Scc.Core.Audit.AuditReader.Tail(new Scc.Core.Audit.AuditLog(Env.Paths).FilePath, 1000);
        events.ShouldContain(e => e["type"]!.GetValue<string>() == "launch.failed");
        events.ShouldNotContain(e => e["type"]!.GetValue<string>() == "launch.started");
    }

    private LaunchRequest Request(string ws, bool enforced) => new(ws, ws)
    {
        Provider = Provider,
        Detach = true,
        OrgConfigOverride = enforced ? WriteEnforcedOrg(Env) : null,
    };

    private async Task AssertNothingLeftAsync(SessionIdentity identity, string ws)
    {
        var none = CancellationToken.None;
        (await Engine.Runtime.ListContainersAsync(SessionLabels.ForWorkspace(identity.Workspace), none)).ShouldBeEmpty($"containers left for {ws}");
        (await Engine.Runtime.ListNetworksAsync(SessionLabels.ForWorkspace(identity.Workspace), none)).ShouldBeEmpty($"networks left for {ws}");
        (await Engine.Runtime.InspectContainerAsync(identity.ContainerName, none)).ShouldBeNull();
        (await Engine.Runtime.InspectContainerAsync(identity.ProxyContainerName, none)).ShouldBeNull();
        (await Engine.Runtime.InspectNetworkAsync(identity.NetworkName, none)).ShouldBeNull();
    }

    private static void AssertFailureAudited(InProcessScc scc, string ws)
    {
        var events = scc.AuditEvents();
        var preflight = events.LastOrDefault(e => e["type"]?.GetValue<string>() == "launch.preflight.passed" && e["data"]?["workspace"]?.GetValue<string>() == WorkspacePaths.Canonicalize(ws, ws));
        preflight.ShouldNotBeNull("the start passed its preflight before it was cancelled");
        var session = preflight["data"]!["session"]!.GetValue<string>();
        events.ShouldContain(e => e["type"]!.GetValue<string>() == "launch.failed" && e["data"]!["session"]!.GetValue<string>() == session);
        events.ShouldNotContain(e => e["type"]!.GetValue<string>() == "launch.started" && e["data"]!["session"]!.GetValue<string>() == session);
    }
}
