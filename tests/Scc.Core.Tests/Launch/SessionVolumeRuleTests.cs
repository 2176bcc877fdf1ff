using Scc.Core.Launch;
using Scc.Core.Runtime;
using Scc.Testing;

namespace Scc.Core.Tests.Launch;

/// <summary>The provider data volume rule of a failed or cancelled start: only a volume that start created goes.</summary>
public sealed class SessionVolumeRuleTests
{
    private const string Volume = "docker-test-sandbox-data";
    private static readonly CancellationToken None = CancellationToken.None;

    private static (FakeContainerRuntime Runtime, SessionService Sessions) Setup(IReadOnlyDictionary<string, string>? labels)
    {
        var runtime = new FakeContainerRuntime();
        if (labels is not null)
        {
            runtime.Volumes[Volume] = new VolumeInfo(Volume, labels, null);
        }

        return (runtime, new SessionService(runtime, new RecordingAuditLog(), TimeProvider.System));
    }

    [Fact]
    public async Task RemoveVolumeIfCreatedBy_CreatedByThisSession_Removed()
    {
        var (runtime, sessions) = Setup(new Dictionary<string, string> { [SessionLabels.CreatedBy] = "s1" });

        await sessions.RemoveVolumeIfCreatedByAsync(Volume, "s1", None);

        runtime.Volumes.ShouldNotContainKey(Volume);
    }

    [Fact]
    public async Task RemoveVolumeIfCreatedBy_CreatedByAnotherSession_Kept()
    {
        var (runtime, sessions) = Setup(new Dictionary<string, string> { [SessionLabels.CreatedBy] = "s0" });

        await sessions.RemoveVolumeIfCreatedByAsync(Volume, "s1", None);

        runtime.Volumes.ShouldContainKey(Volume);
    }

    [Fact]
    public async Task RemoveVolumeIfCreatedBy_UnlabelledSignInVolume_Kept()
    {
        // The sign-in container mounts the volume before any start: the engine creates it without labels.
        var (runtime, sessions) = Setup(new Dictionary<string, string>());

        await sessions.RemoveVolumeIfCreatedByAsync(Volume, "s1", None);

        runtime.Volumes.ShouldContainKey(Volume);
    }

    [Fact]
    public async Task RemoveVolumeIfCreatedBy_EngineRefuses_NoError()
    {
        var (runtime, sessions) = Setup(new Dictionary<string, string> { [SessionLabels.CreatedBy] = "s1" });
        runtime.Failure = ContainerRuntimeException.EngineError("remove the volume", "volume is in use");

        await Should.NotThrowAsync(() => sessions.RemoveVolumeIfCreatedByAsync(Volume, "s1", None));
    }

    [Fact]
    public async Task RemoveVolumeIfCreatedBy_Missing_NoError()
    {
        var (runtime, sessions) = Setup(null);

        await sessions.RemoveVolumeIfCreatedByAsync(Volume, "s1", None);

        runtime.Volumes.ShouldBeEmpty();
    }
}
