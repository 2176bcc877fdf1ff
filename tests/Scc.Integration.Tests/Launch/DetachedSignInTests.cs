using System.Text;
using Scc.Core.Launch;
using Scc.Core.Runtime;
using Scc.Integration.Tests.Runtime;
using Scc.Testing;

namespace Scc.Integration.Tests.Launch;

/// <summary>
/// A detached start checks the provider's sign-in while the sandbox starts and only warns: the check reads the data
/// volume through the session's files container (the one that writes the policy and the settings), not through a
/// reader container of its own. On the real engine, with the Claude provider and a throw-away data volume, signed in
/// (a credentials file in the volume) and not.
/// </summary>
[Collection("sandbox")]
public sealed class DetachedSignInTests : IAsyncLifetime, IDisposable
{
    private const string Provider = "claude";
    private const string Image = "scc-agent-claude";
    private readonly DockerTestEngine _engine = new();
    private readonly TestEnvironment _env = new();
    private readonly List<string> _volumes = [];

    public Task InitializeAsync() => _engine.InitializeAsync();

    public async Task DisposeAsync()
    {
        if (_engine.Info is not null)
        {
            foreach (var v in _volumes)
            {
                await _engine.Runtime.RemoveVolumeAsync(v, CancellationToken.None);
            }
        }

        await _engine.DisposeAsync();
    }

    public void Dispose() => _env.Dispose();

    [SkippableTheory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task DetachedStart_ChecksTheSignInThroughTheFilesContainer(bool signedIn)
    {
        _engine.RequireEngine();
        LaunchCancellationTests.WriteUserConfig(_env);
        var ws = _env.Dir($"ws-sign-in-{signedIn}");
        var identity = SessionIdentity.For(Provider, WorkspacePaths.Canonicalize(ws, ws));
        await using var scc = new InProcessScc(_env, _engine.Runtime);
        var volume = _engine.Name("data");
        scc.Runtime.VolumeAliases["docker-claude-sandbox-data"] = volume;
        _volumes.Add(volume);
        if (signedIn)
        {
            await WriteCredentialsAsync(volume);
        }

        var result = await scc.StartAsync(new LaunchRequest(ws, ws) { Provider = Provider, Detach = true }, CancellationToken.None);
        try
        {
            (await _engine.Runtime.InspectContainerAsync(result.Container, CancellationToken.None))!.Running.ShouldBeTrue("the sandbox starts either way");
            if (signedIn)
            {
                scc.Err.ShouldNotContain("needs a sign-in", customMessage: scc.Err);
            }
            else
            {
                scc.Err.ShouldContain("no Claude credentials in docker-claude-sandbox-data");
                scc.Err.ShouldContain("The sandbox starts; the agent needs a sign-in before it can work.");
            }

            // Read through the files container, before it went.
            var calls = scc.Runtime.Calls;
            var read = calls.ToList().FindIndex(c => c.Member == nameof(IContainerRuntime.ReadFileAsync) && c.Subject == identity.FilesContainerName);
            read.ShouldBeGreaterThanOrEqualTo(0, "the sign-in check reads through the files container");
            calls.Skip(read).ShouldContain(c => c.Member == nameof(IContainerRuntime.RemoveContainerAsync) && c.Subject == identity.FilesContainerName);
            (await _engine.Runtime.InspectContainerAsync(identity.FilesContainerName, CancellationToken.None)).ShouldBeNull();
        }
        finally
        {
            (await scc.RunAsync("stop", result.Container)).ShouldBe(0);
        }
    }

    /// <summary>A credentials file as a signed-in Claude Code leaves it (any non-empty object), owned by the agent.</summary>
    private async Task WriteCredentialsAsync(string volume)
    {
        var name = _engine.Name("creds");
        await _engine.Runtime.EnsureVolumeAsync(volume, _engine.Labels, CancellationToken.None);
        await ScratchContainer.UseAsync(
            _engine.Runtime,
            Image,
            name,
            _engine.Labels,
            [MountSpec.Volume(volume, "/data")],
            async () =>
            {
                await _engine.Runtime.WriteFilesAsync(
                    name,
                    "/",
                    [new ContainerFile("data/.credentials.json", Encoding.UTF8.GetBytes("""{"claudeAiOauth":{"scopes":["test"]}}"""), 1000, 1000, UnixFileMode.UserRead | UnixFileMode.UserWrite)],
                    CancellationToken.None);
                return true;
            },
            CancellationToken.None);
    }
}
