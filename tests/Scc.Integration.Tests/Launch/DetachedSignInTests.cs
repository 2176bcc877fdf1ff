using System.Text;
using Scc.Core.Launch;
using Scc.Core.Runtime;

namespace Scc.Integration.Tests.Launch;

/// <summary>
/// A detached start checks the provider's sign-in while the sandbox starts and only warns: the check reads the data
/// volume through the session's files container (the one that writes the policy and the settings), not through a
/// reader container of its own. On the real engine, with the Claude provider and a throw-away data volume, signed in
/// (a credentials file in the volume) and not.
/// </summary>
[Collection("sandbox")]
public sealed class DetachedSignInTests : EngineSessionTests
{
    private const string Provider = "claude";
    private const string Image = "scc-agent-claude";

    [SkippableTheory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task DetachedStart_ChecksTheSignInThroughTheFilesContainer(bool signedIn)
    {
        Engine.RequireEngine();
        LaunchCancellationTests.WriteUserConfig(Env);
        var ws = Env.Dir($"ws-sign-in-{signedIn}");
        var identity = SessionIdentity.For(Provider, WorkspacePaths.Canonicalize(ws, ws));
        await using var scc = new InProcessScc(Env, Engine.Runtime);
        var volume = IsolateDataVolume(scc);
        if (signedIn)
        {
            await WriteCredentialsAsync(volume);
        }

        var result = await scc.StartAsync(new LaunchRequest(ws, ws) { Provider = Provider, Detach = true }, CancellationToken.None);
        try
        {
            (await Engine.Runtime.InspectContainerAsync(result.Container, CancellationToken.None))!.Running.ShouldBeTrue("the sandbox starts either way");
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
            (await Engine.Runtime.InspectContainerAsync(identity.FilesContainerName, CancellationToken.None)).ShouldBeNull();
        }
        finally
        {
            (await scc.RunAsync("stop", result.Container)).ShouldBe(0);
        }
    }

    /// <summary>A credentials file as a signed-in Claude Code leaves it (any non-empty object), owned by the agent.</summary>
    private async Task WriteCredentialsAsync(string volume)
    {
        var name = Engine.Name("creds");
        await Engine.Runtime.EnsureVolumeAsync(volume, Engine.Labels, CancellationToken.None);
        await ScratchContainer.UseAsync(
            Engine.Runtime,
            Image,
            name,
            Engine.Labels,
            [MountSpec.Volume(volume, "/data")],
            async () =>
            {
                await Engine.Runtime.WriteFilesAsync(
                    name,
                    "/",
                    [new ContainerFile("data/.credentials.json", Encoding.UTF8.GetBytes("""{"claudeAiOauth":{"scopes":["test"]}}"""), 1000, 1000, UnixFileMode.UserRead | UnixFileMode.UserWrite)],
                    CancellationToken.None);
                return true;
            },
            CancellationToken.None);
    }
}
