using System.Net;
using Scc.Core.Audit;
using Scc.Core.Config;
using Scc.Core.Errors;
using Scc.Core.Launch;
using Scc.Core.Runtime;
using Scc.Core.Tests.Config;
using Scc.Testing;

namespace Scc.Core.Tests.Launch;

public sealed class SessionSubnetPoolTests : IDisposable
{
    private readonly ScratchDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void ParsePool_Unset_IsTheDefaultOutsideDockersPools(string? setting)
    {
        var pool = SessionSubnetPool.ParsePool(setting);

        pool.ShouldBe(IPNetwork.Parse(SessionSubnetPool.DefaultPool));
        foreach (var docker in new[] { "172.17.0.0/16", "172.31.0.0/16", "192.168.0.0/16" })
        {
            var d = IPNetwork.Parse(docker);
            (d.Contains(pool.BaseAddress) || pool.Contains(d.BaseAddress)).ShouldBeFalse(docker);
        }
    }

    [Theory]
    [InlineData("10.50.0.0/16", "10.50.0.0/16")]
    [InlineData(" 192.168.200.0/24 ", "192.168.200.0/24")]
    [InlineData("100.64.0.0/10", "100.64.0.0/10")]
    [InlineData("172.20.0.0/28", "172.20.0.0/28")]
    public void ParsePool_PrivateCidr_Accepted(string setting, string expected) =>
        SessionSubnetPool.ParsePool(setting).ShouldBe(IPNetwork.Parse(expected));

    [Theory]
    [InlineData("10.213.0.0", "not an IPv4 CIDR")]
    [InlineData("ten/16", "not an IPv4 CIDR")]
    [InlineData("10.213.0.0/x", "not an IPv4 CIDR")]
    [InlineData("10.213.0.0/33", "not an IPv4 CIDR")]
    [InlineData("fd00::/64", "not an IPv4 CIDR")]
    [InlineData("10.213.0.0/29", "must be /8 to /28")]
    [InlineData("10.0.0.0/7", "must be /8 to /28")]
    [InlineData("10.213.0.1/16", "has host bits set; the range starts at 10.213.0.0/16")]
    [InlineData("8.8.0.0/16", "is not inside a private range")]
    [InlineData("172.0.0.0/8", "is not inside a private range")]
    public void ParsePool_BadSetting_ConfigErrorNamingTheSetting(string setting, string why)
    {
        var e = Should.Throw<ConfigException>(() => SessionSubnetPool.ParsePool(setting));

        e.Message.ShouldContain(SessionSubnetPool.Setting);
        e.Message.ShouldContain(why);
        e.Action!.ShouldContain(SessionSubnetPool.Setting);
        e.ExitCode.ShouldBe(ExitCodes.ConfigOrNetwork);
    }

    [Fact]
    public void Choose_SkipsEveryOverlappingSubnet_AndWraps()
    {
        var pool = IPNetwork.Parse("10.9.0.0/26"); // four /28s
        var used = SessionSubnetPool.ParseUsed(["10.9.0.48/28", "10.9.0.0/30", "172.17.0.0/16", "fd00::/64", "garbage"]).ToList();

        SessionSubnetPool.Choose(pool, used, start: 3).ShouldBe(IPNetwork.Parse("10.9.0.16/28"));
        SessionSubnetPool.Choose(pool, used, start: 2).ShouldBe(IPNetwork.Parse("10.9.0.32/28"));
    }

    [Fact]
    public void Choose_ANetworkCoveringThePool_LeavesNothing()
    {
        var pool = IPNetwork.Parse("10.9.0.0/24");

        SessionSubnetPool.Choose(pool, SessionSubnetPool.ParseUsed(["10.0.0.0/8"]), 0).ShouldBeNull();
        SessionSubnetPool.Choose(pool, SessionSubnetPool.ParseUsed(["10.9.0.77/16"]), 5).ShouldBeNull("host bits as the engine may report them");
    }

    [Fact]
    public void Choose_EverySlotOnce_ThenExhausted()
    {
        var pool = IPNetwork.Parse("10.9.0.0/24");
        var used = new List<IPNetwork>();
        for (var i = 0; i < SessionSubnetPool.Capacity(pool); i++)
        {
            var s = SessionSubnetPool.Choose(pool, used, start: i * 7).ShouldNotBeNull();
            s.PrefixLength.ShouldBe(SessionSubnetPool.PrefixLength);
            pool.Contains(s.BaseAddress).ShouldBeTrue();
            used.ShouldNotContain(s);
            used.Add(s);
        }

        used.Count.ShouldBe(16);
        SessionSubnetPool.Choose(pool, used, 0).ShouldBeNull();
    }

    [Fact]
    public async Task CreateNetwork_PoolExhausted_ClearErrorNamingSettingAndPrune()
    {
        var runtime = new FakeContainerRuntime();
        runtime.Networks["old"] = new NetworkInfo("n1", "old", true, new Dictionary<string, string>(), []) { Subnets = ["10.9.0.0/28"] };

        var e = await Should.ThrowAsync<ConfigException>(() => Topology(runtime).CreateNetworkAsync(new NetworkSpec("new") { Internal = true }, IPNetwork.Parse("10.9.0.0/28"), CancellationToken.None));

        e.Message.ShouldContain("No free /28");
        e.Message.ShouldContain("10.9.0.0/28");
        e.Message.ShouldContain(SessionSubnetPool.Setting);
        e.Action!.ShouldContain("scc prune");
        runtime.Networks.Keys.ShouldBe(["old"]);
    }

    [Fact]
    public async Task CreateNetwork_FreeSlot_NetworkGetsA28OfThePool()
    {
        var runtime = new FakeContainerRuntime();
        runtime.Networks["old"] = new NetworkInfo("n1", "old", true, new Dictionary<string, string>(), []) { Subnets = ["10.9.0.0/28"] };

        var subnet = await Topology(runtime).CreateNetworkAsync(new NetworkSpec("new") { Internal = true }, IPNetwork.Parse("10.9.0.0/27"), CancellationToken.None);

        subnet.ShouldBe("10.9.0.16/28");
        runtime.Networks["new"].Subnets.ShouldBe(["10.9.0.16/28"]);
        runtime.Networks["new"].Internal.ShouldBeTrue();
    }

    [Fact]
    public async Task CreateNetwork_SubnetTakenMeanwhile_ListsAgainAndRetries()
    {
        // Another scc process creates a network on the very subnet chosen, between our listing and our create.
        var runtime = new FakeContainerRuntime();
        runtime.BeforeCreateNetwork = spec =>
        {
            if (!runtime.Networks.ContainsKey("racer"))
            {
                runtime.Networks["racer"] = new NetworkInfo("r", "racer", true, new Dictionary<string, string>(), []) { Subnets = [spec.Subnet!] };
            }
        };

        var subnet = await Topology(runtime).CreateNetworkAsync(new NetworkSpec("new"), IPNetwork.Parse("10.9.0.0/27"), CancellationToken.None);

        runtime.Calls.Count(c => c == "list-networks").ShouldBe(2);
        runtime.Networks["new"].Subnets.ShouldBe([subnet]);
        runtime.Networks["racer"].Subnets.ShouldNotContain(subnet);
    }

    [Fact]
    public async Task SetUp_BadPoolSetting_RefusedBeforeAnythingIsCreated()
    {
        new UserConfigStore(_dir.Paths).Save(new UserConfig { Runtime = new RuntimeSettings { SessionSubnetPool = "10.213.0.0" } });
        var runtime = new FakeContainerRuntime();
        runtime.Networks["bridge"] = new NetworkInfo("b", "bridge", false, new Dictionary<string, string>(), []);
        var topology = new EgressTopology(runtime, new RecordingAuditLog(), new UserConfigStore(_dir.Paths));

        var e = await Should.ThrowAsync<ConfigException>(() => topology.SetUpAsync(SessionIdentity.For("claude", "/w"), "s1", "# conf", null, CancellationToken.None));

        e.Message.ShouldContain(SessionSubnetPool.Setting);
        runtime.Networks.Keys.ShouldBe(["bridge"]);
        runtime.Containers.ShouldBeEmpty();
    }

    private EgressTopology Topology(IContainerRuntime runtime) => new(runtime, new RecordingAuditLog(), new UserConfigStore(_dir.Paths));
}
