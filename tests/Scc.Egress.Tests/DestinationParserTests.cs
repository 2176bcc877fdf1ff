namespace Scc.Egress.Tests;

public sealed class DestinationParserTests
{
    [Theory]
    [InlineData("api.example.com", DestinationKind.Host, "api.example.com", null, "api.example.com")]
    [InlineData("  API.Example.COM. ", DestinationKind.Host, "api.example.com", null, "api.example.com")]
    [InlineData("registry:5000", DestinationKind.Host, "registry", 5000, "registry:5000")]
    [InlineData("*.example.com", DestinationKind.Wildcard, "example.com", null, "*.example.com")]
    [InlineData("*.corp.example.co.uk:8443", DestinationKind.Wildcard, "corp.example.co.uk", 8443, "*.corp.example.co.uk:8443")]
    [InlineData("*.example.co.uk", DestinationKind.Wildcard, "example.co.uk", null, "*.example.co.uk")]
    [InlineData("203.0.113.7", DestinationKind.IpAddress, "203.0.113.7", null, "203.0.113.7")]
    [InlineData("203.0.113.7:65535", DestinationKind.IpAddress, "203.0.113.7", 65535, "203.0.113.7:65535")]
    [InlineData("[2001:DB8:0:0::1]", DestinationKind.IpAddress, "2001:db8::1", null, "[2001:db8::1]")]
    [InlineData("[2001:db8::1]:1", DestinationKind.IpAddress, "2001:db8::1", 1, "[2001:db8::1]:1")]
    [InlineData("@Package-Registries", DestinationKind.SetReference, "package-registries", null, "@package-registries")]
    [InlineData("xn--bcher-kva.example", DestinationKind.Host, "xn--bcher-kva.example", null, "xn--bcher-kva.example")]
    public void Parse_ValidEntry_ReturnsCanonicalDestination(string entry, DestinationKind kind, string host, int? port, string canonical)
    {
        var result = DestinationParser.Parse(entry);
        result.Error.ShouldBeNull();
        result.Destination!.Kind.ShouldBe(kind);
        result.Destination.Host.ShouldBe(host);
        result.Destination.Port.ShouldBe(port);
        result.Destination.Canonical.ShouldBe(canonical);
    }

    [Theory]
    [InlineData("*.com", "public suffix")]
    [InlineData("*.co.uk", "public suffix")]
    [InlineData("*.com.au", "public suffix")]
    [InlineData("*.github.io", "public suffix")]
    [InlineData("*.internal", "public suffix")]
    [InlineData("*.COM.", "public suffix")]
    [InlineData("http://example.com", "write 'example.com'")]
    [InlineData("https://example.com:8443/path", "write 'example.com:8443'")]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData(null, "empty")]
    [InlineData("example.com:0", "out of range")]
    [InlineData("example.com:65536", "out of range")]
    [InlineData("example.com:99999999999", "out of range")]
    [InlineData("example.com:", "without a port")]
    [InlineData("example.com:https", "not a number")]
    [InlineData("2001:db8::1", "must be written in brackets: '[2001:db8::1]'")]
    [InlineData("::1", "brackets")]
    [InlineData("[2001:db8::1", "closing ']'")]
    [InlineData("[example.com]", "not an IPv6 address")]
    [InlineData("[2001:db8::1]8443", "only ':port'")]
    [InlineData("a:b:c", "more than one ':'")]
    [InlineData("*", "leading '*.'")]
    [InlineData("foo.*.example.com", "leading '*.'")]
    [InlineData("*example.com", "leading '*.'")]
    [InlineData("*.*.example.com", "leading '*.'")]
    [InlineData("*.203.0.113.0", "not to an IP address")]
    [InlineData("example.com/path", "not a path")]
    [InlineData("10.0.0.0/8", "not a path or CIDR")]
    [InlineData("user@example.com", "may not contain")]
    [InlineData("exa mple.com", "may not contain")]
    [InlineData("-bad.example.com", "not a valid host name label")]
    [InlineData("bad_.example.com", "not a valid host name label")]
    [InlineData("a..example.com", "empty label")]
    [InlineData("bücher.example", "punycode")]
    [InlineData("localhost", "loopback")]
    [InlineData("db.localhost:5432", "loopback")]
    [InlineData("2130706433", "neither a host name nor a dotted IPv4")]
    [InlineData("127.1", "neither a host name nor a dotted IPv4")]
    [InlineData("010.0.0.1", "neither a host name nor a dotted IPv4")]
    [InlineData("256.1.1.1", "neither a host name nor a dotted IPv4")]
    [InlineData("@", "set reference")]
    [InlineData("@-x", "set reference")]
    public void Parse_BadEntry_FailsWithClearMessage(string? entry, string expected)
    {
        var result = DestinationParser.Parse(entry);
        result.Ok.ShouldBeFalse();
        result.Destination.ShouldBeNull();
        result.Error.ShouldNotBeNull().ShouldContain(expected, Case.Insensitive);
    }

    [Fact]
    public void Parse_LabelOf64Characters_Fails()
    {
        DestinationParser.Parse(new string('a', 64) + ".example.com").Error.ShouldNotBeNull().ShouldContain("longer than 63");
        DestinationParser.Parse(new string('a', 63) + ".example.com").Ok.ShouldBeTrue();
    }

    [Fact]
    public void Parse_NameOver253Characters_Fails()
    {
        var name = string.Join('.', Enumerable.Repeat(new string('a', 60), 5));
        DestinationParser.Parse(name).Error.ShouldNotBeNull().ShouldContain("longer than 253");
    }

    [Fact]
    public void Parse_SingleLabelHost_IsAnExactHost()
    {
        // Container names on the proxy's outside network are single labels; only wildcards over them are refused.
        DestinationParser.Parse("registry").Destination!.Kind.ShouldBe(DestinationKind.Host);
    }
}
