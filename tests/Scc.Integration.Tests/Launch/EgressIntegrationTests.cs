using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Scc.Integration.Tests.Runtime;
using Scc.Testing;

namespace Scc.Integration.Tests.Launch;

/// <summary>
/// web-egress-enforced through `scc start` on the real engine (issue 6 item 7). The test makes its own "outside"
/// network (the runtime.egress_network setting points the proxy at it) with an allowed and a denied HTTP server;
/// the org allows the allowed server by name and opens exactly that network's private subnet. All traffic stays
/// on Docker networks of this machine, between containers this test started.
/// </summary>
[Collection("sandbox")]
public sealed class EgressIntegrationTests : IAsyncLifetime, IDisposable
{
    private const string HttpServer = """
        use IO::Socket::INET; my $body = $ARGV[0];
        my $s = IO::Socket::INET->new(LocalPort => 80, Listen => 16, ReuseAddr => 1) or die "listen: $!";
        while (my $c = $s->accept) { while (my $l = <$c>) { last if $l =~ /^\r?$/ }
          print $c "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " . length($body) . "\r\nConnection: close\r\n\r\n$body"; close $c }
        """;

    // A DNS "resolver" that only logs: any query that reaches it shows in `docker logs`.
    private const string LoggingResolver = """
        use IO::Socket::INET; $| = 1;
        my $s = IO::Socket::INET->new(LocalPort => 53, Proto => 'udp') or die "bind: $!";
        while (1) { my $b; $s->recv($b, 2048) or next; print "query from ", $s->peerhost, "\n" }
        """;

    // Sends one datagram to each address:port given (a DNS query to port 53); exit 0 whether or not it is delivered.
    private const string SendDatagrams = """
        use IO::Socket::INET;
        for my $to (@ARGV) { my ($h, $p) = split /:/, $to;
          my $s = IO::Socket::INET->new(PeerAddr => $h, PeerPort => $p, Proto => 'udp') or next;
          for (1 .. 3) { $s->send(pack('nnnnnn', 7, 0x100, 1, 0, 0, 0) . "\x05exfil\x04scc\x04test\x00\x00\x01\x00\x01") }
          my $r = ''; my $in = ''; vec($in, fileno($s), 1) = 1;
          if (select($in, undef, undef, 1)) { $s->recv($r, 512); print "answer from $to\n" if length $r } }
        """;

    private const string RealCurl = "/usr/libexec/scc/real/curl";
    private readonly DockerTestEngine _engine = new();
    private readonly TestEnvironment _env = new();
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    public Task InitializeAsync() => _engine.InitializeAsync();

    public async Task DisposeAsync()
    {
        await SccProcess.ShellAsync($"docker rm -f $(docker ps -aq --filter label=scc.test={_run}) 2>/dev/null; docker network rm scc-test-out-{_run} 2>/dev/null; true");
        await _engine.DisposeAsync();
    }

    public void Dispose() => _env.Dispose();

    private async Task<string> DockerAsync(string command)
    {
        var r = await SccProcess.ShellAsync(command);
        r.ExitCode.ShouldBe(0, r.ToString());
        return r.Out.Trim();
    }

    [SkippableFact]
    public async Task StartEnforced_OnlyAllowedDestinationThroughProxy_NoDnsNoBypass_CleanedUp()
    {
        _engine.RequireEngine();
        var outside = $"scc-test-out-{_run}";
        var allowed = $"allowed-{_run}";
        var denied = $"denied-{_run}";
        var tls = $"tls-{_run}";
        var resolver = $"resolver-{_run}";
        await DockerAsync($"docker network create --label scc.test={_run} {outside}");
        var subnet = await DockerAsync($"docker network inspect -f '{{{{(index .IPAM.Config 0).Subnet}}}}' {outside}");
        foreach (var (name, body) in new[] { (allowed, "allowed-ok"), (denied, "denied-ok") })
        {
            var script = HttpServer.Replace("'", "'\\''", StringComparison.Ordinal);
            await DockerAsync($"docker run -d --name {name} --label scc.test={_run} --network {outside} --network-alias {name} debian:bookworm-slim perl -e '{script}' {body}");
        }

        await DockerAsync($"docker run -d --name {tls} --label scc.test={_run} --network {outside} --network-alias {tls} --user 0 --entrypoint sh scc-base -c " +
            $"'openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN={tls} -keyout /tmp/k -out /tmp/c 2>/dev/null && exec openssl s_server -quiet -accept 443 -cert /tmp/c -key /tmp/k -www'");
        await DockerAsync($"docker run -d --name {resolver} --label scc.test={_run} --network {outside} --user 0 debian:bookworm-slim perl -e '{LoggingResolver.Replace("'", "'\\''", StringComparison.Ordinal)}'");
        var resolverIp = await DockerAsync($"docker inspect -f '{{{{(index .NetworkSettings.Networks \"{outside}\").IPAddress}}}}' {resolver}");
        var outsideGateway = await DockerAsync($"docker network inspect -f '{{{{(index .IPAM.Config 0).Gateway}}}}' {outside}");
        var allowedIp = await DockerAsync($"docker inspect -f '{{{{(index .NetworkSettings.Networks \"{outside}\").IPAddress}}}}' {allowed}");
        var org = Path.Combine(_env.Root, "org.json");
        File.WriteAllText(org, new JsonObject
        {
            ["schema_version"] = "1.0.0",
            ["organization"] = new JsonObject { ["name"] = "Egress test", ["id"] = "egress-test" },
            ["defaults"] = new JsonObject
            {
                ["network_policy"] = "web-egress-enforced",
                ["egress"] = new JsonObject { ["destinations"] = new JsonArray(allowed, tls), ["private_networks"] = new JsonArray(subnet) },
            },
        }.ToJsonString());
        var configDir = Path.Combine(_env.Root, "config", "scc");
        Directory.CreateDirectory(configDir);
        var runtime = new JsonObject { ["egress_network"] = outside };
        if (File.Exists("/etc/ssl/certs/ca-certificates.crt"))
        {
            runtime["extra_ca_certificates"] = new JsonArray("/etc/ssl/certs/ca-certificates.crt");
        }

        File.WriteAllText(Path.Combine(configDir, "config.json"), new JsonObject { ["runtime"] = runtime }.ToJsonString());
        var ws = _env.Dir("enforced");
        var show = await SccProcess.RunAsync(_env, "--org-config", org, "egress", "show", ws, "--provider", "claude", "--json", "--raw");
        show.ExitCode.ShouldBe(0, show.ToString());
        var shown = JsonNode.Parse(show.Out)!["data"]!;
        shown["destinations"]!.AsArray().ShouldContain(d => d!["destination"]!.GetValue<string>() == allowed && d["source"]!.GetValue<string>() == "org-defaults");
        shown["destinations"]!.AsArray().ShouldContain(d => d!["destination"]!.GetValue<string>() == "api.anthropic.com" && d["source"]!.GetValue<string>() == "provider:claude");
        shown["proxyConfig"]!.GetValue<string>().ShouldContain("http_access deny");

        var start = await SccProcess.RunAsync(_env, "--org-config", org, "start", ws, "--provider", "claude", "--detach", "--json");
        start.ExitCode.ShouldBe(0, start.ToString());
        var sessionId = JsonNode.Parse(start.Out)!["data"]!["session"]!.GetValue<string>();
        try
        {
            async Task<ProcessResult> Exec(params string[] argv) => await SccProcess.RunAsync(_env, ["exec", sessionId, "--", .. argv]);

            var ok = await Exec(RealCurl, "-sS", "--max-time", "15", $"http://{allowed}/");
            ok.ExitCode.ShouldBe(0, ok.ToString());
            ok.Out.ShouldBe("allowed-ok");

            var no = await Exec(RealCurl, "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "15", $"http://{denied}/");
            no.Out.ShouldBe("403", no.ToString());

            var literal = await Exec(RealCurl, "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "15", $"http://{allowedIp}/");
            literal.Out.ShouldBe("403", literal.ToString());

            var direct = await Exec(RealCurl, "-sS", "--noproxy", "*", "--max-time", "5", $"http://{allowedIp}/");
            direct.ExitCode.ShouldNotBe(0, direct.ToString());
            direct.Out.ShouldNotContain("allowed-ok");

            var connectPlain = await Exec(RealCurl, "-sS", "-p", "-o", "/dev/null", "--max-time", "10", $"http://{allowed}:80/");
            connectPlain.ExitCode.ShouldNotBe(0, "CONNECT to a non-TLS port must be refused: " + connectPlain);

            // TLS: the allowed name as SNI is spliced end to end (the server's own certificate); a CONNECT to the
            // allowed host whose ClientHello names another (denied) host is terminated by the proxy.
            var sniOk = await Exec("sh", "-c", $"openssl s_client -proxy scc-egress:3128 -connect {tls}:443 -servername {tls} -brief </dev/null 2>&1");
            sniOk.Out.ShouldContain("CONNECTION ESTABLISHED", customMessage: sniOk.ToString());
            sniOk.Out.ShouldContain($"CN = {tls}", customMessage: sniOk.ToString());
            var sniBad = await Exec("sh", "-c", $"openssl s_client -proxy scc-egress:3128 -connect {tls}:443 -servername {denied} -brief </dev/null 2>&1");
            sniBad.Out.ShouldNotContain("CONNECTION ESTABLISHED", customMessage: sniBad.ToString());
            sniBad.Out.ShouldNotContain($"CN = {tls}", customMessage: sniBad.ToString());

            // DNS: the proxy's alias resolves (the engine's embedded DNS); nothing else does, allowed names included
            // (the proxy resolves those on the agent's behalf).
            var alias = await Exec("getent", "hosts", "scc-egress");
            alias.ExitCode.ShouldBe(0, alias.ToString());
            foreach (var name in new[] { denied, allowed, "example.invalid", "nothing-serves-this.scc-test.invalid" })
            {
                var dns = await Exec("getent", "hosts", name);
                dns.ExitCode.ShouldNotBe(0, $"{name} must not resolve inside the agent: {dns}");
            }

            // No path out for a query sent past the embedded DNS: not to a resolver on the proxy's outside network,
            // and not to the host itself (on engine 20.10 an internal network's bridge carries a host address and the
            // containers' default route points at it; scc's networks have no host address).
            var internalSubnet = await DockerAsync($"docker network inspect -f '{{{{(index .IPAM.Config 0).Subnet}}}}' $(docker network ls -q --filter label=scc.session={sessionId})");
            var firstHost = IPNetwork.Parse(internalSubnet).BaseAddress.GetAddressBytes();
            firstHost[3]++;
            using var hostListener = new UdpClient(new IPEndPoint(IPAddress.Any, 0));
            var port = ((IPEndPoint)hostListener.Client.LocalEndPoint!).Port;
            var targets = new[] { $"{resolverIp}:53", $"{new IPAddress(firstHost)}:{port}", $"{outsideGateway}:{port}", $"172.17.0.1:{port}" };
            var sent = await Exec(["perl", "-e", SendDatagrams, .. targets]);
            sent.ExitCode.ShouldBe(0, sent.ToString());
            sent.Out.ShouldNotContain("answer from", customMessage: sent.ToString());
            (await ReceiveAsync(hostListener, TimeSpan.FromSeconds(2))).ShouldBeNull($"a datagram from the agent reached the host ({string.Join(", ", targets)})");
            (await DockerAsync($"docker logs {resolver} 2>&1")).ShouldNotContain("query from");

            // Controls: the listeners do hear a container that is allowed to talk to them.
            await DockerAsync($"docker run --rm --label scc.test={_run} --network {outside} debian:bookworm-slim perl -e '{SendDatagrams.Replace("'", "'\\''", StringComparison.Ordinal)}' {resolverIp}:53 {outsideGateway}:{port}");
            (await ReceiveAsync(hostListener, TimeSpan.FromSeconds(5))).ShouldNotBeNull("the host listener must hear a container on the outside network");
            (await DockerAsync($"docker logs {resolver} 2>&1")).ShouldContain("query from");

            var env = await Exec("sh", "-c", "echo \"$HTTP_PROXY|$HTTPS_PROXY|$http_proxy|$https_proxy|$NO_PROXY\"");
            env.Out.Trim().ShouldBe("http://scc-egress:3128|http://scc-egress:3128|http://scc-egress:3128|http://scc-egress:3128|");

            var testAllowed = await SccProcess.RunAsync(_env, "egress", "test", sessionId, $"http://{allowed}/");
            testAllowed.ExitCode.ShouldBe(0, testAllowed.ToString());
            testAllowed.Out.ShouldStartWith("allowed");
            var testDenied = await SccProcess.RunAsync(_env, "egress", "test", sessionId, $"http://{denied}/");
            testDenied.ExitCode.ShouldBe(6, testDenied.ToString());
            testDenied.Out.ShouldStartWith("denied");
        }
        finally
        {
            (await SccProcess.RunAsync(_env, "stop", sessionId)).ExitCode.ShouldBe(0);
        }

        var left = await SccProcess.ShellAsync($"docker ps -aq --filter label=scc.session={sessionId}; docker network ls -q --filter label=scc.session={sessionId}");
        left.Out.Trim().ShouldBeEmpty(left.ToString());
        var audit = JsonNode.Parse((await SccProcess.RunAsync(_env, "audit", "tail", "-n", "200", "--json")).Out)!["data"]!.AsArray();
        audit.ShouldContain(e => e!["type"]!.GetValue<string>() == "egress.setup");
        audit.ShouldContain(e => e!["type"]!.GetValue<string>() == "egress.denied" && e["data"]!["host"]!.GetValue<string>() == denied);
        audit.ShouldContain(e => e!["type"]!.GetValue<string>() == "egress.teardown");
        audit.ShouldContain(e => e!["type"]!.GetValue<string>() == "egress.denied" && e["data"]!["host"]!.GetValue<string>() == tls && e["data"]!["port"]!.GetValue<int>() == 443);
    }

    private static async Task<byte[]?> ReceiveAsync(UdpClient listener, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            return (await listener.ReceiveAsync(cts.Token)).Buffer;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }
}
