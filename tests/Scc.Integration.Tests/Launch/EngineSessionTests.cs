using Scc.Integration.Tests.Runtime;
using Scc.Testing;

namespace Scc.Integration.Tests.Launch;

/// <summary>
/// A test class that starts sessions in process on the real engine: the engine (<see cref="DockerTestEngine"/>), a
/// scratch scc environment, and the test's own provider data volume (the real one is shared by every session of the
/// machine), removed at the end whoever made it.
/// </summary>
public abstract class EngineSessionTests : IAsyncLifetime, IDisposable
{
    /// <summary>The Claude provider's data volume, which <see cref="IsolateDataVolume"/> replaces.</summary>
    protected const string ClaudeDataVolume = "docker-claude-sandbox-data";

    protected EngineSessionTests() => DataVolume = Engine.Name("data");

    protected DockerTestEngine Engine { get; } = new();

    protected TestEnvironment Env { get; } = new();

    /// <summary>This test's provider data volume.</summary>
    protected string DataVolume { get; }

    public Task InitializeAsync() => Engine.InitializeAsync();

    public async Task DisposeAsync()
    {
        if (Engine.Info is not null)
        {
            await Engine.Runtime.RemoveVolumeAsync(DataVolume, CancellationToken.None);
        }

        await Engine.DisposeAsync();
    }

    public void Dispose()
    {
        Env.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Makes <paramref name="scc"/>'s sessions use <see cref="DataVolume"/> as the Claude data volume.</summary>
    private protected string IsolateDataVolume(InProcessScc scc)
    {
        scc.Runtime.VolumeAliases[ClaudeDataVolume] = DataVolume;
        return DataVolume;
    }
}
