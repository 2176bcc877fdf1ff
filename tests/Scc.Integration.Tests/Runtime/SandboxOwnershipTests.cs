using System.Diagnostics;
using Scc.Abstractions;
using Scc.Core.Runtime;

namespace Scc.Integration.Tests.Runtime;

/// <summary>
/// Issue 5 items 7 and 8 on the real engine: whatever uid owns the workspace, the agent reads, writes and commits in
/// it, the host sees the files owned by that uid, and the container is hardened as planned.
/// </summary>
public sealed class SandboxOwnershipTests(DockerTestEngine engine) : IClassFixture<DockerTestEngine>, IDisposable
{
    /// <summary>A stand-in for scc-base: git and the <c>agent</c> user (uid 1000). Kept between runs to save the apt time.</summary>
    private const string GitImage = "scc-test-gitbox:1";

    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly SemaphoreSlim ImageGate = new(1, 1);
    private readonly string _workspace = Directory.CreateTempSubdirectory("scc-owner-ws-").FullName;

    public void Dispose() => Directory.Delete(_workspace, recursive: true);

    [SkippableTheory]
    [InlineData(1234, 1234, "agent")]
    [InlineData(1000, 1000, "agent")]
    [InlineData(0, 0, "root")]
    public async Task Agent_WorkspaceOwnedByUid_ReadsWritesCommitsAndHostSeesTheOwner(int uid, int gid, string userName)
    {
        engine.RequireEngine();
        Skip.If(Environment.UserName != "root" && uid != ProcessUid(), "handing a folder to another uid needs root (chown)");
        await EnsureGitImageAsync();
        File.WriteAllText(Path.Combine(_workspace, "README.md"), "hello\n");
        Run("chown", "-R", $"{uid}:{gid}", _workspace);
        var canonical = WorkspacePaths.Require(_workspace, "/", "/nonexistent-home", allowSuspicious: false);
        var (container, plan) = await StartSandboxAsync(canonical, new WorkspaceOwner(uid, gid));

        var script = """
            set -e
            id -un; echo "$HOME"
            cat README.md
            echo "agent was here" > agent.txt
            mkdir -p src && echo 'x' > src/x.txt
            git init -q -b main .
            git config user.email agent@example.invalid && git config user.name Agent
            git add -A && git commit -q -m "agent commit"
            git log --format=%s
            touch "$HOME/.scc-home-writable" && echo '{}' > "$HOME/.data/auth.json"
            """;
        var result = await engine.Runtime.ExecAsync(container, plan.AgentExec with { Argv = ["bash", "-c", script] }, None);

        result.StandardError.ShouldNotContain("dubious ownership");
        result.ExitCode.ShouldBe(0, result.StandardError);
        result.StandardOutput.ShouldBe($"{userName}\n/home/agent\nhello\nagent commit\n");

        // The host sees what the agent made as the workspace owner's.
        foreach (var made in new[] { "agent.txt", "src", "src/x.txt", ".git", ".git/HEAD" })
        {
            new StatWorkspaceOwnerReader().Read(Path.Combine(_workspace, made)).ShouldBe(new WorkspaceOwner(uid, gid), made);
        }

        File.ReadAllText(Path.Combine(_workspace, "agent.txt")).ShouldBe("agent was here\n");
    }

    [SkippableFact]
    public async Task Sandbox_Running_IsHardenedAsPlanned()
    {
        engine.RequireEngine();
        await EnsureGitImageAsync();
        var canonical = WorkspacePaths.Require(_workspace, "/", "/nonexistent-home", allowSuspicious: false);
        var (container, plan) = await StartSandboxAsync(canonical, new WorkspaceOwner(1234, 1234), new SandboxLimits { PidsLimit = 64, MemoryBytes = 256L * 1024 * 1024 });

        var status = await engine.Runtime.ExecAsync(container, plan.AgentExec with { Argv = ["cat", "/proc/self/status"] }, None);
        status.StandardOutput.ShouldContain("NoNewPrivs:\t1");
        status.StandardOutput.ShouldContain("CapEff:\t0000000000000000");
        status.StandardOutput.ShouldContain("CapBnd:\t0000000000000000");
        status.StandardOutput.ShouldContain("Uid:\t1234\t1234\t1234\t1234");

        var limits = await engine.Runtime.ExecAsync(
            container,
            plan.AgentExec with { Argv = ["sh", "-c", "cat /sys/fs/cgroup/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids/pids.max; cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes"] },
            None);
        limits.StandardOutput.ShouldBe($"64\n{256L * 1024 * 1024}\n");

        // Nothing of the host but the workspace: no engine socket, and a setuid binary gains nothing.
        var escape = await engine.Runtime.ExecAsync(
            container,
            plan.AgentExec with { Argv = ["sh", "-c", "test -e /var/run/docker.sock && echo socket; su -c id root </dev/null 2>/dev/null && echo root; mount | grep -c ' /home/dev\\| /root ' || true"] },
            None);
        escape.StandardOutput.ShouldBe("0\n");
    }

    [SkippableFact]
    public async Task Sandbox_Enforced_ResolvesTheProxyButNoOtherName()
    {
        engine.RequireEngine();
        await EnsureGitImageAsync();
        var network = await engine.Runtime.CreateNetworkAsync(new NetworkSpec(engine.Name("enf")) { Internal = true, Labels = engine.Labels }, None);
        await engine.StartIdleContainerAsync(s => s with { Networks = [network.Name], NetworkAliases = ["scc-proxy"] });
        var canonical = WorkspacePaths.Require(_workspace, "/", "/nonexistent-home", allowSuspicious: false);
        var (container, plan) = await StartSandboxAsync(
            canonical, new WorkspaceOwner(1000, 1000), network: SandboxNetwork.Enforced(network.Name, "http://scc-proxy:3128"));

        // Only loopback and the session network see these lookups: the engine forwards unknown names to 127.0.0.1.
        var lookups = await engine.Runtime.ExecAsync(
            container,
            plan.AgentExec with { Argv = ["sh", "-c", "getent hosts scc-proxy >/dev/null && echo proxy; getent hosts exfil.example.invalid || echo no-external; echo \"$HTTPS_PROXY\""] },
            None);

        lookups.StandardOutput.ShouldBe("proxy\nno-external\nhttp://scc-proxy:3128\n");
    }

    private async Task<(string Container, SandboxContainerPlan Plan)> StartSandboxAsync(
        string workspace, WorkspaceOwner owner, SandboxLimits? limits = null, SandboxNetwork? network = null)
    {
        var identity = SessionIdentity.For("test", workspace);
        var volume = await engine.Runtime.EnsureVolumeAsync(engine.Name("data"), engine.Labels, None);
        var provider = new ProviderRuntimeSpec(
            "test", "Test", GitImage, ".data", ".data/settings.json", SettingsScope.Home, volume, "/home/agent/.data", [], "", ["bash"], ["bash", "--version"]);
        var request = new SandboxRequest(
            identity,
            identity.NewSessionId(DateTimeOffset.UtcNow),
            provider,
            new AgentLaunchSpec(["bash"], new Dictionary<string, string>(), "", []),
            owner,
            network ?? SandboxNetwork.None)
        {
            Limits = limits ?? SandboxLimits.Default,
        };
        var plan = SandboxPlanBuilder.Build(request);

        // Test objects carry the test label instead of scc.managed, so a concurrent `scc prune` test leaves them alone.
        var labels = plan.Container.Labels.Where(l => l.Key != SessionLabels.Managed).ToDictionary(l => l.Key, l => l.Value);
        foreach (var (key, value) in engine.Labels)
        {
            labels[key] = value;
        }

        // The volumes the creation makes (the session's policy volume) carry it too, so the engine fixture removes them.
        var mounts = plan.Container.Mounts.Select(m => m.Kind == MountKind.Volume ? m with { VolumeLabels = engine.Labels } : m).ToList();
        var spec = plan.Container with { Name = engine.Name("sandbox"), Labels = labels, Mounts = mounts };
        var id = await engine.Runtime.CreateContainerAsync(spec, None);
        await new SandboxPreparer(engine.Runtime).PrepareAsync(id, plan, provider.DataMountPath, None);
        await engine.Runtime.StartContainerAsync(id, None);
        return (id, plan);
    }

    private async Task EnsureGitImageAsync()
    {
        await ImageGate.WaitAsync();
        try
        {
            if (await engine.Runtime.ImageExistsAsync(GitImage, None))
            {
                return;
            }

            var context = Directory.CreateTempSubdirectory("scc-gitbox-").FullName;
            try
            {
                File.WriteAllText(Path.Combine(context, "Dockerfile"), $"""
                    FROM {DockerTestEngine.BaseImage}
                    RUN apt-get update && apt-get install -y --no-install-recommends git && rm -rf /var/lib/apt/lists/*
                    RUN groupadd --gid 1000 agent && useradd --uid 1000 --gid 1000 --create-home --home-dir /home/agent --shell /bin/bash agent
                    USER agent
                    """);
                await engine.Runtime.BuildImageAsync(
                    new ImageBuildRequest(context, [GitImage], Labels: new Dictionary<string, string> { [DockerTestEngine.TestLabel] = "shared" }),
                    null,
                    None);
            }
            finally
            {
                Directory.Delete(context, recursive: true);
            }
        }
        finally
        {
            ImageGate.Release();
        }
    }

    private static int ProcessUid() =>
        int.Parse(
            File.ReadAllLines("/proc/self/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal)).Split('\t', StringSplitOptions.RemoveEmptyEntries)[2],
            System.Globalization.CultureInfo.InvariantCulture);

    private static void Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        process.ExitCode.ShouldBe(0, error);
    }
}
