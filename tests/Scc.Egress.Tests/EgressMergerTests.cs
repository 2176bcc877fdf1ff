namespace Scc.Egress.Tests;

public sealed class EgressMergerTests
{
    private static readonly Dictionary<string, IReadOnlyList<string>> Sets = new()
    {
        ["npm"] = ["registry.npm.example", "*.npm.example"],
    };

    [Fact]
    public void Merge_DuplicateAcrossLayers_KeepsFirstLayerAndRecordsTheOthers()
    {
        var result = EgressMerger.Merge(new([
            new(EgressSource.OrgDefaults, ["api.example.com"]),
            new(EgressSource.Team("web"), ["API.example.com."]),
            new(EgressSource.Project, ["api.example.com"]),
        ]));

        result.Ok.ShouldBeTrue();
        var d = result.Policy.Destinations.ShouldHaveSingleItem();
        d.Source.ShouldBe(EgressSource.OrgDefaults);
        d.Provenance.ShouldBe("org-defaults");
        d.AlsoRequestedBy.ShouldBe(["team:web", "project"]);
    }

    [Fact]
    public void Merge_SameHostDifferentPorts_AreDistinct()
    {
        var result = EgressMerger.Merge(new([new(EgressSource.Project, ["h.example.com", "h.example.com:8443", "h.example.com:8443"])]));
        result.Policy.Destinations.Select(d => d.Destination.Canonical).ShouldBe(["h.example.com", "h.example.com:8443"]);
    }

    [Fact]
    public void Merge_SetReference_ExpandsWithProvenance()
    {
        var result = EgressMerger.Merge(new([new(EgressSource.Team("web"), ["@npm"])], Sets));
        result.Ok.ShouldBeTrue();
        result.Policy.Destinations.Select(d => d.Destination.Canonical).ShouldBe(["registry.npm.example", "*.npm.example"]);
        result.Policy.Destinations.ShouldAllBe(d => d.Provenance == "team:web via set:npm");
    }

    [Fact]
    public void Merge_UnknownSet_ReportsEntryLayerAndKnownSets()
    {
        var result = EgressMerger.Merge(new([new(EgressSource.Project, ["@pypi"])], Sets));
        var problem = result.Problems.ShouldHaveSingleItem();
        problem.Source.ShouldBe(EgressSource.Project);
        problem.ToString().ShouldBe("egress destination '@pypi' in project: unknown destination set '@pypi' (known sets: @npm)");
        result.Policy.Destinations.ShouldBeEmpty();
    }

    [Fact]
    public void Merge_BadEntries_NameEntryAndLayerAndKeepTheValidOnes()
    {
        var result = EgressMerger.Merge(new([
            new(EgressSource.Team("data"), ["*.com", "ok.example.com"]),
            new(EgressSource.Project, ["http://evil.example", ""]),
            new(EgressSource.Provider("agent-x"), ["api.agent-x.test:70000"]),
        ]));

        result.Policy.Destinations.Select(d => d.Destination.Canonical).ShouldBe(["ok.example.com"]);
        result.Problems.Select(p => (p.Entry, p.Source.ToString())).ShouldBe([
            ("*.com", "team:data"), ("http://evil.example", "project"), ("", "project"), ("api.agent-x.test:70000", "provider:agent-x"),
        ]);
        result.Problems[0].ToString().ShouldStartWith("egress destination '*.com' in team:data: 'com' is a public suffix");
    }

    [Fact]
    public void Merge_BadSetMember_ReportedAgainstTheSet()
    {
        var sets = new Dictionary<string, IReadOnlyList<string>> { ["bad"] = ["*.co.uk", "@npm", "fine.example"] };
        var result = EgressMerger.Merge(new([new(EgressSource.Project, ["@bad"])], sets));
        result.Problems.Select(p => p.Source.ToString()).ShouldBe(["set:bad", "set:bad"]);
        result.Problems[1].Message.ShouldContain("cannot reference another set");
        result.Policy.Destinations.ShouldHaveSingleItem().Destination.Host.ShouldBe("fine.example");
    }

    [Theory]
    [InlineData("127.0.0.1", "loopback", "nothing can allow it")]
    [InlineData("169.254.169.254", "cloud metadata", "nothing can allow it")]
    [InlineData("[fe80::1]", "IPv6 link-local", "nothing can allow it")]
    [InlineData("[::1]", "IPv6 loopback", "nothing can allow it")]
    [InlineData("10.1.2.3", "private (RFC 1918)", "private_networks")]
    [InlineData("100.64.0.9:8080", "carrier-grade NAT", "private_networks")]
    [InlineData("[fd00::5]", "unique-local", "private_networks")]
    public void Merge_IpLiteralInDeniedRange_IsRejected(string entry, string range, string fix)
    {
        var result = EgressMerger.Merge(new([new(EgressSource.Project, [entry])]));
        result.Policy.Destinations.ShouldBeEmpty();
        var message = result.Problems.ShouldHaveSingleItem().Message;
        message.ShouldContain(range);
        message.ShouldContain(fix);
    }

    [Fact]
    public void Merge_PrivateIpInsideOrgPrivateNetwork_IsAllowed()
    {
        var result = EgressMerger.Merge(new([new(EgressSource.Project, ["10.20.1.5:5000", "10.30.0.1"])], null, ["10.20.0.0/16"]));
        result.Policy.Destinations.ShouldHaveSingleItem().Destination.Canonical.ShouldBe("10.20.1.5:5000");
        result.Problems.ShouldHaveSingleItem().Entry.ShouldBe("10.30.0.1");
        result.Policy.PrivateNetworks.ShouldHaveSingleItem().ToString().ShouldBe("10.20.0.0/16");
    }

    [Theory]
    [InlineData("10.20.0.0/16", null)]
    [InlineData("10.20.1.5", null)]
    [InlineData("fd12:3456::/32", null)]
    [InlineData("10.20.1.5/16", "no host bits")]
    [InlineData("not-a-cidr", "CIDRs")]
    [InlineData("127.0.0.0/8", "loopback range, which no setting can open")]
    [InlineData("169.254.169.254/32", "which no setting can open")]
    [InlineData("0.0.0.0/0", "which no setting can open")]
    [InlineData("8.8.8.0/24", "not inside a private range")]
    [InlineData("10.0.0.0/7", "not inside a private range")]
    public void Merge_PrivateNetworks_ValidatedAgainstTheDeniedRanges(string cidr, string? error)
    {
        var result = EgressMerger.Merge(new([], null, [cidr]));
        if (error is null)
        {
            result.Problems.ShouldBeEmpty();
            result.Policy.PrivateNetworks.Count.ShouldBe(1);
        }
        else
        {
            var problem = result.Problems.ShouldHaveSingleItem();
            problem.Source.ShouldBe(EgressSource.OrgDefaults);
            problem.Message.ShouldContain(error);
            result.Policy.PrivateNetworks.ShouldBeEmpty();
        }
    }

    [Fact]
    public void Merge_Order_IsDeterministicAndFollowsLayers()
    {
        var request = new EgressMergeRequest([
            new(EgressSource.OrgDefaults, ["b.example", "a.example"]),
            new(EgressSource.Project, ["c.example"]),
        ]);
        var first = EgressMerger.Merge(request).Policy.Destinations.Select(d => d.Destination.Canonical).ToList();
        first.ShouldBe(["b.example", "a.example", "c.example"]);
        EgressMerger.Merge(request).Policy.Destinations.Select(d => d.Destination.Canonical).ShouldBe(first);
    }

    [Fact]
    public void EgressSource_ToString_UsesLayerNames()
    {
        new[] { EgressSource.OrgDefaults, EgressSource.Team("t"), EgressSource.Project, EgressSource.Provider("p"), EgressSource.Set("s") }
            .Select(s => s.ToString()).ShouldBe(["org-defaults", "team:t", "project", "provider:p", "set:s"]);
    }

    [Fact]
    public void MergeResult_SerializesToJson_ForEgressShow()
    {
        // `scc egress show --json` serializes what the merge returns; nothing in it may throw (IPAddress does).
        var result = EgressMerger.Merge(new([new(EgressSource.Team("web"), ["203.0.113.7", "[2001:db8::1]:8443", "*.example.com"])]));
        var json = System.Text.Json.JsonSerializer.Serialize(result.Policy.Destinations, new System.Text.Json.JsonSerializerOptions { TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver() });
        json.ShouldContain("\"Canonical\":\"[2001:db8::1]:8443\"");
        json.ShouldContain("\"Provenance\":\"team:web\"");
    }
}
