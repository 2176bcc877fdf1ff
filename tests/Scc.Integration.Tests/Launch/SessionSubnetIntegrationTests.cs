using System.Net;
using Scc.Core.Config;
using Scc.Core.Errors;
using Scc.Core.Launch;
using Scc.Core.Runtime;
using Scc.Integration.Tests.Runtime;
using Scc.Testing;

namespace Scc.Integration.Tests.Launch;

/// <summary>
/// Issue 6: "creating many sessions over time does not exhaust Docker's address pools". Session networks take a /28
/// of scc's own pool instead of a /16 or /20 of the engine's defaults (about 31 networks in all). Every network here
/// carries the test label and is removed at the end, also when the test fails.
/// </summary>
public sealed class SessionSubnetIntegrationTests(DockerTestEngine engine) : IClassFixture<DockerTestEngine>, IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly TestEnvironment _env = new();

    public void Dispose() => _env.Dispose();

    [SkippableFact]
    public async Task CreateNetwork_MoreSessionsThanDockersDefaultPools_AllGetA28OfThePool()
    {
        engine.RequireEngine();
        const int sessions = 40;
        var pool = SessionSubnetPool.ParsePool(null);
        var topology = Topology();
        var names = Enumerable.Range(0, sessions).Select(i => engine.Name($"pool{i}")).ToList();
        try
        {
            // Four at a time, like several scc processes starting together.
            var subnets = new List<string>();
            foreach (var batch in names.Chunk(4))
            {
                subnets.AddRange(await Task.WhenAll(batch.Select(n => topology.CreateNetworkAsync(Spec(n), pool, None))));
            }

            subnets.Distinct().Count().ShouldBe(sessions);
            var listed = await engine.Runtime.ListNetworksAsync(LabelSelector.Of((DockerTestEngine.TestLabel, engine.RunId)), None);
            listed.Count.ShouldBe(sessions);
            foreach (var network in listed)
            {
                network.Internal.ShouldBeTrue();
                var subnet = network.Subnets.ShouldHaveSingleItem();
                var parsed = IPNetwork.Parse(subnet);
                parsed.PrefixLength.ShouldBe(SessionSubnetPool.PrefixLength);
                pool.Contains(parsed.BaseAddress).ShouldBeTrue($"{network.Name}: {subnet} is outside {pool}");
                subnets.ShouldContain(subnet);
            }
        }
        finally
        {
            foreach (var n in names)
            {
                await engine.Runtime.RemoveNetworkAsync(n, None);
            }
        }

        (await engine.Runtime.ListNetworksAsync(LabelSelector.Of((DockerTestEngine.TestLabel, engine.RunId)), None)).ShouldBeEmpty();
    }

    [SkippableFact]
    public async Task CreateNetwork_TinyPoolRacedByParallelCreates_EachGetsItsOwnSlotThenExhausted()
    {
        engine.RequireEngine();

        // CGNAT space, which nothing else on this machine uses: four /28 slots.
        var pool = SessionSubnetPool.ParsePool("100.100.100.0/26");
        var topology = Topology();
        var names = Enumerable.Range(0, 5).Select(i => engine.Name($"tiny{i}")).ToList();
        try
        {
            // Parallel creates often pick the same slot; the engine refuses the loser ("overlaps"), which lists again.
            var subnets = await Task.WhenAll(names.Take(4).Select(n => topology.CreateNetworkAsync(Spec(n), pool, None)));
            subnets.Order(StringComparer.Ordinal).ShouldBe(["100.100.100.0/28", "100.100.100.16/28", "100.100.100.32/28", "100.100.100.48/28"]);

            var e = await Should.ThrowAsync<ConfigException>(() => topology.CreateNetworkAsync(Spec(names[4]), pool, None));
            e.Message.ShouldContain(SessionSubnetPool.Setting);
            e.Action!.ShouldContain("scc prune");
            (await engine.Runtime.InspectNetworkAsync(names[4], None)).ShouldBeNull();
        }
        finally
        {
            foreach (var n in names)
            {
                await engine.Runtime.RemoveNetworkAsync(n, None);
            }
        }
    }

    [SkippableFact]
    public async Task CreateNetwork_SubnetOfAnotherNetwork_MappedToSubnetConflict()
    {
        engine.RequireEngine();
        var first = engine.Name("ovl");
        var second = engine.Name("ovl");
        try
        {
            await engine.Runtime.CreateNetworkAsync(Spec(first) with { Subnet = "100.100.101.0/28" }, None);

            var e = await Should.ThrowAsync<ContainerRuntimeException>(() => engine.Runtime.CreateNetworkAsync(Spec(second) with { Subnet = "100.100.101.0/28" }, None));

            e.Kind.ShouldBe(RuntimeErrorKind.SubnetConflict);
            (await engine.Runtime.InspectNetworkAsync(second, None)).ShouldBeNull();
        }
        finally
        {
            await engine.Runtime.RemoveNetworkAsync(first, None);
            await engine.Runtime.RemoveNetworkAsync(second, None);
        }
    }

    private NetworkSpec Spec(string name) => new(name) { Internal = true, Labels = engine.Labels };

    private EgressTopology Topology() => new(engine.Runtime, new RecordingAuditLog(), new UserConfigStore(_env.Paths));
}
