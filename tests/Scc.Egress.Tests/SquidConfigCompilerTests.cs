namespace Scc.Egress.Tests;

public sealed class SquidConfigCompilerTests
{
    public static TheoryData<string> GoldenNames() => new(Policies.Golden.Keys);

    [Theory]
    [MemberData(nameof(GoldenNames))]
    public void Compile_GoldenPolicy_MatchesGoldenFile(string name)
    {
        EgressMerger.Merge(Policies.Golden[name]).Problems.ShouldBeEmpty();
        GoldenFile.Verify(name, Policies.Compile(name));
    }

    [Fact]
    public void Compile_SamePolicyTwice_IsByteIdentical()
    {
        Policies.Compile("layered.conf").ShouldBe(Policies.Compile("layered.conf"));
    }

    [Fact]
    public void Compile_AnyPolicy_EveryDenyPrecedesEveryAllow()
    {
        var lines = Rules(Policies.Compile("layered.conf"));
        var lastDeny = lines.FindLastIndex(l => l.StartsWith("http_access deny", StringComparison.Ordinal) && l != "http_access deny all");
        var firstAllow = lines.FindIndex(l => l.StartsWith("http_access allow", StringComparison.Ordinal));
        firstAllow.ShouldBeGreaterThan(lastDeny);
        lines[^1].ShouldBe("http_access deny all");
    }

    [Fact]
    public void Compile_AnyPolicy_DeniesUnknownNamesBeforeResolvingAddresses()
    {
        // A name that is not allowed must be refused before the dst ACL makes Squid resolve it (DNS exfiltration).
        var lines = Rules(Policies.Compile("layered.conf"));
        lines.IndexOf("http_access deny !scc_allowed_name")
            .ShouldBeLessThan(lines.IndexOf("http_access deny scc_denied_dst !scc_private_allowed"));
    }

    [Fact]
    public void Compile_AnyPolicy_DeniesLoopbackPrivateLinkLocalMetadataAndIpv6Equivalents()
    {
        var config = Policies.Compile("provider-only.conf");
        foreach (var cidr in new[] { "127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16", "::1/128", "fc00::/7", "fe80::/10" })
        {
            config.ShouldContain($"acl scc_denied_dst dst {cidr}\n");
        }

        config.ShouldContain("http_access deny scc_denied_dst\n");
    }

    [Fact]
    public void Compile_DeniedRanges_NoEntryNestedInAnother()
    {
        // Squid ignores the WIDER of two nested dst entries, so a nested metadata /32 would re-open link-local.
        var cidrs = Policies.Compile("layered.conf").Split('\n')
            .Where(l => l.StartsWith("acl scc_denied_dst dst ", StringComparison.Ordinal))
            .Select(l => System.Net.IPNetwork.Parse(l["acl scc_denied_dst dst ".Length..]))
            .ToList();
        cidrs.Count.ShouldBeGreaterThan(5);
        foreach (var a in cidrs)
        {
            cidrs.Where(b => !b.Equals(a)).ShouldAllBe(b => !AddressRanges.IsWithin(a, b));
        }

        AddressRanges.Find(System.Net.IPAddress.Parse("169.254.169.254"))!.Description.ShouldBe("cloud metadata service");
    }

    [Fact]
    public void Compile_NoNamedPort_AllowsOnlyPorts80And443()
    {
        var config = Policies.Compile("provider-only.conf");
        config.ShouldContain("acl scc_safe_ports port 80 443\n");
        config.ShouldContain("acl scc_tls_ports port 443\n");
        config.ShouldContain("http_access allow scc_connect scc_port_443 scc_web_names\n");
        config.ShouldContain("http_access allow !scc_connect scc_port_80 scc_web_names\n");
    }

    [Fact]
    public void Compile_NamedPorts_OpensThosePortsForTheirHostsOnly()
    {
        var config = Policies.Compile("layered.conf");
        config.ShouldContain("acl scc_safe_ports port 80 443 5000 8080 8443\n");
        config.ShouldContain("acl scc_tls_ports port 443 5000 8080 8443\n");
        config.ShouldContain("acl scc_p5000_names dstdomain -n registry.internal.example\n");
        config.ShouldContain("http_access allow scc_port_5000 scc_p5000_names\n");
        config.ShouldContain("http_access allow !scc_connect scc_port_80 scc_p80_names\n");
        config.ShouldNotContain("http_access allow scc_connect scc_port_443 scc_p80_names");
        config.ShouldContain("http_access allow scc_connect scc_port_443 scc_p443_names\n");
        config.ShouldNotContain("http_access allow !scc_connect scc_port_80 scc_p443_names");
    }

    [Fact]
    public void Compile_Wildcard_MatchesSubdomainsOnlyForHttpAndSni()
    {
        var config = Policies.Compile("layered.conf");
        config.ShouldContain(@"acl scc_web_wild dstdom_regex -n -i \.corp\.example\.com$" + "\n");
        config.ShouldContain(@"acl scc_sni_wild ssl::server_name_regex -i \.corp\.example\.com$" + "\n");
        config.ShouldNotContain("dstdomain -n .corp.example.com");
    }

    [Fact]
    public void Compile_IpLiterals_DeniedUnlessAnEntryAllowsThem()
    {
        var empty = Policies.Compile("provider-only.conf");
        empty.ShouldContain("http_access deny scc_ip_literal\n");

        var layered = Policies.Compile("layered.conf");
        layered.ShouldContain("http_access deny scc_ip_literal !scc_web_ips !scc_p8080_ips !scc_p8443_ips\n");
        layered.ShouldContain("acl scc_web_ip all-of scc_ip_literal scc_web_ips\n");
        layered.ShouldContain("acl scc_private_allowed dst 10.20.0.0/16\n");
    }

    [Fact]
    public void Compile_Tls_PeeksThenSplicesAllowedNamesAndTerminatesTheRest()
    {
        var lines = Policies.Compile("provider-only.conf").Split('\n').Where(l => l.StartsWith("ssl_bump", StringComparison.Ordinal)).ToList();
        lines.ShouldBe(["ssl_bump peek scc_step1", "ssl_bump splice scc_sni_names", "ssl_bump terminate all"]);
    }

    [Fact]
    public void Compile_EmptyPolicy_DeniesEverything()
    {
        var config = Policies.Compile("empty.conf");
        Rules(config).ShouldBe(["http_access deny !scc_safe_ports", "http_access deny scc_connect !scc_tls_ports", "http_access deny scc_ip_literal", "http_access deny all"]);
        config.ShouldNotContain("ssl_bump splice");
        config.ShouldContain("ssl_bump terminate all\n");
    }

    [Fact]
    public void Compile_Always_ListensOn3128AndLogsTheParsedFormat()
    {
        var config = Policies.Compile("empty.conf");
        config.ShouldContain("http_port 3128 ssl-bump ");
        config.ShouldContain("logformat scc scc1 ");
        config.ShouldContain("access_log stdio:/var/log/squid/access.log logformat=scc\n");
    }

    [Fact]
    public void Compile_UnexpandedSetReference_Throws()
    {
        var policy = new EgressPolicy([new EffectiveDestination(new EgressDestination(DestinationKind.SetReference, "x", null), EgressSource.Project, null, [])], []);
        Should.Throw<ArgumentException>(() => SquidConfigCompiler.Compile(policy));
    }

    [Fact]
    public void Compile_NoLineLongerThanSquidsBuffer()
    {
        var entries = Enumerable.Range(0, 3000).Select(i => $"host-{i}.example.com").ToList();
        var config = SquidConfigCompiler.Compile(EgressMerger.Merge(new([new(EgressSource.Project, entries)])).Policy);
        config.Split('\n').Max(l => l.Length).ShouldBeLessThan(1024);
    }

    private static List<string> Rules(string config) =>
        config.Split('\n').Where(l => l.StartsWith("http_access", StringComparison.Ordinal)).ToList();
}
