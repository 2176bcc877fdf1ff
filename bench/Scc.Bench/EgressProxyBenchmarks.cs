using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using Scc.Egress;

namespace Scc.Bench;

/// <summary>
/// Issue 6 target: a 100 MB download through the proxy reaches at least 0.8 of the direct throughput (the Ratio
/// column is time, so throughput is its inverse, per category): plain HTTP (Squid relays the body) and HTTPS (a
/// spliced CONNECT tunnel, what almost all agent traffic is), each with .NET's HttpClient (64 KB reads) and with curl
/// as the client; and plain HTTP from a server paced at ~1 Gbit/s (a fast internet link), for context: the local
/// server otherwise sends as fast as the CPUs allow, and the proxy's second hop competes with the client and the
/// server for this machine's cores. Needs a Docker engine, the local base image and curl; containers and the network
/// are labelled io.scc.bench=&lt;run&gt; and removed in GlobalCleanup. Traffic stays on a Docker network of this machine.
/// Run: dotnet run -c Release --project bench/Scc.Bench -- --filter '*EgressProxyThroughput*'
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 15, invocationCount: 1)]
[MedianColumn]
[GroupBenchmarksBy(BenchmarkDotNet.Configs.BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class EgressProxyThroughputBenchmarks
{
    private const int Megabytes = 100;
    private EgressDocker _docker = null!;
    private HttpClient _direct = null!;
    private HttpClient _proxied = null!;
    private string _serverIp = null!;
    private string _pacedIp = null!;
    private string _tlsIp = null!;
    private string _proxyUrl = null!;

    [GlobalSetup]
    public void Setup()
    {
        _docker = EgressDocker.Create();
        var server = _docker.StartServer(Megabytes);
        _serverIp = _docker.IpOf(server);
        var paced = _docker.StartServer(Megabytes, "paced-server", megabytesPerSecond: 125);
        _pacedIp = _docker.IpOf(paced);
        var tls = _docker.StartTlsServer(Megabytes);
        var proxy = _docker.StartProxy(["server", "paced-server", "tls-server"]);
        var proxyIp = _docker.IpOf(proxy);
        var tlsIp = _tlsIp = _docker.IpOf(tls);
        _proxyUrl = $"http://{proxyIp}:{EgressProxyContract.ListenPort}";
        EgressDocker.WaitForPort(proxyIp, EgressProxyContract.ListenPort, TimeSpan.FromSeconds(30));
        EgressDocker.WaitForPort(_serverIp, 80, TimeSpan.FromSeconds(30));
        EgressDocker.WaitForPort(_pacedIp, 80, TimeSpan.FromSeconds(30));
        EgressDocker.WaitForPort(tlsIp, 443, TimeSpan.FromSeconds(60));

        // Both clients use the name tls-server (same SNI, same TLS work); the direct one connects to its address.
        var trustAll = new System.Net.Security.SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, _, _, _) => true };
        _direct = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            SslOptions = trustAll,
            ConnectCallback = async (context, token) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                var ip = context.DnsEndPoint.Host == "tls-server" ? tlsIp : context.DnsEndPoint.Host;
                await socket.ConnectAsync(IPAddress.Parse(ip), context.DnsEndPoint.Port, token);
                return new NetworkStream(socket, ownsSocket: true);
            },
        }) { Timeout = TimeSpan.FromMinutes(2) };
        _proxied = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = true,
            Proxy = new WebProxy($"http://{proxyIp}:{EgressProxyContract.ListenPort}"),
            SslOptions = trustAll,
        }) { Timeout = TimeSpan.FromMinutes(2) };
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _direct?.Dispose();
        _proxied?.Dispose();
        _docker?.Dispose();
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("http")]
    public Task<long> HttpDirect() => DownloadAsync(_direct, $"http://{_serverIp}/");

    [Benchmark]
    [BenchmarkCategory("http")]
    public Task<long> HttpThroughProxy() => DownloadAsync(_proxied, "http://server/");

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("http-1gbit")]
    public Task<long> PacedDirect() => DownloadAsync(_direct, $"http://{_pacedIp}/");

    [Benchmark]
    [BenchmarkCategory("http-1gbit")]
    public Task<long> PacedThroughProxy() => DownloadAsync(_proxied, "http://paced-server/");

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("tls")]
    public Task<long> TlsDirect() => DownloadAsync(_direct, "https://tls-server/data");

    [Benchmark]
    [BenchmarkCategory("tls")]
    public Task<long> TlsThroughProxy() => DownloadAsync(_proxied, "https://tls-server/data");

    // The same downloads with curl as the client (libcurl is also git's HTTP stack): the ratio depends on the client's
    // read pattern as much as on the proxy (docs/benchmarks.md, "Plain HTTP through the proxy").
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("http-curl")]
    public long CurlHttpDirect() => Curl($"http://{_serverIp}/");

    [Benchmark]
    [BenchmarkCategory("http-curl")]
    public long CurlHttpThroughProxy() => Curl("http://server/", "--proxy", _proxyUrl);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("tls-curl")]
    public long CurlTlsDirect() => Curl("https://tls-server/data", "--insecure", "--resolve", $"tls-server:443:{_tlsIp}");

    [Benchmark]
    [BenchmarkCategory("tls-curl")]
    public long CurlTlsThroughProxy() => Curl("https://tls-server/data", "--insecure", "--proxy", _proxyUrl);

    private static long Curl(string url, params string[] options)
    {
        var (exitCode, size, output) = EgressDocker.RunProcess("curl", ["--silent", "--show-error", "--output", "/dev/null", "--write-out", "%{size_download}", .. options, url]);
        return exitCode == 0 && long.Parse(size, System.Globalization.CultureInfo.InvariantCulture) == (long)Megabytes << 20
            ? (long)Megabytes << 20
            : throw new InvalidOperationException($"curl {url}: exit {exitCode}: {output}");
    }

    private static async Task<long> DownloadAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        await using var stream = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[1 << 16];
        long total = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            total += read;
        }

        return total == (long)Megabytes << 20 ? total : throw new InvalidOperationException($"short download from {url}: {total} bytes");
    }
}

/// <summary>
/// Time from `docker run` of the proxy to Squid accepting connections on 3128 (what a session start waits for).
/// Run: dotnet run -c Release --project bench/Scc.Bench -- --filter '*EgressProxyStart*'
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 10, invocationCount: 1)]
public class EgressProxyStartBenchmarks
{
    private EgressDocker _docker = null!;
    private string? _proxy;

    [GlobalSetup]
    public void Setup() => _docker = EgressDocker.Create();

    [GlobalCleanup]
    public void Cleanup() => _docker?.Dispose();

    [IterationCleanup]
    public void RemoveProxy()
    {
        if (_proxy is not null)
        {
            EgressDocker.Run("rm", "-f", _proxy);
            _proxy = null;
        }
    }

    [Benchmark]
    public void StartToReady()
    {
        _proxy = _docker.StartProxy(["api.example-agent.test"]);
        EgressDocker.WaitForPort(_docker.IpOf(_proxy), EgressProxyContract.ListenPort, TimeSpan.FromSeconds(30));
    }
}

/// <summary>Docker CLI plumbing for the egress benchmarks: one labelled network, removed on dispose.</summary>
internal sealed class EgressDocker : IDisposable
{
    private const string Label = "io.scc.bench";
    private readonly string _run = "egress-" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _image;
    private readonly string _work;
    private string _network = null!;
    private string _subnet = null!;
    private int _count;

    private EgressDocker(string image)
    {
        _image = image;
        _work = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "scc-bench-" + _run)).FullName;
    }

    public static EgressDocker Create()
    {
        // SCC_EGRESS_IMAGE names an image to measure as it is; otherwise the working tree's Dockerfile is built each
        // time (the cache makes that quick), so an image of an older Dockerfile is never measured by mistake.
        var named = Environment.GetEnvironmentVariable("SCC_EGRESS_IMAGE");
        var image = named ?? "scc-egress-proxy:bench";
        if (named is null)
        {
            var build = Run("build", "-t", image, Path.Combine(RepositoryRoot(), "images", "scc-egress-proxy"));
            if (build.ExitCode != 0)
            {
                throw new InvalidOperationException("could not build the proxy image (is there a Docker engine and debian:bookworm-slim?):\n" + build.Output);
            }
        }

        var docker = new EgressDocker(image);
        docker._network = "scc-bench-" + docker._run;
        Check(Run("network", "create", "--label", $"{Label}={docker._run}", docker._network));
        docker._subnet = Check(Run("network", "inspect", "-f", "{{(index .IPAM.Config 0).Subnet}}", docker._network)).Stdout.Trim();
        return docker;
    }

    /// <summary>
    /// An HTTP/1.0 server of <paramref name="megabytes"/> MB in 1 MB writes; with <paramref name="megabytesPerSecond"/>,
    /// each write waits for its due time (perl-base has no sub-second clock, so /proc/uptime's 10 ms one, against a
    /// deadline per write so that the rounding does not add up).
    /// </summary>
    public string StartServer(int megabytes, string role = "server", int megabytesPerSecond = 0)
    {
        const string server = """
            use IO::Socket::INET; my ($n, $rate) = @ARGV; my $chunk = "x" x 1048576;
            sub now { open my $f, '<', '/proc/uptime' or die; my ($u) = split ' ', scalar <$f>; $u }
            my $s = IO::Socket::INET->new(LocalPort => 80, Listen => 16, ReuseAddr => 1) or die "listen: $!";
            while (my $c = $s->accept) { while (my $l = <$c>) { last if $l =~ /^\r?$/ }
              print $c "HTTP/1.0 200 OK\r\nContent-Length: " . ($n * 1048576) . "\r\nConnection: close\r\n\r\n";
              my $t0 = now();
              for my $i (1 .. $n) { print $c $chunk;
                if ($rate) { my $wait = $t0 + $i / $rate - now(); select(undef, undef, undef, $wait) if $wait > 0 } }
              close $c }
            """;
        var culture = System.Globalization.CultureInfo.InvariantCulture;
        return Start(role, ["--user", "0"], "perl", "-e", server, megabytes.ToString(culture), megabytesPerSecond.ToString(culture));
    }

    public string StartTlsServer(int megabytes)
    {
        // openssl s_server -WWW serves files over TLS; the body is close-delimited HTTP/1.0.
        var script = $"cd /tmp && head -c {megabytes * 1048576} /dev/zero > data && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=tls-server -keyout k -out c 2>/dev/null && exec openssl s_server -quiet -accept 443 -cert c -key k -WWW";
        return Start("tls-server", ["--user", "0", "--entrypoint", "sh"], "-c", script);
    }

    public string StartProxy(IReadOnlyList<string> destinations)
    {
        var policy = EgressMerger.Merge(new([new(EgressSource.Project, destinations)], null, [_subnet])).Policy;
        var config = Path.Combine(_work, $"squid-{_count}.conf");
        File.WriteAllText(config, SquidConfigCompiler.Compile(policy));
        return Start("proxy", ["-v", $"{config}:{EgressProxyContract.ConfigPath}:ro"]);
    }

    public string IpOf(string container) =>
        Check(Run("inspect", "-f", $"{{{{(index .NetworkSettings.Networks \"{_network}\").IPAddress}}}}", container)).Stdout.Trim();

    public static void WaitForPort(string ip, int port, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            try
            {
                using var socket = new TcpClient();
                socket.Connect(IPAddress.Parse(ip), port);
                return;
            }
            catch (SocketException)
            {
                Thread.Sleep(20);
            }
        }

        throw new TimeoutException($"{ip}:{port} did not accept connections within {timeout}");
    }

    public void Dispose()
    {
        foreach (var id in Run("ps", "-aq", "--filter", $"label={Label}={_run}").Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            Run("rm", "-f", id.Trim());
        }

        Run("network", "rm", _network);
        Directory.Delete(_work, recursive: true);
    }

    public static (int ExitCode, string Stdout, string Output) Run(params string[] args) => RunProcess("docker", args);

    /// <summary>A program's exit code, its standard output, and both outputs together (for error messages).</summary>
    public static (int ExitCode, string Stdout, string Output) RunProcess(string program, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout, stdout + stderr.Result);
    }

    private string Start(string role, string[] options, params string[] command)
    {
        var name = $"scc-bench-{_run}-{role}-{_count++}";
        string[] args = ["run", "-d", "--name", name, "--label", $"{Label}={_run}", "--network", _network, "--network-alias", role, .. options, _image, .. command];
        Check(Run(args));
        return name;
    }

    private static (int ExitCode, string Stdout, string Output) Check((int ExitCode, string Stdout, string Output) result) =>
        result.ExitCode == 0 ? result : throw new InvalidOperationException(result.Output);

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Scc.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Scc.sln not found above " + AppContext.BaseDirectory);
    }
}
