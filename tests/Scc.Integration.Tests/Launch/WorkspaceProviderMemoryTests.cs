using Scc.Core.Launch;
using Scc.Core.Paths;
using Scc.Core.Runtime;
using Scc.Integration.Tests.Runtime;
using Scc.Testing;

namespace Scc.Integration.Tests.Launch;

/// <summary>
/// A start remembers its provider for the workspace (bare `scc` runs it again) in the user config, and writes the
/// config only when that changes: a start of the workspace's last provider leaves the file alone. Real engine, Claude.
/// </summary>
[Collection("sandbox")]
public sealed class WorkspaceProviderMemoryTests : IAsyncLifetime, IDisposable
{
    private readonly DockerTestEngine _engine = new();
    private readonly TestEnvironment _env = new();
    private readonly string _volume;

    public WorkspaceProviderMemoryTests() => _volume = _engine.Name("data");

    public Task InitializeAsync() => _engine.InitializeAsync();

    public async Task DisposeAsync()
    {
        if (_engine.Info is not null)
        {
            await _engine.Runtime.RemoveVolumeAsync(_volume, CancellationToken.None);
        }

        await _engine.DisposeAsync();
    }

    public void Dispose() => _env.Dispose();

    [SkippableFact]
    public async Task Start_SameProviderAgain_LeavesTheUserConfigUnwritten()
    {
        _engine.RequireEngine();
        LaunchCancellationTests.WriteUserConfig(_env);
        var ws = _env.Dir("ws-remembered");
        var config = new SccPaths(_env.Environment).UserConfigFile;

        await StartAndStopAsync(ws);
        var remembered = File.ReadAllText(config);
        remembered.ShouldContain(WorkspacePaths.Canonicalize(ws, ws));
        remembered.ShouldContain("claude");
        var before = new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(config, before);

        await StartAndStopAsync(ws);

        File.GetLastWriteTimeUtc(config).ShouldBe(before, "the workspace's provider did not change, so the config is not rewritten");
        File.ReadAllText(config).ShouldBe(remembered);
    }

    private async Task StartAndStopAsync(string ws)
    {
        await using var scc = new InProcessScc(_env, _engine.Runtime);
        scc.Runtime.VolumeAliases["docker-claude-sandbox-data"] = _volume;
        var result = await scc.StartAsync(new LaunchRequest(ws, ws) { Provider = "claude", Detach = true }, CancellationToken.None);
        (await scc.RunAsync("stop", result.Container)).ShouldBe(0, scc.Err);
    }
}
