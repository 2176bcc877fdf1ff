using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Scc.Abstractions;
using Scc.Core.Paths;
using Scc.Core.Runtime;
using Scc.Runtime.Docker;

namespace Scc.Bench;

/// <summary>
/// The runtime's share of a warm start: a hardened sandbox made through the adapter (create, prepare the account and
/// home through the archive API, start) against `docker run -d` of the same image with the same mounts (the Ratio
/// column; the target for the whole `scc start --detach` is 1.5), and an exec through the adapter against
/// `docker exec`. Needs a Docker engine and the local debian:bookworm-slim; everything is labelled io.scc.bench=&lt;run&gt;
/// and removed after each iteration and in GlobalCleanup. No network traffic (network none).
/// Run: dotnet run -c Release --project bench/Scc.Bench -- --filter '*RuntimeStart*' '*RuntimeExec*'
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 10, invocationCount: 1)]
public class RuntimeStartBenchmarks
{
    private const string Image = "debian:bookworm-slim";
    private const string Label = "io.scc.bench";
    private readonly string _run = "rt-" + Guid.NewGuid().ToString("N")[..8];
    private DockerClientProvider _clients = null!;
    private DockerContainerRuntime _runtime = null!;
    private string _workspace = null!;
    private string _volume = null!;
    private string? _current;
    private int _count;

    [GlobalSetup]
    public void Setup()
    {
        _clients = new DockerClientProvider(ProcessEnvironment.Instance);
        _runtime = new DockerContainerRuntime(_clients);
        _workspace = Directory.CreateTempSubdirectory("scc-bench-ws-").FullName;
        _volume = _runtime.EnsureVolumeAsync($"scc-bench-{_run}", new Dictionary<string, string> { [Label] = _run }, CancellationToken.None).GetAwaiter().GetResult();

        // Warm the client (version negotiation happens once per process, like in scc).
        _runtime.GetInfoAsync(CancellationToken.None).GetAwaiter().GetResult();
    }

    [IterationCleanup]
    public void RemoveCurrent()
    {
        if (_current is not null)
        {
            _runtime.RemoveContainerAsync(_current, CancellationToken.None).GetAwaiter().GetResult();
            _current = null;
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        RemoveCurrent();
        _runtime.RemoveVolumeAsync(_volume, CancellationToken.None).GetAwaiter().GetResult();
        Directory.Delete(_workspace, recursive: true);
        _clients.Dispose();
    }

    [Benchmark(Baseline = true)]
    public void DockerRunDetached()
    {
        var name = $"scc-bench-{_run}-{_count++}";
        var result = Docker(
            "run", "-d", "--name", name, "--label", $"{Label}={_run}", "--network", "none", "--init",
            "--mount", $"type=bind,source={_workspace},target={_workspace}",
            "--mount", $"type=volume,source={_volume},target=/home/agent/.data",
            Image, "sleep", "infinity");
        _current = result.Trim();
    }

    [Benchmark]
    public async Task AdapterHardenedStart()
    {
        var identity = SessionIdentity.For("bench", _workspace);
        var provider = new ProviderRuntimeSpec("bench", "Bench", Image, ".data", ".data/s.json", SettingsScope.Home, _volume, "/home/agent/.data", [], "", ["bash"], ["bash"]);
        var plan = SandboxPlanBuilder.Build(new SandboxRequest(
            identity,
            identity.NewSessionId(DateTimeOffset.UtcNow),
            provider,
            new AgentLaunchSpec(["bash"], new Dictionary<string, string>(), "", []),
            new WorkspaceOwner(1000, 1000),
            SandboxNetwork.None));
        var spec = plan.Container with
        {
            Name = $"scc-bench-{_run}-{_count++}",
            Labels = new Dictionary<string, string> { [Label] = _run },
        };
        _current = await _runtime.CreateContainerAsync(spec, CancellationToken.None);
        await new SandboxPreparer(_runtime).PrepareAsync(_current, plan, provider.DataMountPath, CancellationToken.None);
        await _runtime.StartContainerAsync(_current, CancellationToken.None);
    }

    internal static string Docker(params string[] args) => Tool("docker", args);

    /// <summary>Runs a command line tool and returns its standard output; a failure throws with its standard error.</summary>
    internal static string Tool(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEnd();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? stdout : throw new InvalidOperationException($"{file} {string.Join(' ', args)}: {stderr}");
    }
}

/// <summary>An exec through the adapter (stdout, stderr and exit code collected) against `docker exec` of the same command.</summary>
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 10)]
public class RuntimeExecBenchmarks
{
    private const string Label = "io.scc.bench";
    private readonly string _run = "rx-" + Guid.NewGuid().ToString("N")[..8];
    private DockerClientProvider _clients = null!;
    private DockerContainerRuntime _runtime = null!;
    private string _container = null!;

    [GlobalSetup]
    public void Setup()
    {
        _clients = new DockerClientProvider(ProcessEnvironment.Instance);
        _runtime = new DockerContainerRuntime(_clients);
        _container = _runtime.CreateContainerAsync(
            new ContainerSpec("debian:bookworm-slim", $"scc-bench-{_run}")
            {
                Labels = new Dictionary<string, string> { [Label] = _run },
                Command = ["sleep", "infinity"],
                Networks = [ContainerSpec.NoNetwork],
                Init = true,
            },
            CancellationToken.None).GetAwaiter().GetResult();
        _runtime.StartContainerAsync(_container, CancellationToken.None).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _runtime.RemoveContainerAsync(_container, CancellationToken.None).GetAwaiter().GetResult();
        _clients.Dispose();
    }

    [Benchmark(Baseline = true)]
    public string DockerExec() => RuntimeStartBenchmarks.Docker("exec", _container, "sh", "-c", "echo out; echo err >&2");

    [Benchmark]
    public async Task<long> AdapterExec() =>
        (await _runtime.ExecAsync(_container, new ExecRequest(["sh", "-c", "echo out; echo err >&2"]), CancellationToken.None)).ExitCode;
}
