namespace Scc.Egress.Tests;

public sealed class SquidAccessLogTests
{
    [Fact]
    public void ParseLine_DeniedRequest_ReturnsAllFields()
    {
        var entry = SquidAccessLog.ParseLine("scc1 1764268800.123 TCP_DENIED 403 GET denied.example 80 - - ERR_ACCESS_DENIED 172.30.0.3").ShouldNotBeNull();
        entry.Time.ShouldBe(DateTimeOffset.FromUnixTimeMilliseconds(1764268800123));
        entry.SquidStatus.ShouldBe("TCP_DENIED");
        entry.HttpStatus.ShouldBe(403);
        entry.Method.ShouldBe("GET");
        entry.Host.ShouldBe("denied.example");
        entry.Port.ShouldBe(80);
        entry.Sni.ShouldBeNull();
        entry.TlsDecision.ShouldBeNull();
        entry.ErrorCode.ShouldBe("ERR_ACCESS_DENIED");
        entry.Client.ShouldBe("172.30.0.3");
        entry.IsDenied.ShouldBeTrue();
    }

    // Lines as Squid 5.7 (squid-openssl) writes them, taken from the Docker test's proxy.
    [Theory]
    [InlineData("scc1 1795806086.000 TCP_MISS 200 GET allowed 80 - - - 192.168.128.2", false)]
    [InlineData("scc1 1795806087.129 NONE_NONE 200 CONNECT tls 443 tls splice - 192.168.128.2", false)]
    [InlineData("scc1 1795806087.146 TCP_TUNNEL 200 CONNECT tls 443 tls splice - 192.168.128.2", false)]
    [InlineData("scc1 1795806087.724 TCP_TUNNEL 500 CONNECT tls 443 tls splice - 192.168.128.2", false)]
    [InlineData("scc1 1795806087.165 NONE_NONE 0 - - - - - - 192.168.128.2", false)]
    [InlineData("scc1 1795806086.701 TCP_DENIED 200 CONNECT allowed 80 - bump ERR_ACCESS_DENIED 192.168.128.2", true)]
    [InlineData("scc1 1795806086.941 TCP_DENIED 200 CONNECT 192.168.112.3 443 tls bump ERR_ACCESS_DENIED 192.168.128.2", true)]
    [InlineData("scc1 1795806087.486 NONE_NONE 200 CONNECT tls 443 evil.example terminate - 192.168.128.2", true)]
    [InlineData("scc1 1795806087.000 TCP_MISS 403 GET allowed 80 - - - 192.168.128.2", true)]
    [InlineData("scc1 1795809041.470 NONE_NONE 200 CONNECT alt 8080 - peek ERR_PROTOCOL_UNKNOWN 192.168.176.3", true)]
    [InlineData("scc1 1795809039.813 NONE_NONE 0 - - - - - ERR_CLIENT_GONE 127.0.0.1", false)]
    public void IsDenied_BySquidOutcome(string line, bool denied)
    {
        SquidAccessLog.ParseLine(line).ShouldNotBeNull().IsDenied.ShouldBe(denied);
    }

    [Theory]
    [InlineData("")]
    [InlineData("2026/11/27 18:52:07| Starting Squid Cache version 5.7")]
    [InlineData("scc1 notatime TCP_DENIED 403 GET h 80 - - - 1.2.3.4")]
    [InlineData("scc1 1764268800.1 TCP_DENIED 403 GET h 80 - - -")]
    [InlineData("scc2 1764268800.1 TCP_DENIED 403 GET h 80 - - - 1.2.3.4")]
    [InlineData("scc1 -5 TCP_DENIED 403 GET h 80 - - - 1.2.3.4")]
    public void ParseLine_OtherFormats_ReturnsNull(string line)
    {
        SquidAccessLog.ParseLine(line).ShouldBeNull();
    }

    [Fact]
    public void Denials_HostReadinessProbe_IsNotADenial()
    {
        // scc's readiness probe connects from the host and closes without a request (line measured on Squid 5.7).
        var probe = SquidAccessLog.ParseLine("scc1 1795815128.016 NONE_NONE 0 - - - - - ERR_CLIENT_GONE 172.17.0.1").ShouldNotBeNull();

        probe.IsDenied.ShouldBeFalse();
        SquidAccessLog.Denials(["scc1 1795815128.016 NONE_NONE 0 - - - - - ERR_CLIENT_GONE 172.17.0.1"]).ShouldBeEmpty();
    }

    [Fact]
    public void Denials_MixedLog_ReturnsOnlyDenialsInOrder()
    {
        string[] log =
        [
            "scc1 1764268800.000 TCP_MISS 200 GET allowed.example 80 - - - 172.30.0.3",
            "garbage",
            "scc1 1764268801.500 TCP_DENIED 403 GET denied.example 80 - - ERR_ACCESS_DENIED 172.30.0.3",
            "scc1 1764268802.000 TCP_DENIED 200 CONNECT 203.0.113.9 443 - bump ERR_ACCESS_DENIED 172.30.0.3",
        ];
        SquidAccessLog.Denials(log).ShouldBe([
            new EgressDenial("denied.example", 80, DateTimeOffset.FromUnixTimeMilliseconds(1764268801500)),
            new EgressDenial("203.0.113.9", 443, DateTimeOffset.FromUnixTimeMilliseconds(1764268802000)),
        ]);
    }
}
