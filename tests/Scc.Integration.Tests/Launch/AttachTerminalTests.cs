using System.Diagnostics;
using Scc.Core.Audit;
using Scc.Core.Launch;
using Scc.Core.Runtime;
using Scc.Integration.Tests.Runtime;
using Scc.Testing;

namespace Scc.Integration.Tests.Launch;

/// <summary>
/// The attached start (not --detach) in a real pseudo-terminal (`script`), with the fixture provider "quick" whose
/// agent prints a line, waits 3 s and exits 7: the agent gets the terminal, scc is the parent of the attach
/// (`docker exec -it`), the agent's exit code is scc's, and the session is stopped and removed afterwards.
/// </summary>
[Collection("sandbox")]
public sealed class AttachTerminalTests : IAsyncLifetime, IDisposable
{
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

    [SkippableFact]
    public async Task Start_AttachedInTerminal_AgentExitCodePassedThroughSessionRemoved()
    {
        _engine.RequireEngine();
        Skip.If(!File.Exists("/usr/bin/script"), "needs `script` (util-linux) for a pseudo-terminal");
        LaunchCancellationTests.WriteUserConfig(_env);
        if (!await _engine.Runtime.ImageExistsAsync(ImageProvisioner.BaseImage, CancellationToken.None))
        {
            var build = await SccProcess.RunAsync(_env, "images", "build", "--provider", "claude");
            build.ExitCode.ShouldBe(0, build.ToString());
        }

        var image = $"scc-test-quick:{_engine.RunId}";
        var context = _env.Dir("quick-image");
        File.WriteAllText(Path.Combine(context, "Dockerfile"), $"FROM {ImageProvisioner.BaseImage}\n");
        await _engine.Runtime.BuildImageAsync(new ImageBuildRequest(context, [image], Labels: _engine.Labels), null, CancellationToken.None);
        _volume = _engine.Name("quick-data");
        FileTree.Copy(Path.Combine(AppContext.BaseDirectory, "fixtures", "quick"), Path.Combine(_env.Paths.UserPluginDir, "quick"));
        var ws = _env.Dir("ws-attached");
        var identity = SessionIdentity.For("quick", WorkspacePaths.Canonicalize(ws, ws));

        var command = $"dotnet '{SccProcess.Dll}' start '{ws}' --provider quick";
        var psi = SccProcess.StartInfo(_env, new Dictionary<string, string> { ["SCC_TEST_QUICK_IMAGE"] = image, ["SCC_TEST_QUICK_VOLUME"] = _volume }, []);
        psi.FileName = "script";
        psi.ArgumentList.Clear();
        foreach (var a in new[] { "-q", "-f", "-e", "-c", command, "/dev/null" })
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["TERM"] = "xterm";
        using var process = Process.Start(psi)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();

        // While the agent runs: the attach (`docker exec`) is a child of scc, which is a child of the terminal.
        string? tree = null;
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (tree is null && !process.HasExited && DateTime.UtcNow < deadline)
        {
            var ps = await SccProcess.ShellAsync($"ps -eo pid=,ppid=,args= | awk '/docker exec/ && /{identity.ContainerName}/ && !/awk/'");
            var line = ps.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            if (line is not null)
            {
                var ppid = line.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
                tree = (await SccProcess.ShellAsync($"ps -o args= -p {ppid}")).Out.Trim();
            }
            else
            {
                await Task.Delay(100);
            }
        }

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
        var events = AuditReader.Tail(new AuditLog(_env.Paths).FilePath, 1000).Select(e => (Type: e["type"]!.GetValue<string>(), Data: e["data"])).ToList();
        var started = events.FindIndex(e => e.Type == "launch.started");
        var stopped = events.FindIndex(e => e.Type == "launch.stopped");
        started.ShouldBeGreaterThanOrEqualTo(0);
        stopped.ShouldBeGreaterThan(started);
        events[stopped].Data!["reason"]!.GetValue<string>().ShouldBe("the agent exited with code 7");
    }
}
