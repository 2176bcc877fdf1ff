using Scc.Core.Launch;
using Scc.Core.Runtime;
using Scc.Testing;

namespace Scc.Core.Tests.Launch;

/// <summary>
/// `scc prune` removes what crashed sessions left, and nothing of a session another scc is starting at that moment:
/// its containers are created but not started yet, its network may still be empty.
/// </summary>
public sealed class SessionPruneTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 22, 0, 0, TimeSpan.Zero);
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly FakeContainerRuntime _runtime = new("scc-agent-claude", "scc-egress-proxy");
    private readonly SessionService _sessions;

    public SessionPruneTests() => _sessions = new SessionService(_runtime, new RecordingAuditLog(), new FixedTime(Now));

    [Fact]
    public async Task Prune_SessionBeingStarted_LeavesItsContainersAndNetwork()
    {
        var identity = await AddSessionAsync("/ws/starting", "s-starting", age: TimeSpan.FromSeconds(5), state: "created");

        var result = await _sessions.PruneAsync(dryRun: false, None);

        result.Containers.ShouldBeEmpty();
        result.Networks.ShouldBeEmpty();
        _runtime.Containers.Keys.ShouldBe([identity.ContainerName, identity.ProxyContainerName], ignoreOrder: true);
        _runtime.Networks.Keys.ShouldContain(identity.NetworkName);
    }

    [Fact]
    public async Task Prune_EmptyNetworkJustCreated_Left()
    {
        var identity = SessionIdentity.For("claude", "/ws/network-only");
        await _runtime.CreateNetworkAsync(new NetworkSpec(identity.NetworkName) { Internal = true, Labels = new Dictionary<string, string>(identity.Labels("s-net", "egress")) }, None);
        _runtime.Networks[identity.NetworkName] = _runtime.Networks[identity.NetworkName] with { Created = Now - TimeSpan.FromSeconds(1) };

        (await _sessions.PruneAsync(dryRun: false, None)).Networks.ShouldBeEmpty();
        _runtime.Networks.Keys.ShouldContain(identity.NetworkName);
    }

    [Theory]
    [InlineData("created", 600)] // a start that was killed ten minutes ago: never started, long past the grace
    [InlineData("exited", 5)] // a crashed session, however recent
    public async Task Prune_Leftovers_Removed(string state, int ageSeconds)
    {
        var identity = await AddSessionAsync("/ws/left", "s-left", TimeSpan.FromSeconds(ageSeconds), state);
        _runtime.Networks[identity.NetworkName] = _runtime.Networks[identity.NetworkName] with { Created = Now - TimeSpan.FromHours(1) };

        var result = await _sessions.PruneAsync(dryRun: false, None);

        result.Containers.ShouldBe([identity.ContainerName, identity.ProxyContainerName], ignoreOrder: true);
        result.Networks.ShouldBe([identity.NetworkName]);
        _runtime.Containers.ShouldBeEmpty();
        _runtime.Networks.ShouldNotContainKey(identity.NetworkName);
    }

    private async Task<SessionIdentity> AddSessionAsync(string workspace, string session, TimeSpan age, string state)
    {
        var identity = SessionIdentity.For("claude", workspace);
        await _runtime.CreateNetworkAsync(new NetworkSpec(identity.NetworkName) { Internal = true, Labels = new Dictionary<string, string>(identity.Labels(session, "egress")) }, None);
        foreach (var (name, image, role) in new[] { (identity.ContainerName, "scc-agent-claude", "agent"), (identity.ProxyContainerName, "scc-egress-proxy", "proxy") })
        {
            await _runtime.CreateContainerAsync(new ContainerSpec(image, name) { Labels = new Dictionary<string, string>(identity.Labels(session, role)), Networks = [identity.NetworkName] }, None);
            _runtime.Containers[name].Created = Now - age;
            _runtime.Containers[name].StoppedState = state;
        }

        return identity;
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
