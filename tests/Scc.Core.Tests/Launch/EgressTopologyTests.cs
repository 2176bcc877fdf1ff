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
        await topology.TearDownAsync(_identity, CancellationToken.None);

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
        await topology.TearDownAsync(_identity, CancellationToken.None);

        ready.IsCompleted.ShouldBeTrue();
        _runtime.Containers.ShouldNotContainKey(_identity.ProxyContainerName);
        _runtime.Networks.Keys.ShouldBe(["bridge"]);
    }
}
