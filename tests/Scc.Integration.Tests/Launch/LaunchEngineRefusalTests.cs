using Scc.Core.Launch;
using Scc.Core.Runtime;
using Scc.Integration.Tests.Runtime;
using Scc.Testing;

namespace Scc.Integration.Tests.Launch;

/// <summary>
/// Refusals that only the real engine produces (issue 5, bad inputs): a settings write the engine rejects, and a
/// socket the user may not open. Each: a clear message saying what failed and what to do, the right exit code,
/// nothing left behind.
/// </summary>
[Collection("sandbox")]
public sealed class LaunchEngineRefusalTests : IAsyncLifetime, IDisposable
{
    private const string Provider = "claude";
    private const string Socket = "/var/run/docker.sock";
    private const int Nobody = 65534;
    private readonly DockerTestEngine _engine = new();
    private readonly TestEnvironment _env = new();
    private string? _volume;

    public Task InitializeAsync() => _engine.InitializeAsync();

    public async Task DisposeAsync()
    {
        if (_engine.Info is not null && _volume is not null)
        {
            await _engine.Runtime.RemoveVolumeAsync(_volume, CancellationToken.None);
        }

        await _engine.DisposeAsync();
    }

    public void Dispose() => _env.Dispose();

    /// <summary>
    /// The engine, the user config and the base image ready; a scratch workspace and its session identity; this
    /// test's own provider data volume name (removed afterwards).
    /// </summary>
    private async Task<(string Workspace, SessionIdentity Identity, string DataVolume)> ArrangeAsync(string workspace)
    {
        _engine.RequireEngine();
        LaunchCancellationTests.WriteUserConfig(_env);
        await SccProcess.EnsureBaseImageAsync(_env, _engine.Runtime);
        var ws = _env.Dir(workspace);
        _volume = _engine.Name("data");
        return (ws, SessionIdentity.For(Provider, WorkspacePaths.Canonicalize(ws, ws)), _volume);
    }

    /// <summary>An in-process scc whose Claude data volume is this test's (<see cref="ArrangeAsync"/>).</summary>
    private InProcessScc NewScc()
    {
        var scc = new InProcessScc(_env, _engine.Runtime);
        scc.Runtime.VolumeAliases["docker-claude-sandbox-data"] = _volume ?? throw new InvalidOperationException("ArrangeAsync first");
        return scc;
    }

    /// <summary>
    /// A data volume that holds a folder where the Claude settings file goes: the engine refuses to replace a folder
    /// with a file, so the start's write of the settings fails. The start must name what failed and what to do,
    /// remove the container, the files container and the session's policy volume, keep the data volume (it existed
    /// before), and record launch.failed.
    /// </summary>
    [SkippableFact]
    public async Task Start_EngineRefusesSettingsWrite_ClearErrorNothingLeftFailureAudited()
    {
        var (ws, identity, volume) = await ArrangeAsync("ws-broken");
        await using var scc = NewScc();
        await _engine.Runtime.EnsureVolumeAsync(volume, _engine.Labels, CancellationToken.None);
        var seed = _engine.Name("seed");
        await _engine.Runtime.CreateContainerAsync(new ContainerSpec(ImageProvisioner.BaseImage, seed)
        {
            Labels = _engine.Labels,
            Mounts = [MountSpec.Volume(volume, "/data")],
            Networks = [ContainerSpec.NoNetwork],
            Command = ["true"],
            Entrypoint = [],
        }, CancellationToken.None);
        try
        {
            await _engine.Runtime.WriteFilesAsync(seed, "/data", [ContainerFile.Folder("settings.json", 1000, 1000, (UnixFileMode)0b111_101_101)], CancellationToken.None);
        }
        finally
        {
            await _engine.Runtime.RemoveContainerAsync(seed, CancellationToken.None);
        }

        var exit = await scc.RunAsync("start", ws, "--provider", Provider, "--detach");

        exit.ShouldBe(4, scc.Err);
        var err = scc.Err.ReplaceLineEndings(" ");
        err.ShouldContain("Writing the Claude Code settings or the safety policy into the sandbox failed");
        err.ShouldContain($"scc images build --provider {Provider}");
        scc.Runtime.Calls.ShouldContain(c => c.Member == nameof(IContainerRuntime.WriteFilesAsync) && c.Subject == identity.FilesContainerName);
        (await _engine.Runtime.ListContainersAsync(SessionLabels.ForWorkspace(identity.Workspace), CancellationToken.None)).ShouldBeEmpty();
        (await _engine.Runtime.InspectContainerAsync(identity.ContainerName, CancellationToken.None)).ShouldBeNull();
        (await _engine.Runtime.InspectContainerAsync(identity.FilesContainerName, CancellationToken.None)).ShouldBeNull();
        (await _engine.Runtime.InspectVolumeAsync(identity.PolicyVolumeName, CancellationToken.None)).ShouldBeNull("the session's policy volume goes with the failed start");
        (await _engine.Runtime.InspectVolumeAsync(volume, CancellationToken.None)).ShouldNotBeNull("the data volume existed before the start");
        var events = scc.AuditEvents();
        var session = events.Last(e => e["type"]!.GetValue<string>() == "launch.preflight.passed")["data"]!["session"]!.GetValue<string>();
        var failed = events.Single(e => e["type"]!.GetValue<string>() == "launch.failed" && e["data"]!["session"]!.GetValue<string>() == session);
        failed["data"]!["reason"]!.GetValue<string>().ShouldContain("settings.json");
        events.ShouldNotContain(e => e["type"]!.GetValue<string>() == "launch.started");
    }

    /// <summary>
    /// A start that crashed after making its files container, policy volume and network (names fixed by the
    /// identity): the next start finds them, removes them and starts; the policy volume is the new session's (its
    /// label and its policy), and stopping the session leaves none of them.
    /// </summary>
    [SkippableFact]
    public async Task Start_CrashedStartLeftFilesContainerPolicyVolumeAndNetwork_ReplacedAndGoneAfterStop()
    {
        var (ws, identity, _) = await ArrangeAsync("ws-leftovers");
        await using var scc = NewScc();
        var old = identity.Labels("claude-crashed", SessionLabels.PolicyRole);
        await _engine.Runtime.EnsureVolumeAsync(identity.PolicyVolumeName, old, CancellationToken.None);
        await _engine.Runtime.CreateContainerAsync(new ContainerSpec(ImageProvisioner.BaseImage, identity.FilesContainerName)
        {
            Labels = identity.Labels("claude-crashed", "files"),
            Mounts = [MountSpec.Volume(identity.PolicyVolumeName, "/scc-policy")],
            Networks = [ContainerSpec.NoNetwork],
            Command = ["true"],
            Entrypoint = [],
        }, CancellationToken.None);
        await _engine.Runtime.CreateNetworkAsync(new NetworkSpec(identity.NetworkName) { Internal = true, Labels = identity.Labels("claude-crashed", "network") }, CancellationToken.None);
        try
        {
            var exit = await scc.RunAsync("start", ws, "--provider", Provider, "--detach", "--json");

            exit.ShouldBe(0, scc.Err);
            var session = System.Text.Json.Nodes.JsonNode.Parse(scc.Out)!["data"]!["session"]!.GetValue<string>();
            (await _engine.Runtime.InspectVolumeAsync(identity.PolicyVolumeName, CancellationToken.None))!.Labels[SessionLabels.Session].ShouldBe(session);
            (await _engine.Runtime.InspectNetworkAsync(identity.NetworkName, CancellationToken.None)).ShouldBeNull("an open start has no session network");
            var policy = await _engine.Runtime.ExecAsync(identity.ContainerName, new ExecRequest(["cat", "/etc/scc/safety-policy.json"]), CancellationToken.None);
            policy.ExitCode.ShouldBe(0, policy.StandardError);
            System.Text.Json.Nodes.JsonNode.Parse(policy.StandardOutput)!["rules"]!.AsObject().Count.ShouldBeGreaterThan(0, policy.StandardOutput);

            (await scc.RunAsync("stop", session)).ShouldBe(0, scc.Err);
            (await _engine.Runtime.InspectContainerAsync(identity.FilesContainerName, CancellationToken.None)).ShouldBeNull();
            (await _engine.Runtime.InspectVolumeAsync(identity.PolicyVolumeName, CancellationToken.None)).ShouldBeNull();
            (await _engine.Runtime.ListContainersAsync(SessionLabels.ForWorkspace(identity.Workspace), CancellationToken.None)).ShouldBeEmpty();
        }
        finally
        {
            await _engine.Runtime.RemoveContainerAsync(identity.ContainerName, CancellationToken.None);
            await _engine.Runtime.RemoveContainerAsync(identity.FilesContainerName, CancellationToken.None);
            await _engine.Runtime.RemoveNetworkAsync(identity.NetworkName, CancellationToken.None);
            await _engine.Runtime.RemoveVolumeAsync(identity.PolicyVolumeName, CancellationToken.None);
        }
    }

    /// <summary>
    /// Two starts of one workspace race: the second passed its engine lookups before the first made anything, so it
    /// goes on and runs into the first's objects of the same names. It fails with a clear error and removes only
    /// what is its own: the first session keeps running with its container, its policy volume and its policy.
    /// </summary>
    [SkippableFact]
    public async Task Start_RacedByAnotherStartOfTheWorkspace_FailsAndLeavesTheOtherSessionAlone()
    {
        var (ws, identity, _) = await ArrangeAsync("ws-race");
        await using var first = NewScc();
        (await first.RunAsync("start", ws, "--provider", Provider, "--detach", "--json")).ShouldBe(0, first.Err);
        var session = System.Text.Json.Nodes.JsonNode.Parse(first.Out)!["data"]!["session"]!.GetValue<string>();
        try
        {
            var before = await _engine.Runtime.ExecAsync(identity.ContainerName, new ExecRequest(["cat", "/etc/scc/safety-policy.json"]), CancellationToken.None);
            await using var second = NewScc();

            // The lookups (before anything is created) see nothing of the first session; what comes after them (the
            // files container's check that the policy volume is its own) sees the engine as it is.
            var lookups = true;
            second.Runtime.Before = c =>
            {
                if (c.Member == nameof(IContainerRuntime.CreateContainerAsync))
                {
                    lookups = false;
                }

                return Task.CompletedTask;
            };
            second.Runtime.Hide = _ => lookups;

            var exit = await second.RunAsync("start", ws, "--provider", Provider, "--detach");

            exit.ShouldBe(4, second.Err);
            var err = second.Err.ReplaceLineEndings(" ");
            // Whichever the engine refuses first: the agent's container name, or the policy volume of the other start.
            (err.Contains($"A container named {identity.ContainerName} already exists", StringComparison.Ordinal)
                || err.Contains($"(session {session})", StringComparison.Ordinal)).ShouldBeTrue(err);
            var agent = await _engine.Runtime.InspectContainerAsync(identity.ContainerName, CancellationToken.None);
            agent.ShouldNotBeNull("the first session's container must survive the second start's failure");
            agent.Running.ShouldBeTrue();
            agent.Label(SessionLabels.Session).ShouldBe(session);
            (await _engine.Runtime.InspectVolumeAsync(identity.PolicyVolumeName, CancellationToken.None))!.Labels[SessionLabels.Session].ShouldBe(session);
            var after = await _engine.Runtime.ExecAsync(identity.ContainerName, new ExecRequest(["cat", "/etc/scc/safety-policy.json"]), CancellationToken.None);
            after.ExitCode.ShouldBe(0, after.StandardError);
            after.StandardOutput.ShouldBe(before.StandardOutput);
            (await _engine.Runtime.InspectContainerAsync(identity.FilesContainerName, CancellationToken.None)).ShouldBeNull();
            second.Runtime.Calls.ShouldNotContain(
                c => c.Member == nameof(IContainerRuntime.WriteFilesAsync) && c.Subject == identity.FilesContainerName,
                "the second start's files container must not write into the first session's volumes");
        }
        finally
        {
            (await first.RunAsync("stop", session)).ShouldBe(0, first.Err);
        }

        (await _engine.Runtime.ListContainersAsync(SessionLabels.ForWorkspace(identity.Workspace), CancellationToken.None)).ShouldBeEmpty();
        (await _engine.Runtime.InspectVolumeAsync(identity.PolicyVolumeName, CancellationToken.None)).ShouldBeNull();
    }

    /// <summary>
    /// scc run as an unprivileged user (nobody, no groups) against the real socket (root:docker 0660): exit 5 and the
    /// message names the fix (the docker group, DOCKER_HOST, scc doctor), for `scc start` and `scc doctor`.
    /// </summary>
    [SkippableFact]
    public async Task StartAndDoctor_AsUserOutsideDockerGroup_Exit5NamingTheFix()
    {
        _engine.RequireEngine();
        Skip.IfNot(OperatingSystem.IsLinux(), "the test runs scc as another Linux user");
        Skip.If(Environment.UserName != "root", "changing to another uid (setpriv) needs root");
        Skip.If(!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOCKER_HOST")), "DOCKER_HOST is set: the test needs the default socket");
        Skip.If(!File.Exists(Socket) || (OperatingSystem.IsLinux() && (File.GetUnixFileMode(Socket) & (UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0), $"{Socket} is missing or open to everyone, so no user is refused");
        var ws = _env.Dir("ws-nobody");
        var chown = await SccProcess.ShellAsync($"chown -R {Nobody}:{Nobody} '{_env.Root}' && chmod 755 '{_env.Root}'");
        chown.ExitCode.ShouldBe(0, chown.ToString());

        foreach (var args in new[] { new[] { "start", ws, "--provider", Provider, "--detach" }, ["doctor", "--json"] })
        {
            var psi = SccProcess.StartInfo(_env, null, args);
            psi.ArgumentList.Insert(0, "dotnet");
            psi.ArgumentList.Insert(0, "--clear-groups");
            psi.ArgumentList.Insert(0, $"--regid={Nobody}");
            psi.ArgumentList.Insert(0, $"--reuid={Nobody}");
            psi.FileName = "setpriv";
            psi.WorkingDirectory = ws;

            var r = await SccProcess.RunAsync(psi, TimeSpan.FromMinutes(2));

            r.ExitCode.ShouldBe(5, $"{string.Join(' ', args)}: {r}");
            var text = (r.Err + r.Out).ReplaceLineEndings(" ").Replace("\\u0060", "`", StringComparison.Ordinal);
            text.ShouldContain("Permission denied opening the container engine socket");
            text.ShouldContain("docker` group");
            text.ShouldContain("DOCKER_HOST");
        }

        (await _engine.Runtime.ListContainersAsync(SessionLabels.ForWorkspace(WorkspacePaths.Canonicalize(ws, ws)), CancellationToken.None)).ShouldBeEmpty();
    }
}
