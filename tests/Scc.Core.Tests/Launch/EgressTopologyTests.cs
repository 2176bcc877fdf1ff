using Scc.Core.Config;
using Scc.Core.Errors;
using Scc.Core.Launch;
using Scc.Core.Runtime;
using Scc.Core.Tests.Config;
using Scc.Testing;

namespace Scc.Core.Tests.Launch;

public sealed class EgressTopologyTests : IDisposable
{
    private readonly ScratchDir _dir = new();
    private readonly FakeContainerRuntime _runtime = new(ImageProvisioner.ProxyImage);
    private readonly RecordingAuditLog _audit = new();
    private readonly SessionIdentity _identity = SessionIdentity.For("claude", "/w");

    public EgressTopologyTests() =>
        _runtime.Networks["bridge"] = new NetworkInfo("b", "bridge", false, new Dictionary<string, string>(), []) { Subnets = ["172.17.0.0/16"] };

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task SetUp_ProxyAccepts_NetworkWithoutHostAddressAndSetupAudited()
    {
        var topology = new EgressTopology(_runtime, _audit, new UserConfigStore(_dir.Paths));

        var ready = await topology.SetUpAsync(_identity, "s1", "# conf", null, CancellationToken.None);
        await ready;

        var network = _runtime.Networks[_identity.NetworkName];
        network.Internal.ShouldBeTrue();
        SessionSubnetPool.ParseUsed(network.Subnets).ShouldHaveSingleItem().PrefixLength.ShouldBe(28);
        EgressTopology.InternalNetworkOptions["com.docker.network.bridge.inhibit_ipv4"].ShouldBe("true");
        _runtime.Containers[_identity.ProxyContainerName].Running.ShouldBeTrue();
        _runtime.Containers[_identity.ProxyContainerName].ExtraNetworks.ShouldBe(["bridge"]);
        _audit.Events.ShouldContain(e => e.Type == "egress.setup");
    }

    /// <summary>
    /// Other starts are creating networks on three of the pool's four slots, not listed yet: the engine refuses those
    /// slots, and this start must find the fourth within its attempts instead of drawing the refused ones again (an
    /// attempt picking at random fails all of them ~10% of the time; 40 rounds would show it).
    /// </summary>
    [Fact]
    public async Task CreateNetwork_SlotsTakenByCreatesNotListedYet_TheFreeOneFoundEveryTime()
    {
        var pool = SessionSubnetPool.ParsePool("100.100.100.0/26");
        for (var round = 0; round < 40; round++)
        {
            var runtime = new FakeContainerRuntime(ImageProvisioner.ProxyImage);
            foreach (var (name, subnet) in new[] { ("a", "100.100.100.0/28"), ("b", "100.100.100.16/28"), ("c", "100.100.100.48/28") })
            {
                runtime.Networks[name] = new NetworkInfo(name, name, true, new Dictionary<string, string>(), []) { Subnets = [subnet] };
            }

            runtime.Listed = _ => false;
            var topology = new EgressTopology(runtime, _audit, new UserConfigStore(_dir.Paths), new NoWaitTimeProvider());

            (await topology.CreateNetworkAsync(new NetworkSpec($"mine{round}") { Internal = true }, pool, CancellationToken.None)).ShouldBe("100.100.100.32/28");
        }
    }

    [Fact]
    public async Task CreateNetwork_EverySlotTakenUnlisted_SubnetConflictAfterTheAttempts()
    {
        var pool = SessionSubnetPool.ParsePool("100.100.100.0/26");
        foreach (var (name, subnet) in new[] { ("a", "100.100.100.0/28"), ("b", "100.100.100.16/28"), ("c", "100.100.100.32/28"), ("d", "100.100.100.48/28") })
        {
            _runtime.Networks[name] = new NetworkInfo(name, name, true, new Dictionary<string, string>(), []) { Subnets = [subnet] };
        }

        _runtime.Listed = n => n.Name == "bridge";
        var topology = new EgressTopology(_runtime, _audit, new UserConfigStore(_dir.Paths), new NoWaitTimeProvider());

        var e = await Should.ThrowAsync<ContainerRuntimeException>(() => topology.CreateNetworkAsync(new NetworkSpec("mine") { Internal = true }, pool, CancellationToken.None));

        e.Kind.ShouldBe(RuntimeErrorKind.SubnetConflict);
        _runtime.Networks.ShouldNotContainKey("mine");
    }

    /// <summary>What a failed start does with the proxy: waits for its start in flight, then removes the session by label.</summary>
    private async Task TearDownAsync(EgressTopology topology)
    {
        await topology.WaitForProxyStartAsync(_identity);
        await new SessionService(_runtime, _audit, TimeProvider.System).RemoveSessionAsync("s1", CancellationToken.None);
    }

    /// <summary>Delays end at once (the backoff between attempts).</summary>
    private sealed class NoWaitTimeProvider : TimeProvider
    {
        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            ThreadPool.QueueUserWorkItem(_ => callback(state));
            return new Done();
        }

        private sealed class Done : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => true;

            public void Dispose()
            {
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }

    [Fact]
    public async Task SetUp_ProxyExitsWhileStarting_ReadyFailsAndTearDownLeavesNothing()
    {
        // Squid refused its config: the container stops, and the probe never succeeds.
        _runtime.ExecHandler = (container, _) =>
        {
            container.Running = false;
            return new ExecResult(1, string.Empty, string.Empty);
        };
        var topology = new EgressTopology(_runtime, _audit, new UserConfigStore(_dir.Paths));

        var ready = await topology.SetUpAsync(_identity, "s1", "# conf", null, CancellationToken.None);
        var e = await Should.ThrowAsync<ToolException>(() => ready);
        await TearDownAsync(topology);

        e.Message.ShouldContain("stopped while starting");
        e.Action!.ShouldContain("agent was not started");
        _runtime.Containers.ShouldNotContainKey(_identity.ProxyContainerName);
        _runtime.Networks.Keys.ShouldBe(["bridge"]);
        _audit.Events.ShouldNotContain(ev => ev.Type == "egress.setup");
    }

    [Fact]
    public async Task TearDown_WhileTheProxyIsStillStarting_WaitsThenRemovesEverything()
    {
        var topology = new EgressTopology(_runtime, _audit, new UserConfigStore(_dir.Paths));

        var ready = await topology.SetUpAsync(_identity, "s1", "# conf", null, CancellationToken.None);
        await TearDownAsync(topology);

        ready.IsCompleted.ShouldBeTrue();
        _runtime.Containers.ShouldNotContainKey(_identity.ProxyContainerName);
        _runtime.Networks.Keys.ShouldBe(["bridge"]);
    }
}
