using Scc.Core.Errors;
using Scc.Core.Paths;

namespace Scc.Core.Config;

internal enum FetchMode
{
    /// <summary>Use the cache while it is fresh (TTL), else fetch; fall back to the cache when the fetch fails.</summary>
    Normal,

    /// <summary>Never touch the network: the cache only.</summary>
    Offline,

    /// <summary>Fetch now (conditional GET), whatever the cache's age.</summary>
    Refresh,
}

/// <summary>A validated org config and where it came from.</summary>
internal sealed record OrgConfigSnapshot(
    OrgConfig Config,
    string Source,
    bool IsRemote,
    DateTimeOffset? FetchedAt,
    bool FromCache,
    IReadOnlyList<ConfigDiagnostic> Diagnostics,
    IReadOnlyList<string> Notes)
{
    /// <summary>The org config's own folder when it is a local file (federated team files resolve against it).</summary>
    public string? LocalFolder => IsRemote ? null : Path.GetDirectoryName(Path.GetFullPath(Source));
}

/// <summary>
/// Gets the org config from a local file or an https URL. Remote configs are validated before they are cached;
/// the cache has a TTL (<c>defaults.cache_ttl_hours</c>, 24 h when unset) and an ETag for conditional GETs. An
/// invalid or unreachable config never replaces a good cached one.
/// </summary>
internal sealed class OrgConfigProvider(SccPaths paths, HttpConfigFetcher fetcher, SourceAuth auth, TimeProvider time)
{
    public const int DefaultTtlHours = 24;

    public ConfigCache Cache { get; } = new(Path.Combine(paths.CacheDir, "org"));

    public static bool IsUrl(string source) => source.Contains("://", StringComparison.Ordinal);

    public async Task<OrgConfigSnapshot> LoadAsync(OrgSourceSetting setting, FetchMode mode, CancellationToken cancellationToken)
    {
        if (!IsUrl(setting.Source))
        {
            var path = Path.GetFullPath(setting.Source);
            var result = OrgConfigLoader.LoadFile(path);
            return new OrgConfigSnapshot(result.GetOrThrow(), path, IsRemote: false, null, FromCache: false, result.Diagnostics, []);
        }

        var url = HttpConfigFetcher.CheckUrl(setting.Source, "org config URL");
        var notes = new List<string>();
        var cached = Cache.Read(setting.Source, out var problem);
        if (problem is not null)
        {
            notes.Add(problem + "; it is ignored");
        }

        var now = time.GetUtcNow();
        var cachedResult = cached is null ? null : OrgConfigLoader.Parse(cached.Text, setting.Source);
        if (cachedResult is { IsValid: false })
        {
            notes.Add("the cached org config no longer validates (scc was updated?); it is ignored");
            cached = null;
            cachedResult = null;
        }

        if (mode == FetchMode.Offline)
        {
            if (cached is null)
            {
                throw new ConfigException($"--offline: there is no cached copy of the org config {setting.Source}.",
                    "Run once without --offline (or `scc org update`) to fetch it.");
            }

            notes.Add($"offline: using the cached org config fetched {Describe(cached.Age(now))} ago");
            return FromCache(cached, cachedResult!, notes);
        }

        var ttl = TimeSpan.FromHours(cachedResult?.Config?.Defaults.CacheTtlHours ?? DefaultTtlHours);
        if (mode == FetchMode.Normal && cached is not null && cached.Age(now) < ttl)
        {
            return FromCache(cached, cachedResult!, notes);
        }

        try
        {
            var headers = Headers(setting);
            var response = await fetcher.GetAsync(url, cached?.ETag, headers, cancellationToken).ConfigureAwait(false);
            if (response.NotModified && cached is not null)
            {
                var touched = Cache.Write(setting.Source, cached.Text, cached.ETag, now);
                notes.Add("the org config is unchanged (304 Not Modified)");
                return FromCache(touched, cachedResult!, notes) with { FromCache = false };
            }

            var fetched = OrgConfigLoader.Parse(response.Text ?? "", setting.Source);
            if (!fetched.IsValid)
            {
                throw OrgConfigLoader.Invalid(setting.Source, fetched.Errors);
            }

            var entry = Cache.Write(setting.Source, response.Text!, response.ETag, now);
            return new OrgConfigSnapshot(fetched.Config!, setting.Source, IsRemote: true, entry.FetchedAt, FromCache: false, fetched.Diagnostics, notes);
        }
        catch (ConfigException e) when (cached is not null)
        {
            // Never let a bad or unreachable remote replace the last good config.
            notes.Add($"{e.Message} Using the cached org config fetched {Describe(cached.Age(now))} ago.");
            return FromCache(cached, cachedResult!, notes);
        }
    }

    private Dictionary<string, string> Headers(OrgSourceSetting setting)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        // The org source lives in the user's own config file: a local config, so command: auth is allowed.
        if (auth.Resolve(setting.Auth, fromLocalConfig: true, "the org config") is { } token)
        {
            if (setting.AuthHeader is { Length: > 0 } header)
            {
                headers[header] = token;
            }
            else
            {
                headers["Authorization"] = "Bearer " + token;
            }
        }

        return headers;
    }

    private static OrgConfigSnapshot FromCache(CacheEntry entry, OrgConfigLoadResult result, List<string> notes) =>
        new(result.Config!, entry.Source, IsRemote: true, entry.FetchedAt, FromCache: true, result.Diagnostics, notes);

    public static string Describe(TimeSpan age) => age.TotalMinutes < 1 ? "less than a minute"
        : age.TotalHours < 1 ? $"{(int)age.TotalMinutes} min"
        : age.TotalDays < 2 ? $"{(int)age.TotalHours} h"
        : $"{(int)age.TotalDays} days";
}
