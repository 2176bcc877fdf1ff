namespace Scc.Egress.Tests.Docker;

/// <summary>
/// A compiled policy enforced by the real proxy. Topology (the one docs/egress.md prescribes, built by hand here):
/// an "outside" network with an allowed, a denied and a TLS server; an internal network with the proxy and a client
/// standing in for the agent. Every container and network is labelled with this run's id and removed at the end.
/// </summary>
[Trait("Category", "Docker")]
public sealed class ProxyTrafficTests
{
    // perl-base is in every Debian image, so the servers and the client need no extra packages.
    private const string HttpServer = """
        use IO::Socket::INET; my $body = $ARGV[0]; my $port = $ARGV[1] || 80;
        my $s = IO::Socket::INET->new(LocalPort => $port, Listen => 16, ReuseAddr => 1) or die "listen: $!";
        while (my $c = $s->accept) { while (my $l = <$c>) { last if $l =~ /^\r?$/ }
          print $c "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " . length($body) . "\r\nConnection: close\r\n\r\n$body"; close $c }
        """;

    // For CONNECT it also tries to use the tunnel: a denied CONNECT must never carry a byte to the server.
    private const string ProxyRequest = """
        use IO::Socket::INET; my ($method, $target, $host) = @ARGV; $SIG{ALRM} = sub { print "\nTIMEOUT\n"; exit 3 }; alarm 6;
        my $s = IO::Socket::INET->new(PeerAddr => "proxy:3128", Timeout => 10) or die "connect failed: $!\n";
        print $s "$method $target HTTP/1.1\r\nHost: $host\r\nConnection: close\r\n\r\n";
        my $status = <$s>; print $status;
        if ($method eq "CONNECT") { while (my $l = <$s>) { last if $l =~ /^\r?$/ } print $s "GET / HTTP/1.0\r\nHost: $host\r\n\r\n"; }
        local $/; my $rest = <$s>; print $rest if defined $rest;
        """;

    private const string DirectConnect = """
        use IO::Socket::INET; exit(IO::Socket::INET->new(PeerAddr => $ARGV[0], Timeout => 3) ? 0 : 1);
        """;

    [SkippableFact]
    public async Task Proxy_CompiledPolicy_AllowsListedAndDeniesEverythingElse()
    {
        await DockerCli.RequireProxyImageAsync();
        var run = "egress-" + Guid.NewGuid().ToString("N")[..10];
        var label = $"{DockerCli.TestLabel}={run}";
        var work = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "scc-" + run));
        try
        {
            var (outside, inside, subnet) = await CreateNetworksAsync(run);

            await StartAsync(run, "allowed", outside, ["--user", "0"], "perl", "-e", HttpServer, "allowed-ok");
            await StartAsync(run, "denied", outside, ["--user", "0"], "perl", "-e", HttpServer, "denied-ok");
            await StartAsync(run, "wild", outside, ["--user", "0", "--network-alias", "api.wild.test", "--network-alias", "wild.test"], "perl", "-e", HttpServer, "wild-ok");
            await StartAsync(run, "alt", outside, ["--user", "0"], "perl", "-e", HttpServer, "alt-ok", "8080");
            await StartAsync(run, "tls", outside, ["--user", "0"], "sh", "-c",
                "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=tls -keyout /tmp/k -out /tmp/c 2>/dev/null && exec openssl s_server -quiet -accept 443 -cert /tmp/c -key /tmp/k -www");

            // The test servers live on a Docker network, i.e. in a private range: the org opens exactly that
            // subnet, as an on-premises site would for an internal registry.
            var merged = EgressMerger.Merge(new([new(EgressSource.Project, ["allowed", "tls", "*.wild.test", "alt:8080"])], null, [subnet]));
            merged.Problems.ShouldBeEmpty();
            var configPath = Path.Combine(work.FullName, "squid.conf");
            await File.WriteAllTextAsync(configPath, SquidConfigCompiler.Compile(merged.Policy));
            var logs = Directory.CreateDirectory(Path.Combine(work.FullName, "log"));
            if (!OperatingSystem.IsWindows())
            {
                // The proxy runs as Debian's squid user (uid 13) and must write into the mounted folder.
                File.SetUnixFileMode(logs.FullName, (UnixFileMode)0x1FF);
            }

            // Run exactly as docs/egress.md tells the runtime to: read-only, no capabilities, tmpfs for state.
            var (proxy, client) = await StartProxyAndClientAsync(run, inside, outside,
            [
                "--read-only", "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
                "--tmpfs", $"{EgressProxyContract.StateDirectory}:uid=13,gid=13,mode=0700", "--tmpfs", "/var/spool/squid:uid=13,gid=13", "--tmpfs", "/tmp",
                "-v", $"{configPath}:{EgressProxyContract.ConfigPath}:ro", "-v", $"{logs.FullName}:{EgressProxyContract.LogDirectory}",
            ]);

            var allowedIp = (await Docker("inspect", "-f", $"{{{{(index .NetworkSettings.Networks \"{outside}\").IPAddress}}}}", $"scc-it-{run}-allowed")).Stdout.Trim();

            // Allowed name over plain HTTP: answered through the proxy.
            var ok = await ExecAsync(client, "perl", "-e", ProxyRequest, "GET", "http://allowed/", "allowed");
            ok.Stdout.ShouldStartWith("HTTP/1.1 200", customMessage: ok.Output);
            ok.Stdout.ShouldContain("allowed-ok");

            // '*.wild.test' allows its subdomains, not the domain itself.
            var sub = await ExecAsync(client, "perl", "-e", ProxyRequest, "GET", "http://api.wild.test/", "api.wild.test");
            sub.Stdout.ShouldContain("wild-ok", customMessage: sub.Output);
            var apex = await ExecAsync(client, "perl", "-e", ProxyRequest, "GET", "http://wild.test/", "wild.test");
            apex.Stdout.ShouldStartWith("HTTP/1.1 403", customMessage: apex.Output);

            // 'alt:8080' opens port 8080 for that host only, and no longer the default port 80.
            var alt = await ExecAsync(client, "perl", "-e", ProxyRequest, "GET", "http://alt:8080/", "alt:8080");
            alt.Stdout.ShouldContain("alt-ok", customMessage: alt.Output);
            var alt80 = await ExecAsync(client, "perl", "-e", ProxyRequest, "GET", "http://alt/", "alt");
            alt80.Stdout.ShouldStartWith("HTTP/1.1 403", customMessage: alt80.Output);
            var allowed8080 = await ExecAsync(client, "perl", "-e", ProxyRequest, "GET", "http://allowed:8080/", "allowed:8080");
            allowed8080.Stdout.ShouldStartWith("HTTP/1.1 403", customMessage: allowed8080.Output);

            // An allowed CONNECT (alt:8080 is a named port, so CONNECT is allowed there) still carries only TLS:
            // plain bytes in the tunnel are refused, never relayed to the plain HTTP server behind it.
            var plainTunnel = await ExecAsync(client, "perl", "-e", ProxyRequest, "CONNECT", "alt:8080", "alt:8080");
            plainTunnel.Stdout.ShouldStartWith("HTTP/1.1 200", customMessage: plainTunnel.Output);
            plainTunnel.Stdout.ShouldNotContain("alt-ok", customMessage: plainTunnel.Output);

            // A name not on the list: 403 from the proxy, and the server never sees it.
            var denied = await ExecAsync(client, "perl", "-e", ProxyRequest, "GET", "http://denied/", "denied");
            denied.Stdout.ShouldStartWith("HTTP/1.1 403", customMessage: denied.Output);
            denied.Stdout.ShouldNotContain("denied-ok");

            // The allowed server's IP literal is not the allowed name.
            var literal = await ExecAsync(client, "perl", "-e", ProxyRequest, "GET", $"http://{allowedIp}/", allowedIp);
            literal.Stdout.ShouldStartWith("HTTP/1.1 403", customMessage: literal.Output);

            // CONNECT to a port that is not a TLS port. With ssl-bump on the port Squid answers a denied CONNECT
            // "200 established" and then closes it (docs/egress.md); what matters is that nothing reaches the server.
            var connect80 = await ExecAsync(client, "perl", "-e", ProxyRequest, "CONNECT", "allowed:80", "allowed:80");
            connect80.Stdout.ShouldMatch("^HTTP/1.1 (403|200)", connect80.Output);
            connect80.Stdout.ShouldNotContain("allowed-ok", customMessage: connect80.Output);

            // Plain HTTP to a port nobody named.
            var port22 = await ExecAsync(client, "perl", "-e", ProxyRequest, "GET", "http://allowed:22/", "allowed");
            port22.Stdout.ShouldStartWith("HTTP/1.1 403", customMessage: port22.Output);

            // No way around the proxy: the agent side cannot reach the server directly, nor resolve outside names.
            (await ExecAsync(client, "perl", "-e", DirectConnect, $"{allowedIp}:80")).ExitCode.ShouldNotBe(0);
            (await ResolvesAsync(client, "proxy")).ShouldBeTrue("the proxy's alias on the internal network must resolve");
            (await ResolvesAsync(client, "denied")).ShouldBeFalse();
            (await ResolvesAsync(client, "allowed")).ShouldBeFalse();
            (await ResolvesAsync(client, "scc-test.invalid")).ShouldBeFalse();

            // TLS with the allowed name as SNI is spliced end to end; any other SNI is terminated.
            var tlsOk = await ExecAsync(client, "sh", "-c", "openssl s_client -proxy proxy:3128 -connect tls:443 -servername tls -brief </dev/null 2>&1");
            tlsOk.Output.ShouldContain("CONNECTION ESTABLISHED", customMessage: tlsOk.Output);
            tlsOk.Output.ShouldContain("CN = tls");
            var tlsBad = await ExecAsync(client, "sh", "-c", "openssl s_client -proxy proxy:3128 -connect tls:443 -servername evil.example -brief </dev/null 2>&1");
            tlsBad.Output.ShouldNotContain("CONNECTION ESTABLISHED", customMessage: tlsBad.Output);

            // The TLS server's IP literal with the allowed SNI: the proxy serves its own error (its throw-away
            // certificate), never the server's.
            var tlsIp = (await Docker("inspect", "-f", $"{{{{(index .NetworkSettings.Networks \"{outside}\").IPAddress}}}}", $"scc-it-{run}-tls")).Stdout.Trim();
            var tlsLiteral = await ExecAsync(client, "sh", "-c", $"openssl s_client -proxy proxy:3128 -connect {tlsIp}:443 -servername tls -brief </dev/null 2>&1");
            tlsLiteral.Output.ShouldNotContain("CN = tls", customMessage: tlsLiteral.Output);

            // The host reads denials from the mounted log; the same lines reach `docker logs`.
            var accessLog = Path.Combine(logs.FullName, "access.log");
            var lines = await ReadLogAsync(accessLog, 8);
            if (!OperatingSystem.IsWindows())
            {
                // scc reads it as the invoking user, not as the proxy's uid 13.
                File.GetUnixFileMode(accessLog).HasFlag(UnixFileMode.OtherRead).ShouldBeTrue();
            }

            var denials = SquidAccessLog.Denials(lines);
            denials.ShouldContain(d => d.Host == "denied" && d.Port == 80, string.Join('\n', lines));
            denials.ShouldContain(d => d.Host == allowedIp && d.Port == 80);
            denials.ShouldContain(d => d.Host == "allowed" && d.Port == 22);
            denials.ShouldContain(d => d.Host == "allowed" && d.Port == 80 && lines.Any(l => l.Contains(" CONNECT allowed 80 ", StringComparison.Ordinal)));
            denials.ShouldContain(d => d.Host == tlsIp && d.Port == 443);
            denials.ShouldContain(d => d.Host == "alt" && d.Port == 8080);
            lines.ShouldNotContain(l => l.Contains(" 127.0.0.1", StringComparison.Ordinal), "health checks must stay out of the access log");
            SquidAccessLog.Parse(lines).Where(e => e.Method == "GET" && e.Host == "allowed" && e.Port == 80).ShouldAllBe(e => !e.IsDenied);
            SquidAccessLog.Parse(lines).Where(e => e.Host == "tls" && e.Sni == "tls").ShouldAllBe(e => !e.IsDenied);
            denials.ShouldAllBe(d => Math.Abs((DateTimeOffset.UtcNow - d.Time).TotalMinutes) < 10);
            var sniDenied = SquidAccessLog.Parse(lines).Where(e => e.Sni == "evil.example").ToList();
            sniDenied.ShouldNotBeEmpty(string.Join('\n', lines));
            sniDenied.ShouldAllBe(e => e.IsDenied, string.Join('\n', lines));
            (await Docker("logs", proxy)).Stdout.ShouldContain("scc1 ");
        }
        finally
        {
            await DockerCli.RemoveLabelledAsync(run);
            (await Docker("ps", "-aq", "--filter", "label=" + label)).Stdout.Trim().ShouldBeEmpty();
            (await Docker("network", "ls", "-q", "--filter", "label=" + label)).Stdout.Trim().ShouldBeEmpty();
            work.Delete(recursive: true);
        }
    }

    [SkippableFact]
    public async Task Proxy_AllowedNameResolvingToPrivateAddress_DeniedWithoutPrivateNetworks()
    {
        await DockerCli.RequireProxyImageAsync();
        var run = "egress-" + Guid.NewGuid().ToString("N")[..10];
        var work = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "scc-" + run));
        try
        {
            var (outside, inside, _) = await CreateNetworksAsync(run);
            await StartAsync(run, "allowed", outside, ["--user", "0"], "perl", "-e", HttpServer, "allowed-ok");

            // "allowed" is on the list, but resolves into a Docker (private) subnet the org did not open.
            var configPath = Path.Combine(work.FullName, "squid.conf");
            await File.WriteAllTextAsync(configPath, SquidConfigCompiler.Compile(EgressMerger.Merge(new([new(EgressSource.Project, ["allowed"])])).Policy));
            var (proxy, client) = await StartProxyAndClientAsync(run, inside, outside, ["-v", $"{configPath}:{EgressProxyContract.ConfigPath}:ro"]);

            var result = await ExecAsync(client, "perl", "-e", ProxyRequest, "GET", "http://allowed/", "allowed");
            result.Stdout.ShouldStartWith("HTTP/1.1 403", customMessage: result.Output);
            result.Stdout.ShouldNotContain("allowed-ok");
        }
        finally
        {
            await DockerCli.RemoveLabelledAsync(run);
            work.Delete(recursive: true);
        }
    }

    [SkippableFact]
    public async Task Proxy_PlainHttpBody_RelayedToTheClientInLargeWrites()
    {
        // The image's Squid is rebuilt with a 64 KB client buffer (images/scc-egress-proxy/Dockerfile): Debian's binary
        // writes a response body to the client 4 KB at a time, which holds plain HTTP to a fraction of a direct
        // download. Squid's write() count over an 8 MB download tells the two apart: ≥ 2,048 with 4 KB pieces.
        await DockerCli.RequireProxyImageAsync();
        var run = "egress-" + Guid.NewGuid().ToString("N")[..10];
        var work = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "scc-" + run));
        try
        {
            const int Size = 8 << 20;
            var (proxy, client) = await StartServerProxyAndClientAsync(run, work, "big", ["--user", "0"], "perl", "-e", "@ARGV = (\"x\" x " + Size + ", 80); " + HttpServer);

            var before = await SquidWritesAsync(proxy);
            var result = await ExecAsync(client, "perl", "-e", ProxyRequest, "GET", "http://big/", "big");
            var writes = await SquidWritesAsync(proxy) - before;

            result.Stdout.ShouldStartWith("HTTP/1.1 200", customMessage: result.Stderr);
            result.Stdout.Length.ShouldBeGreaterThan(Size);
            writes.ShouldBeLessThan(Size / 8192, $"Squid made {writes} write() calls for an {Size >> 20} MB body");
        }
        finally
        {
            await DockerCli.RemoveLabelledAsync(run);
            work.Delete(recursive: true);
        }
    }

    [SkippableFact]
    public async Task Proxy_HttpsTunnel_RelayedInWritesLargerThan64KB()
    {
        // The image's Squid relays a CONNECT tunnel through a 256 KB buffer (images/scc-egress-proxy/Dockerfile);
        // configure's default is capped at 64 KB, which needs at least 128 write() calls for 8 MB. How much each read
        // finds waiting, and how much of each write the client's socket takes at once, depends on the scheduling (a
        // loaded machine splits writes): so downloads are repeated, up to eight, until one takes fewer than 128 writes.
        await DockerCli.RequireProxyImageAsync();
        var run = "egress-" + Guid.NewGuid().ToString("N")[..10];
        var work = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "scc-" + run));
        try
        {
            const int Size = 8 << 20;
            var (proxy, client) = await StartServerProxyAndClientAsync(run, work, "tls", ["--user", "0"], "sh", "-c",
                $"cd /tmp && head -c {Size} /dev/zero > data && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=tls -keyout k -out c 2>/dev/null && exec openssl s_server -quiet -accept 443 -cert c -key k -WWW");

            const int AtLeastWith64KB = Size / (64 << 10);
            var fewest = long.MaxValue;
            for (var i = 0; i < 8 && fewest >= AtLeastWith64KB; i++)
            {
                var before = await SquidWritesAsync(proxy);
                var result = await ExecAsync(client, "sh", "-c",
                    "printf 'GET /data HTTP/1.0\r\n\r\n' | openssl s_client -proxy proxy:3128 -connect tls:443 -servername tls -quiet 2>/dev/null | wc -c");
                var writes = await SquidWritesAsync(proxy) - before;
                long.Parse(result.Stdout.Trim(), System.Globalization.CultureInfo.InvariantCulture).ShouldBeGreaterThan(Size, result.Output);
                fewest = Math.Min(fewest, writes);
            }

            fewest.ShouldBeLessThan(AtLeastWith64KB, $"Squid made at least {fewest} write() calls per {Size >> 20} MB through the tunnel");
        }
        finally
        {
            await DockerCli.RemoveLabelledAsync(run);
            work.Delete(recursive: true);
        }
    }

    /// <summary>Squid's write() calls so far: it is the proxy container's PID 1 (the entrypoint execs it).</summary>
    private static async Task<long> SquidWritesAsync(string proxy)
    {
        var io = await ExecAsync(proxy, "cat", "/proc/1/io");
        io.ExitCode.ShouldBe(0, io.Output);
        return long.Parse(io.Stdout.Split('\n').Single(l => l.StartsWith("syscw:", StringComparison.Ordinal))["syscw:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static Task<CliResult> Docker(params string[] args) => DockerCli.RunAsync(args, TimeSpan.FromSeconds(60));

    /// <summary>The "outside" network (the servers) and the internal one (proxy and client), labelled with the run.</summary>
    private static async Task<(string Outside, string Inside, string OutsideSubnet)> CreateNetworksAsync(string run)
    {
        var label = $"{DockerCli.TestLabel}={run}";
        var outside = $"scc-it-{run}-out";
        var inside = $"scc-it-{run}-in";
        (await Docker("network", "create", "--label", label, outside)).ExitCode.ShouldBe(0);
        (await Docker("network", "create", "--internal", "--label", label, inside)).ExitCode.ShouldBe(0);
        var subnet = (await Docker("network", "inspect", "-f", "{{(index .IPAM.Config 0).Subnet}}", outside)).Stdout.Trim();
        return (outside, inside, subnet);
    }

    /// <summary>One server on the outside network, a compiled policy that allows just it, and the proxy and client.</summary>
    private static async Task<(string Proxy, string Client)> StartServerProxyAndClientAsync(string run, DirectoryInfo work, string server, string[] serverOptions, params string[] serverCommand)
    {
        var (outside, inside, subnet) = await CreateNetworksAsync(run);
        await StartAsync(run, server, outside, serverOptions, serverCommand);
        var configPath = Path.Combine(work.FullName, "squid.conf");
        await File.WriteAllTextAsync(configPath, SquidConfigCompiler.Compile(EgressMerger.Merge(new([new(EgressSource.Project, [server])], null, [subnet])).Policy));
        return await StartProxyAndClientAsync(run, inside, outside, ["-v", $"{configPath}:{EgressProxyContract.ConfigPath}:ro"]);
    }

    /// <summary>The proxy on both networks and a client beside it on the internal one, once the proxy listens.</summary>
    private static async Task<(string Proxy, string Client)> StartProxyAndClientAsync(string run, string inside, string outside, string[] proxyOptions)
    {
        var proxy = await StartAsync(run, "proxy", inside, proxyOptions);
        (await Docker("network", "connect", outside, proxy)).ExitCode.ShouldBe(0);
        var client = await StartAsync(run, "client", inside, [], "sleep", "infinity");
        await WaitForProxyAsync(client, proxy);
        return (proxy, client);
    }

    private static async Task<string> StartAsync(string run, string role, string network, string[] options, params string[] command)
    {
        var name = $"scc-it-{run}-{role}";
        string[] args = ["run", "-d", "--name", name, "--label", $"{DockerCli.TestLabel}={run}", "--network", network, "--network-alias", role, .. options, DockerCli.Image, .. command];
        var result = await DockerCli.RunAsync(args, TimeSpan.FromSeconds(60));
        result.ExitCode.ShouldBe(0, result.Output);
        return name;
    }

    private static Task<CliResult> ExecAsync(string container, params string[] command) =>
        DockerCli.RunAsync(["exec", container, .. command], TimeSpan.FromSeconds(60));

    // Lookups on an internal network time out rather than fail (about 20 s with glibc's defaults); one short
    // attempt is enough to show the name does not resolve.
    private static async Task<bool> ResolvesAsync(string container, string name) =>
        (await DockerCli.RunAsync(["exec", "-e", "RES_OPTIONS=timeout:1 attempts:1", container, "getent", "hosts", name], TimeSpan.FromSeconds(60))).ExitCode == 0;

    private static async Task WaitForProxyAsync(string client, string proxy)
    {
        // The image's HEALTHCHECK is what the runtime waits for; the client's own connect proves the network path.
        for (var i = 0; i < 60; i++)
        {
            var health = (await Docker("inspect", "-f", "{{.State.Health.Status}}", proxy)).Stdout.Trim();
            if (health == "healthy" && (await ExecAsync(client, "perl", "-e", DirectConnect, "proxy:3128")).ExitCode == 0)
            {
                return;
            }

            await Task.Delay(500);
        }

        var logs = await Docker("logs", proxy);
        throw new Xunit.Sdk.XunitException("the proxy did not start listening on 3128:\n" + logs.Output);
    }

    private static async Task<string[]> ReadLogAsync(string path, int atLeast)
    {
        // Squid buffers log writes briefly; wait for the lines rather than sleeping a fixed time.
        string[] lines = [];
        for (var i = 0; i < 40; i++)
        {
            lines = File.Exists(path) ? await File.ReadAllLinesAsync(path) : [];
            if (lines.Count(l => l.StartsWith("scc1 ", StringComparison.Ordinal)) >= atLeast)
            {
                break;
            }

            await Task.Delay(250);
        }

        return lines;
    }
}
