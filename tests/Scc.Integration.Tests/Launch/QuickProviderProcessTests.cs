using System.Diagnostics;
using Scc.Core.Audit;
using Scc.Core.Launch;
using Scc.Core.Runtime;
using Scc.Integration.Tests.Runtime;
using Scc.Testing;

namespace Scc.Integration.Tests.Launch;

/// <summary>
/// Whole-process tests of `scc start` with the fixture provider "quick" (installed as a user plugin; its image and
/// data volume are the test's own): the attached start in a real pseudo-terminal (`script`), whose agent prints a
/// line, waits 5 s and exits 7 (the agent gets the terminal, scc is the parent of the attach (`docker exec -it`),
/// the agent's exit code is scc's, the session is removed afterwards); and SIGINT while the start builds the
/// provider's missing image from a context with a slow step.
/// </summary>
[Collection("sandbox")]
public sealed class QuickProviderProcessTests : IAsyncLifetime, IDisposable
{
    private readonly DockerTestEngine _engine = new();
    private readonly TestEnvironment _env = new();
    private readonly List<string> _images = [];
    private string? _volume;

    public Task InitializeAsync() => _engine.InitializeAsync();

    public async Task DisposeAsync()
    {
        if (_engine.Info is not null && _volume is not null)
        {
            await _engine.Runtime.RemoveVolumeAsync(_volume, CancellationToken.None);
        }

        // scc rebuilds a throw-away image that is stale for it with its own labels, without the test's.
        foreach (var image in _engine.Info is null ? [] : _images)
        {
            await _engine.Runtime.RemoveImageAsync(image, CancellationToken.None);
        }

        await _engine.DisposeAsync();
    }

    public void Dispose() => _env.Dispose();

    [SkippableFact]
    public async Task Start_AttachedInTerminal_AgentExitCodePassedThroughSessionRemoved()
    {
        _engine.RequireEngine();
        Skip.If(!File.Exists("/usr/bin/script"), "needs `script` (util-linux) for a pseudo-terminal");
        var (identity, process) = await StartAttachedInTerminalAsync("ws-attached");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();

        // While the agent runs: the attach (`docker exec`) is a child of scc, which is a child of the terminal.
        var attach = await FindAttachAsync(identity, process);
        var tree = attach is null ? null : (await SccProcess.ShellAsync($"ps -o args= -p {attach.Value.ParentPid}")).Out.Trim();

        using (var wait = new CancellationTokenSource(TimeSpan.FromMinutes(2)))
        {
            await process.WaitForExitAsync(wait.Token);
        }

        var output = $"{await stdout}\n{await stderr}";
        process.ExitCode.ShouldBe(7, output);
        output.ShouldContain("quick-agent-on-a-tty");
        output.ShouldContain("quick-agent-session=quick-");
        tree.ShouldNotBeNull($"no `docker exec` of {identity.ContainerName} was seen while the agent ran: {output}");
        tree.ShouldContain("scc.dll start");

        (await _engine.Runtime.InspectContainerAsync(identity.ContainerName, CancellationToken.None)).ShouldBeNull("the session is removed after the agent exits");
        (await _engine.Runtime.ListContainersAsync(SessionLabels.ForWorkspace(identity.Workspace), CancellationToken.None)).ShouldBeEmpty();
        var events = AuditEvents();
        var started = events.FindIndex(e => e.Type == "launch.started");
        var stopped = events.FindIndex(e => e.Type == "launch.stopped");
        started.ShouldBeGreaterThanOrEqualTo(0);
        stopped.ShouldBeGreaterThan(started);
        events[stopped].Data!["reason"]!.GetValue<string>().ShouldBe("the agent exited with code 7");
    }

    /// <summary>
    /// The terminal goes away (SIGHUP to its foreground process group: scc and the attach) while the agent runs: scc
    /// does not die on the spot leaving the sandbox running, it stops and removes the session and records it.
    /// </summary>
    [SkippableFact]
    public async Task Start_AttachedTerminalHangsUp_SessionStoppedAndRemoved()
    {
        _engine.RequireEngine();
        Skip.If(!File.Exists("/usr/bin/script"), "needs `script` (util-linux) for a pseudo-terminal");
        var (identity, process) = await StartAttachedInTerminalAsync("ws-hangup");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            var attach = await FindAttachAsync(identity, process);
            attach.ShouldNotBeNull($"no `docker exec` of {identity.ContainerName} was seen");
            var hangup = await SccProcess.ShellAsync($"kill -HUP -- -{attach.Value.Group}");
            hangup.ExitCode.ShouldBe(0, $"process group {attach.Value.Group} of {attach.Value.Pid}: {hangup}");
            using var wait = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            await process.WaitForExitAsync(wait.Token);

            // The terminal may go before scc does (a shell between them dies of the hang-up): what counts is that
            // nothing of the session outlives scc itself.
            while (Directory.Exists($"/proc/{attach.Value.ParentPid}"))
            {
                await Task.Delay(100, wait.Token);
            }
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        var output = $"{await stdout}\n{await stderr}";

        // Which of the two notices first decides the code: the attach ended by the hang-up (129) or scc cancelled (130).
        process.ExitCode.ShouldBeOneOf([129, 130], output);
        (await _engine.Runtime.InspectContainerAsync(identity.ContainerName, CancellationToken.None)).ShouldBeNull($"the session must not outlive its terminal: {output}");
        (await _engine.Runtime.ListContainersAsync(SessionLabels.ForWorkspace(identity.Workspace), CancellationToken.None)).ShouldBeEmpty();
        AuditEvents().ShouldContain(e => e.Type == "launch.stopped");
    }

    /// <summary>
    /// Ctrl-C during an image build, the whole process: the quick provider's image is missing, so `scc start` builds
    /// it from the plugin's context, whose second step sleeps; SIGINT arrives while that step runs. scc exits 130
    /// ("Cancelled."), the engine removes the step's container, the tag is never applied, no session is created and
    /// the cancelled preflight is audited.
    /// </summary>
    [SkippableFact]
    public async Task StartProcess_SigintDuringImageBuild_Exit130NoBuildContainerNoImage()
    {
        _engine.RequireEngine();
        LaunchCancellationTests.WriteUserConfig(_env);
        await SccProcess.EnsureBaseImageAsync(_env, _engine.Runtime);
        var image = $"scc-test-slow:{_engine.RunId}";
        var marker = $"scc-test-slow-step-{_engine.RunId}";
        _volume = _engine.Name("quick-data");
        var plugin = InstallQuickPlugin();
        File.WriteAllText(Path.Combine(plugin, "image", "Dockerfile"), $"ARG BASE\nFROM ${{BASE}}\nLABEL scc.test={_engine.RunId}\nRUN echo {marker} && sleep 300\n");
        var ws = _env.Dir("ws-build");
        var identity = SessionIdentity.For("quick", WorkspacePaths.Canonicalize(ws, ws));
        var psi = SccProcess.StartInfo(_env, new Dictionary<string, string> { ["SCC_TEST_QUICK_IMAGE"] = image, ["SCC_TEST_QUICK_VOLUME"] = _volume }, "start", ws, "--provider", "quick", "--detach");
        using var process = new Process { StartInfo = psi };
        var err = new System.Text.StringBuilder();
        var slowStep = new TaskCompletionSource();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (err)
            {
                err.AppendLine(e.Data);
            }

            // Plain step lines (no terminal): "Step 3/3 : RUN echo <marker> && sleep 300".
            if (e.Data?.Contains($"RUN echo {marker}", StringComparison.Ordinal) == true)
            {
                slowStep.TrySetResult();
            }
        };
        process.Start();
        process.StandardInput.Close();
        process.BeginErrorReadLine();
        var stdout = process.StandardOutput.ReadToEndAsync();
        try
        {
            await slowStep.Task.WaitAsync(TimeSpan.FromMinutes(5));
            await Task.Delay(TimeSpan.FromSeconds(1)); // the step's container runs now
            (await SccProcess.ShellAsync($"kill -INT {process.Id}")).ExitCode.ShouldBe(0, "scc ended before SIGINT: " + err);
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

        var text = $"{await stdout}\n{err}";
        process.ExitCode.ShouldBe(130, text);
        text.ShouldContain("Cancelled.");
        (await _engine.Runtime.InspectImageAsync(image, CancellationToken.None)).ShouldBeNull("no image gets the tag of a cancelled build");
        ProcessResult left = null!;
        for (var i = 0; i < 100; i++)
        {
            left = await SccProcess.ShellAsync($"docker ps -a --no-trunc --format '{{{{.ID}}}} {{{{.Command}}}}' | grep -F '{marker}' || true");
            if (left.Out.Trim().Length == 0)
            {
                break;
            }

            await Task.Delay(200);
        }

        left.Out.Trim().ShouldBeEmpty($"the build's container is still there: {left}");
        (await _engine.Runtime.InspectContainerAsync(identity.ContainerName, CancellationToken.None)).ShouldBeNull();
        var failed = AuditEvents().Where(e => e.Type == "launch.preflight.failed").ToList();
        failed.ShouldNotBeEmpty("a cancelled preflight is audited");
        AuditEvents().ShouldNotContain(e => e.Type == "launch.preflight.passed");
    }

    /// <summary>
    /// A stale agent image on `scc start`: the first start builds the missing image (labelled with its context hash);
    /// after the plugin's build context changes (an upgrade), `images list` calls it stale and the next start
    /// rebuilds it with the usual progress lines before it starts the session, and removes the image it replaced; a
    /// third start builds nothing.
    /// </summary>
    [SkippableFact]
    public async Task StartProcess_ProviderImageStale_RebuiltOnStartAndShownStale()
    {
        _engine.RequireEngine();
        LaunchCancellationTests.WriteUserConfig(_env);
        await SccProcess.EnsureBaseImageAsync(_env, _engine.Runtime);
        var image = $"scc-test-quick-stale:{_engine.RunId}";
        _volume = _engine.Name("quick-data");
        var plugin = InstallQuickPlugin();
        var dockerfile = Path.Combine(plugin, "image", "Dockerfile");
        File.WriteAllText(dockerfile, $"ARG BASE\nFROM ${{BASE}}\nLABEL scc.test={_engine.RunId}\nUSER root\nRUN echo v1 > /quick-version\nUSER agent\n");
        var ws = _env.Dir("ws-stale");
        var vars = new Dictionary<string, string> { ["SCC_TEST_QUICK_IMAGE"] = image, ["SCC_TEST_QUICK_VOLUME"] = _volume };
        var timeout = TimeSpan.FromMinutes(5);

        async Task<(ProcessResult Start, string Version)> StartAsync()
        {
            var start = await SccProcess.RunAsync(_env, vars, timeout, "start", ws, "--provider", "quick", "--detach", "--json");
            start.ExitCode.ShouldBe(0, start.ToString());
            var session = System.Text.Json.Nodes.JsonNode.Parse(start.Out)!["data"]!["session"]!.GetValue<string>();
            try
            {
                var version = await SccProcess.RunAsync(_env, vars, timeout, "exec", session, "--", "cat", "/quick-version");
                return (start, version.Out.Trim());
            }
            finally
            {
                (await SccProcess.RunAsync(_env, vars, timeout, "stop", session)).ExitCode.ShouldBe(0);
            }
        }

        var first = await StartAsync();
        Flat(first.Start.Err).ShouldContain($"Building the Quick test agent image {image} (not built yet)");
        first.Version.ShouldBe("v1");
        var v1 = (await _engine.Runtime.InspectImageAsync(image, CancellationToken.None))!;
        v1.Labels.ShouldContainKey(ImageFreshness.ContextHashLabel);

        File.WriteAllText(dockerfile, File.ReadAllText(dockerfile).Replace("v1", "v2", StringComparison.Ordinal));
        var list = await SccProcess.RunAsync(_env, vars, timeout, "images", "list", "--json");
        System.Text.Json.Nodes.JsonNode.Parse(list.Out)!["data"]!.AsArray()
            .ShouldContain(i => i!["image"]!.GetValue<string>() == image && i["state"]!.GetValue<string>() == "stale", list.ToString());

        var second = await StartAsync();
        Flat(second.Start.Err).ShouldContain($"Building the Quick test agent image {image} (stale, built from another build context than this scc ships");
        Flat(second.Start.Err).ShouldContain("Step ");
        second.Version.ShouldBe("v2");
        (await _engine.Runtime.InspectImageAsync(v1.Id, CancellationToken.None)).ShouldBeNull("the rebuild removes the image it replaced (no session uses it any more)");

        var third = await StartAsync();
        Flat(third.Start.Err).ShouldNotContain("Building");
        third.Version.ShouldBe("v2");
    }

    /// <summary>Messages wrapped at the console width, on one line again.</summary>
    private static string Flat(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ");

    private List<(string Type, System.Text.Json.Nodes.JsonNode? Data)> AuditEvents() =>
        [.. AuditReader.Tail(new AuditLog(_env.Paths).FilePath, 1000).Select(e => (Type: e["type"]!.GetValue<string>(), Data: e["data"]))];

    /// <summary>`scc start --provider quick` (attached) in a pseudo-terminal made by `script`, with a throw-away image.</summary>
    private async Task<(SessionIdentity Identity, Process Script)> StartAttachedInTerminalAsync(string workspace)
    {
        LaunchCancellationTests.WriteUserConfig(_env);
        await SccProcess.EnsureBaseImageAsync(_env, _engine.Runtime);
        var image = $"scc-test-quick:{_engine.RunId}";
        _images.Add(image);
        var context = _env.Dir("quick-image");
        File.WriteAllText(Path.Combine(context, "Dockerfile"), $"FROM {ImageProvisioner.BaseImage}\n");
        await _engine.Runtime.BuildImageAsync(new ImageBuildRequest(context, [image], Labels: _engine.Labels), null, CancellationToken.None);
        _volume = _engine.Name("quick-data");
        InstallQuickPlugin();
        var ws = _env.Dir(workspace);
        var identity = SessionIdentity.For("quick", WorkspacePaths.Canonicalize(ws, ws));

        // `exec`: scc itself leads the terminal's session, whichever shell `script` runs ($SHELL, or sh when unset,
        // which would stay in between and die of a hang-up first).
        var command = $"exec dotnet '{SccProcess.Dll}' start '{ws}' --provider quick";
        var psi = SccProcess.StartInfo(_env, new Dictionary<string, string> { ["SCC_TEST_QUICK_IMAGE"] = image, ["SCC_TEST_QUICK_VOLUME"] = _volume }, []);
        psi.FileName = "script";
        psi.ArgumentList.Clear();
        foreach (var a in new[] { "-q", "-f", "-e", "-c", command, "/dev/null" })
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["TERM"] = "xterm";
        var process = Process.Start(psi)!;
        process.StandardInput.Close();
        return (identity, process);
    }

    /// <summary>The `docker exec` of the session while the agent runs (pid and parent pid), or null when none showed.</summary>
    private static async Task<(string Pid, string ParentPid, string Group)?> FindAttachAsync(SessionIdentity identity, Process script)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!script.HasExited && DateTime.UtcNow < deadline)
        {
            var ps = await SccProcess.ShellAsync($"ps -eo pid=,ppid=,pgid=,args= | awk '/docker exec/ && /{identity.ContainerName}/ && !/awk/'");
            if (ps.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() is { } line)
            {
                var fields = line.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return (fields[0], fields[1], fields[2]);
            }

            await Task.Delay(100);
        }

        return null;
    }

    /// <summary>The fixture provider as a user plugin of the scratch environment; returns its folder.</summary>
    private string InstallQuickPlugin()
    {
        var folder = Path.Combine(_env.Paths.UserPluginDir, "quick");
        FileTree.Copy(Path.Combine(AppContext.BaseDirectory, "fixtures", "quick"), folder);
        return folder;
    }
}
