using Scc.Core.Config;
using Scc.Core.Errors;
using Scc.Core.Paths;

namespace Scc.Core.Tests.Config;

public sealed class OrgConfigProviderTests : IDisposable
{
    internal const string GoodOrg = """{"schema_version": "1.0.0", "organization": {"name": "O", "id": "o"}, "defaults": {"cache_ttl_hours": 2, "network_policy": "web-egress-enforced"}}""";
    internal const string OtherOrg = """{"schema_version": "1.0.0", "organization": {"name": "O2", "id": "o2"}}""";

    private readonly ScratchDir _dir = new();
    private readonly LoopbackServer _server = new();
    private readonly ManualTime _time = new();
    private readonly Dictionary<string, string> _env = new() { ["ORG_TOKEN"] = "s3cret" };

    public void Dispose()
    {
        _server.Dispose();
        _dir.Dispose();
    }

    private OrgConfigProvider Provider() => new(_dir.Paths, new HttpConfigFetcher(new HttpClient()) { Timeout = TimeSpan.FromSeconds(2) }, new SourceAuth(new MapEnvironment(_env)), _time);

    [Fact]
    public async Task Load_Url_FetchesValidatesCaches_ThenServesFromCacheWithinTtl()
    {
        _server.Map("/org.json", new Canned(200, GoodOrg, ETag: "\"v1\""));
        var provider = Provider();

        var first = await provider.LoadAsync(new OrgSourceSetting(_server.Url("/org.json")), FetchMode.Normal, default);
        _time.Advance(TimeSpan.FromHours(1));
        var second = await provider.LoadAsync(new OrgSourceSetting(_server.Url("/org.json")), FetchMode.Normal, default);

        first.Config.Organization.Id.ShouldBe("o");
        first.FromCache.ShouldBeFalse();
        second.FromCache.ShouldBeTrue();
        _server.Hits("/org.json").ShouldBe(1);
    }

    [Fact]
    public async Task Load_AfterTtl_SendsETag_And304KeepsCache()
    {
        _server.Map("/org.json", r => r.Headers["If-None-Match"] == "\"v1\"" ? new Canned(304, "") : new Canned(200, GoodOrg, ETag: "\"v1\""));
        var provider = Provider();
        var source = new OrgSourceSetting(_server.Url("/org.json"));
        await provider.LoadAsync(source, FetchMode.Normal, default);
        _time.Advance(TimeSpan.FromHours(3));

        var again = await provider.LoadAsync(source, FetchMode.Normal, default);

        _server.Requests.Last().IfNoneMatch.ShouldBe("\"v1\"");
        again.Config.Organization.Id.ShouldBe("o");
        again.FetchedAt.ShouldBe(_time.Now);
        again.Notes.ShouldContain(n => n.Contains("304"));
    }

    [Theory]
    [InlineData(404, "nope", "text/plain", "404")]
    [InlineData(401, "who?", "text/plain", "refused access")]
    [InlineData(500, "boom", "text/plain", "server side")]
    [InlineData(200, "<html><body>Sign in</body></html>", "text/html", "HTML")]
    [InlineData(200, "{\"schema_version\": ", "application/json", "invalid")]
    [InlineData(200, "{\"schema_version\": \"1.0.0\"}", "application/json", "organization")]
    public async Task Load_BadAnswerWithoutCache_IsConfigErrorAndCachesNothing(int status, string body, string type, string expected)
    {
        _server.Map("/org.json", new Canned(status, body, type));
        var provider = Provider();

        var error = await Should.ThrowAsync<ConfigException>(() => provider.LoadAsync(new OrgSourceSetting(_server.Url("/org.json")), FetchMode.Normal, default));

        error.Message.ShouldContain(expected);
        Directory.Exists(provider.Cache.Folder).ShouldBeFalse();
    }

    [Theory]
    [InlineData(500, "boom", "text/plain")]
    [InlineData(200, "{ not json", "application/json")]
    [InlineData(200, "{\"schema_version\": \"1.0.0\", \"organization\": {\"name\": \"\", \"id\": \"BAD\"}}", "application/json")]
    public async Task Load_BadAnswerWithGoodCache_KeepsCacheAndSaysSo(int status, string body, string type)
    {
        var provider = Provider();
        var source = new OrgSourceSetting(_server.Url("/org.json"));
        _server.Map("/org.json", new Canned(200, GoodOrg));
        await provider.LoadAsync(source, FetchMode.Normal, default);
        _server.Map("/org.json", new Canned(status, body, type));

        var refreshed = await provider.LoadAsync(source, FetchMode.Refresh, default);

        refreshed.FromCache.ShouldBeTrue();
        refreshed.Config.Organization.Id.ShouldBe("o");
        refreshed.Notes.ShouldContain(n => n.Contains("Using the cached org config"));
        provider.Cache.Read(source.Source, out _)!.Text.ShouldBe(GoodOrg);
    }

    [Fact]
    public async Task Load_Offline_UsesCacheOnlyAndSaysHowOld()
    {
        var provider = Provider();
        var source = new OrgSourceSetting(_server.Url("/org.json"));
        await Should.ThrowAsync<ConfigException>(() => provider.LoadAsync(source, FetchMode.Offline, default));
        _server.Map("/org.json", new Canned(200, GoodOrg));
        await provider.LoadAsync(source, FetchMode.Normal, default);
        _time.Advance(TimeSpan.FromHours(30));

        var offline = await provider.LoadAsync(source, FetchMode.Offline, default);

        offline.FromCache.ShouldBeTrue();
        offline.Notes.ShouldContain(n => n.Contains("offline") && n.Contains("30 h"));
        _server.Hits("/org.json").ShouldBe(1);
    }

    [Fact]
    public async Task Load_TruncatedCache_IsIgnoredAndReported()
    {
        var provider = Provider();
        var source = new OrgSourceSetting(_server.Url("/org.json"));
        _server.Map("/org.json", new Canned(200, GoodOrg));
        await provider.LoadAsync(source, FetchMode.Normal, default);
        var file = provider.Cache.PathFor(source.Source);
        File.WriteAllText(file, File.ReadAllText(file)[..40]);

        await Should.ThrowAsync<ConfigException>(() => provider.LoadAsync(source, FetchMode.Offline, default));
        var refetched = await provider.LoadAsync(source, FetchMode.Normal, default);

        refetched.FromCache.ShouldBeFalse();
        refetched.Notes.ShouldContain(n => n.Contains("damaged"));
    }

    [Theory]
    [InlineData("http://org.example.invalid/org.json", "plain http://")]
    [InlineData("ftp://org.example.invalid/org.json", "https://")]
    public async Task Load_NonHttpsUrl_IsRefused(string url, string expected)
    {
        var error = await Should.ThrowAsync<ConfigException>(() => Provider().LoadAsync(new OrgSourceSetting(url), FetchMode.Normal, default));

        error.Message.ShouldContain(expected);
    }

    [Fact]
    public async Task Fetch_ServerNeverAnswers_TimesOutWithClearError()
    {
        // A loopback socket that accepts and then says nothing.
        var silent = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start();
        try
        {
            var port = ((System.Net.IPEndPoint)silent.LocalEndpoint).Port;
            var fetcher = new HttpConfigFetcher(new HttpClient()) { Timeout = TimeSpan.FromMilliseconds(300) };
            var watch = System.Diagnostics.Stopwatch.StartNew();

            var error = await Should.ThrowAsync<ConfigException>(() =>
                fetcher.GetAsync(new Uri($"http://127.0.0.1:{port}/org.json"), null, new Dictionary<string, string>(), default));

            error.Message.ShouldContain("did not answer");
            watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10));
        }
        finally
        {
            silent.Stop();
        }
    }

    [Fact]
    public async Task Load_EnvAuth_SendsBearerToken()
    {
        _server.Map("/org.json", r => r.Headers["Authorization"] == "Bearer s3cret" ? new Canned(200, GoodOrg) : new Canned(401, "no"));

        var snapshot = await Provider().LoadAsync(new OrgSourceSetting(_server.Url("/org.json"), "env:ORG_TOKEN"), FetchMode.Normal, default);

        snapshot.Config.Organization.Id.ShouldBe("o");
    }

    [Fact]
    public async Task Load_CommandAuthFromUserConfig_RunsCommandIntoCustomHeader()
    {
        _server.Map("/org.json", r => r.Headers["X-Token"] == "from-cmd" ? new Canned(200, GoodOrg) : new Canned(403, "no"));

        var snapshot = await Provider().LoadAsync(new OrgSourceSetting(_server.Url("/org.json"), "command:echo from-cmd", "X-Token"), FetchMode.Normal, default);

        snapshot.Config.Organization.Id.ShouldBe("o");
    }

    [Fact]
    public void Auth_MissingVariableOrBadForm_IsConfigError()
    {
        var auth = new SourceAuth(new MapEnvironment(new Dictionary<string, string>()));

        Should.Throw<ConfigException>(() => auth.Resolve("env:NOPE", true, "x")).Message.ShouldContain("NOPE");
        Should.Throw<ConfigException>(() => auth.Resolve("plaintext-token", true, "x"));
        Should.Throw<GovernanceException>(() => auth.Resolve("command:echo hi", fromLocalConfig: false, "x")).Message.ShouldContain("remote");
    }

    [Fact]
    public async Task Load_LocalFile_IsReadEveryTimeWithoutCache()
    {
        var path = _dir.Write("org/org.json", GoodOrg);

        var snapshot = await Provider().LoadAsync(new OrgSourceSetting(path), FetchMode.Offline, default);

        snapshot.IsRemote.ShouldBeFalse();
        snapshot.LocalFolder.ShouldBe(Path.GetDirectoryName(path));
    }
}
