using Scc.Core.Launch;
using Scc.Core.Paths;
using Scc.Core.Runtime;

namespace Scc.Integration.Tests.Launch;

/// <summary>
/// A start remembers its provider for the workspace (bare `scc` runs it again) in the user config, and writes the
/// config only when that changes: a start of the workspace's last provider leaves the file alone. Real engine, Claude.
/// </summary>
[Collection("sandbox")]
public sealed class WorkspaceProviderMemoryTests : EngineSessionTests
{
    [SkippableFact]
    public async Task Start_SameProviderAgain_LeavesTheUserConfigUnwritten()
    {
        Engine.RequireEngine();
        LaunchCancellationTests.WriteUserConfig(Env);
        var ws = Env.Dir("ws-remembered");
        var config = new SccPaths(Env.Environment).UserConfigFile;

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
        await using var scc = new InProcessScc(Env, Engine.Runtime);
        IsolateDataVolume(scc);
        var result = await scc.StartAsync(new LaunchRequest(ws, ws) { Provider = "claude", Detach = true }, CancellationToken.None);
        (await scc.RunAsync("stop", result.Container)).ShouldBe(0, scc.Err);
    }
}
