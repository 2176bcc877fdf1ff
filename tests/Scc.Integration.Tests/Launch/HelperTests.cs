using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Scc.Cli.Helper;
using Scc.Core.Runtime;
using Scc.Integration.Tests.Runtime;
using Scc.Testing;

namespace Scc.Integration.Tests.Launch;

/// <summary>
/// The resident helper on the real engine: a detached start it serves does what the start's own process would (the
/// client's environment and working directory, the same output and exit code, the same audit records), Ctrl-C reaches
/// it, a folder other users could reach is refused, and a start without a helper starts one without holding the
/// caller's output open.
/// </summary>
[Collection("sandbox")]
public sealed class HelperTests : IAsyncLifetime, IDisposable
{
    private readonly DockerTestEngine _engine = new();
    private readonly TestEnvironment _env = new();
    private readonly List<Process> _helpers = [];

    public Task InitializeAsync()
    {
        SccProcess.WriteUserConfig(Path.Combine(_env.Root, "config"));
        return _engine.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await SccProcess.RunAsync(_env, "helper", "stop");
        foreach (var helper in _helpers)
        {
            if (!helper.HasExited)
            {
                helper.Kill(entireProcessTree: true);
            }

            helper.Dispose();
        }

        await _engine.DisposeAsync();
    }

    public void Dispose() => _env.Dispose();

    private string Socket => HelperSocket.PathFor(_env.Environment) ?? throw new InvalidOperationException("no helper socket path here");

    [SkippableFact]
    public async Task Helper_ServesADetachedStart_WithTheClientsEnvironmentOutputAndAudit()
    {
        _engine.RequireEngine();
        await StartHelperAsync();
        var ws = Workspace("served");
        var container = SessionIdentity.For("claude", ws).ContainerName;
        var (stdout, stderr) = (new MemoryStream(), new MemoryStream());
        try
        {
            // The client's working directory is the workspace; its config folder is not the helper's.
            var config = _env.Dir("client-config");
            SccProcess.WriteUserConfig(config);
            var code = await HelperClient.TryRunAsync(
                Socket, ["start", "--provider", "claude", "--detach"], ws, ClientEnvironment(("XDG_CONFIG_HOME", config)), stdout, stderr, CancellationToken.None);

            code.ShouldBe(0, Text(stdout, stderr));
            Text(stdout).ShouldContain($"in {container}");
            (await _engine.Runtime.InspectContainerAsync(container, CancellationToken.None))!.Running.ShouldBeTrue();
            File.ReadAllText(Path.Combine(config, "scc", "config.json")).ShouldContain(ws); // the workspace remembers its provider there
            File.Exists(Path.Combine(_env.Root, "config", "scc", "config.json")).ShouldBeTrue();
            File.ReadAllText(Path.Combine(_env.Root, "config", "scc", "config.json")).ShouldNotContain(ws);
            var audit = JsonNode.Parse((await SccProcess.RunAsync(_env, "audit", "tail", "--json")).Out)!["data"]!.AsArray()
                .Select(e => e!["type"]!.GetValue<string>()).ToList();
            audit.ShouldContain("launch.preflight.passed");
            audit.ShouldContain("launch.started");
        }
        finally
        {
            await SccProcess.RunAsync(_env, "stop", container);
        }

        (await _engine.Runtime.InspectContainerAsync(container, CancellationToken.None)).ShouldBeNull();
    }

    [SkippableFact]
    public async Task Helper_ClientCancels_CommandCancelledAndNothingLeft()
    {
        _engine.RequireEngine();
        await StartHelperAsync();
        var ws = Workspace("cancelled");
        var identity = SessionIdentity.For("claude", ws);
        var (stdout, stderr) = (new MemoryStream(), new MemoryStream());

        var code = await HelperClient.TryRunAsync(
            Socket, ["start", ws, "--provider", "claude", "--detach"], ws, ClientEnvironment(), stdout, stderr, new CancellationToken(canceled: true));

        code.ShouldBe(130, Text(stdout, stderr));
        Text(stderr).ShouldContain("Cancelled.");
        (await _engine.Runtime.InspectContainerAsync(identity.ContainerName, CancellationToken.None)).ShouldBeNull();
        (await _engine.Runtime.InspectContainerAsync(identity.FilesContainerName, CancellationToken.None)).ShouldBeNull();
        (await _engine.Runtime.InspectVolumeAsync(identity.PolicyVolumeName, CancellationToken.None)).ShouldBeNull();
    }

    [SkippableFact]
    public async Task Helper_Busy_OrAskedForAnythingButADetachedStart_ClientRunsItItself()
    {
        _engine.RequireEngine();
        await StartHelperAsync();
        var (first, second) = (Workspace("busy-first"), Workspace("busy-second"));
        var (stdout, stderr) = (new MemoryStream(), new MemoryStream());
        try
        {
            // Not what a client sends: refused whatever the helper is doing.
            (await HelperClient.TryRunAsync(Socket, ["doctor"], _env.Root, ClientEnvironment(), stdout, stderr, CancellationToken.None)).ShouldBeNull();

            // One invocation at a time: while the first start runs in the helper, a second is sent back.
            var running = HelperClient.TryRunAsync(Socket, ["start", first, "--provider", "claude", "--detach"], first, ClientEnvironment(), stdout, stderr, CancellationToken.None);
            int? refusedOrRan = 0;
            while (!running.IsCompleted && refusedOrRan is not null)
            {
                refusedOrRan = await HelperClient.TryRunAsync(Socket, ["start", second, "--provider", "claude", "--detach"], second, ClientEnvironment(), Stream.Null, Stream.Null, CancellationToken.None);
                refusedOrRan.ShouldNotBe(0, "the second start ran while the first was running");
            }

            (await running).ShouldBe(0, Text(stdout, stderr));
            refusedOrRan.ShouldBeNull("the first start ended before a second could be refused");
        }
        finally
        {
            await SccProcess.RunAsync(_env, "stop", SessionIdentity.For("claude", first).ContainerName);
            await SccProcess.RunAsync(_env, "stop", SessionIdentity.For("claude", second).ContainerName);
        }
    }

    [SkippableFact]
    public async Task Helper_FolderOtherUsersCanReach_RefusedByBothSides()
    {
        _engine.RequireEngine();
        var folder = Path.GetDirectoryName(Socket)!;
        Directory.CreateDirectory(folder);
        if (OperatingSystem.IsLinux())
        {
            File.SetUnixFileMode(folder, (UnixFileMode)0b111_101_101); // 0755
        }

        var serve = await SccProcess.RunAsync(_env, null, TimeSpan.FromMinutes(1), "helper", "serve");

        serve.ExitCode.ShouldBe(3, serve.ToString());
        serve.Err.ShouldContain("must be 700");
        File.Exists(Socket).ShouldBeFalse();
        (await HelperClient.TryRunAsync(Socket, ["start", "--detach"], _env.Root, ClientEnvironment(), Stream.Null, Stream.Null, CancellationToken.None)).ShouldBeNull();
    }

    [SkippableFact]
    public async Task DetachedStart_WithoutAHelper_StartsOneForTheNext_WhichServesIt()
    {
        _engine.RequireEngine();
        var ws = Workspace("auto");
        var container = SessionIdentity.For("claude", ws).ContainerName;
        var on = new Dictionary<string, string> { ["SCC_HELPER"] = "1", ["SCC_DEBUG"] = "1" };
        try
        {
            // Its own process runs it (RunAsync reads its output to the end: a helper holding it open would hang here).
            var first = await SccProcess.RunAsync(_env, on, TimeSpan.FromMinutes(5), "start", ws, "--provider", "claude", "--detach");
            first.ExitCode.ShouldBe(0, first.ToString());
            first.Err.ShouldNotContain("ran in the scc helper");
            (await SccProcess.RunAsync(_env, "stop", container)).ExitCode.ShouldBe(0);
            await WaitForHelperAsync();

            var second = await SccProcess.RunAsync(_env, on, TimeSpan.FromMinutes(5), "start", ws, "--provider", "claude", "--detach");

            second.ExitCode.ShouldBe(0, second.ToString());
            second.Err.ShouldContain("ran in the scc helper");
            second.Out.ShouldContain($"in {container}");
            (await _engine.Runtime.InspectContainerAsync(container, CancellationToken.None))!.Running.ShouldBeTrue();
        }
        finally
        {
            await SccProcess.RunAsync(_env, "stop", container);
        }

        var stop = await SccProcess.RunAsync(_env, "helper", "stop");
        stop.Out.ShouldContain("Stopped the helper");
        File.Exists(Socket).ShouldBeFalse();
        (await SccProcess.RunAsync(_env, "helper", "status")).Out.ShouldContain("not running");
    }

    private async Task StartHelperAsync()
    {
        var psi = SccProcess.StartInfo(_env, null, "helper", "serve", "--idle-seconds", "300");
        var helper = Process.Start(psi)!;
        _helpers.Add(helper);
        helper.StandardInput.Close();
        await WaitForHelperAsync();
    }

    private async Task WaitForHelperAsync()
    {
        var until = DateTime.UtcNow.AddSeconds(60);
        while (!(File.Exists(Socket) && await HelperServer.AnswersAsync(Socket)))
        {
            DateTime.UtcNow.ShouldBeLessThan(until, "no helper answered on " + Socket);
            await Task.Delay(100);
        }
    }

    /// <summary>A git workspace owned by the image's uid (the agent runs as 1000, no account to remap).</summary>
    private string Workspace(string name)
    {
        var ws = _env.Dir(name);
        Process.Start("git", ["-C", ws, "init", "-q"])!.WaitForExit();
        Process.Start("chown", ["-R", "1000:1000", ws])!.WaitForExit();
        return ws;
    }

    /// <summary>What a client process of this test environment sends: the process's variables with the scratch ones on top.</summary>
    private Dictionary<string, string> ClientEnvironment(params (string Name, string Value)[] overrides)
    {
        var environment = HelperClient.ProcessVariables();
        foreach (var (name, value) in _env.Variables)
        {
            if (value is not null)
            {
                environment[name] = value;
            }
        }

        foreach (var (name, value) in overrides)
        {
            environment[name] = value;
        }

        environment["NO_COLOR"] = "1";
        return environment;
    }

    private static string Text(MemoryStream stream) => Encoding.UTF8.GetString(stream.ToArray());

    private static string Text(MemoryStream stdout, MemoryStream stderr) => $"stdout: {Text(stdout)}\nstderr: {Text(stderr)}";
}
