using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Microsoft.Extensions.DependencyInjection;
using Scc.Cli;
using Scc.Cli.Rendering;
using Scc.Core.Paths;
using Scc.Core.Runtime;
using Scc.Runtime.Docker;

namespace Scc.Bench;

/// <summary>
/// The whole <c>scc start --detach</c> run again and again in one process: the same <see cref="CliApp.RunAsync"/> the
/// published scc runs (command line, config, governance, plugin decision and load, plan, engine lookups, preflight
/// record, create, session files, start, the started record), with one engine connection kept between runs, against
/// `docker run -d` of the same image with the same mounts and hardening (bench/launch-common.sh; the Ratio column).
/// A warm-up iteration pays the process's first-use costs, so the measured ones show what a start costs a process that
/// is already running: the part of `bench/launch.sh`'s ratio that is scc's work, not the runtime's and the engine
/// client's first use in a new process (docs/benchmarks.md, "A start in a warm process").
/// Needs a Docker engine and the scc-agent-claude image (`scripts/scc images build`); no network traffic beyond the
/// engine's socket. Everything the runs make is removed after each iteration and in GlobalCleanup.
/// Run: dotnet run -c Release --project bench/Scc.Bench -- --filter '*WarmStart*'
/// </summary>
/// <remarks>
/// In the benchmark host's own process: BenchmarkDotNet's generated project builds with one output folder for every
/// project, where the two built-in plugins (build/BundlePlugins.targets) would land on top of each other.
/// </remarks>
[Config(typeof(InProcessConfig))]
public class WarmStartBenchmarks
{
    private sealed class InProcessConfig : ManualConfig
    {
        public InProcessConfig() => AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(2)
            .WithIterationCount(15)
            .WithInvocationCount(1)
            .WithUnrollFactor(1));
    }

    private const string Image = "scc-agent-claude";
    private readonly string _run = "ws-" + Guid.NewGuid().ToString("N")[..8];
    private string _root = null!;
    private string _workspace = null!;
    private string _pluginDir = null!;
    private BenchEnvironment _environment = null!;
    private DockerClientProvider _engine = null!;
    private string _container = null!;
    private string? _dockerRun;
    private int _count;

    [GlobalSetup]
    public void Setup()
    {
        if (string.IsNullOrWhiteSpace(RuntimeStartBenchmarks.Docker("images", "-q", Image)))
        {
            throw new InvalidOperationException($"{Image} is missing: build the images first (scripts/scc images build).");
        }

        _root = Directory.CreateTempSubdirectory("scc-bench-warm-").FullName;
        _workspace = Path.Combine(_root, "ws");
        Directory.CreateDirectory(_workspace);
        RuntimeStartBenchmarks.Tool("git", "-C", _workspace, "init", "-q");

        // Owned by the image's uid, as in bench/launch-common.sh: the agent runs as 1000, with no account to remap.
        RuntimeStartBenchmarks.Tool("chown", "-R", "1000:1000", _workspace);
        _environment = new BenchEnvironment(_root);
        _pluginDir = FindPluginDir();
        _engine = new DockerClientProvider(_environment);
        _container = SessionIdentity.For("claude", _workspace).ContainerName;
    }

    [IterationCleanup]
    public void RemoveCurrent()
    {
        if (_dockerRun is not null)
        {
            RuntimeStartBenchmarks.Docker("rm", "-f", _dockerRun);
            _dockerRun = null;
        }

        if (RuntimeStartBenchmarks.Docker("ps", "-aq", "--filter", $"name=^{_container}$").Length > 0
            && Scc(["stop", _container]).GetAwaiter().GetResult() is not 0 and var code)
        {
            throw new InvalidOperationException($"scc stop {_container} exited with {code}");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        RemoveCurrent();
        _engine.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [Benchmark(Baseline = true)]
    public void DockerRunDetached()
    {
        var name = $"scc-bench-{_run}-{_count++}";
        RuntimeStartBenchmarks.Docker(
            "run", "-d", "--name", name, "--init", "--user", "1000:1000", "--cap-drop", "ALL", "--security-opt", "no-new-privileges:true",
            "--pids-limit", "2048", "--memory", "4g", "-v", $"{_workspace}:{_workspace}", "-v", "docker-claude-sandbox-data:/home/agent/.claude",
            "-w", _workspace, Image, "sleep", "infinity");
        _dockerRun = name;
    }

    [Benchmark]
    public async Task SccStartDetachedWarm()
    {
        var code = await Scc(["start", _workspace, "--provider", "claude", "--detach"]);
        if (code != 0)
        {
            throw new InvalidOperationException($"scc start exited with {code}");
        }
    }

    private Task<int> Scc(string[] args)
    {
        var quiet = CliOutput.ForWriters(TextWriter.Null, Console.Error, plainErrors: true);

        // The engine connection outlives each run (an instance registration: the run's container does not dispose it).
        return CliApp.RunAsync(args, quiet, _environment, _pluginDir, services => services.AddSingleton(_engine));
    }

    /// <summary>The built-in plugins this project's build bundles (build/BundlePlugins.targets), above BenchmarkDotNet's own build folder.</summary>
    private static string FindPluginDir()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "plugins");
            if (Directory.Exists(Path.Combine(candidate, "claude")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"No built-in plugins above {AppContext.BaseDirectory}: build bench/Scc.Bench first.");
    }

    /// <summary>The process environment with scc's own folders (XDG config, state, data, cache) in a scratch folder.</summary>
    private sealed class BenchEnvironment(string root) : IEnvironment
    {
        public string? Get(string name) => name switch
        {
            "XDG_CONFIG_HOME" => Path.Combine(root, "config"),
            "XDG_STATE_HOME" => Path.Combine(root, "state"),
            "XDG_DATA_HOME" => Path.Combine(root, "data"),
            "XDG_CACHE_HOME" => Path.Combine(root, "cache"),
            _ => Environment.GetEnvironmentVariable(name),
        };
    }
}
