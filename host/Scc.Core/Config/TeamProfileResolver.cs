using Scc.Core.Errors;
using Scc.Core.Paths;

namespace Scc.Core.Config;

/// <summary>A team profile ready to merge: inline, or fetched from its config_source, with what was noticed.</summary>
internal sealed record ResolvedTeam(string Name, TeamProfile Profile, string? Source, DateTimeOffset? FetchedAt, IReadOnlyList<ConfigDiagnostic> Diagnostics);

/// <summary>
/// Resolves a team profile. Federated profiles are fetched (https, or a local file next to a local org config),
/// validated, cached, and used by freshness: fresh (within the org TTL) is used; stale up to
/// <see cref="MaxStale"/> is refreshed, falling back to the cache with a warning; older is an error. Whatever
/// the source, the profile is re-checked against the current org security.
/// </summary>
internal sealed class TeamProfileResolver(SccPaths paths, HttpConfigFetcher fetcher, SourceAuth auth, TimeProvider time)
{
    public static TimeSpan MaxStale { get; } = TimeSpan.FromDays(7);

    public ConfigCache Cache { get; } = new(Path.Combine(paths.CacheDir, "teams"));

    public async Task<ResolvedTeam> ResolveAsync(OrgConfigSnapshot org, string team, FetchMode mode, CancellationToken cancellationToken)
    {
        if (!org.Config.Profiles.TryGetValue(team, out var entry))
        {
            var known = org.Config.Profiles.Count == 0 ? "the org defines no teams" : "teams: " + string.Join(", ", org.Config.Profiles.Keys.Order(StringComparer.Ordinal));
            throw new NotFoundException($"The org config has no team '{team}' ({known}).", "Run `scc team list`, then `scc team switch <name>`.");
        }

        var diagnostics = new List<ConfigDiagnostic>();
        if (entry.ConfigSource is not { } source)
        {
            return new ResolvedTeam(team, entry, null, null, diagnostics);
        }

        var (text, fetchedAt, origin) = source.Kind switch
        {
            ConfigSourceSpec.UrlKind => await FetchAsync(org, team, source, mode, diagnostics, cancellationToken).ConfigureAwait(false),
            ConfigSourceSpec.FileKind => ReadFile(org, team, source),
            _ => throw new ConfigException($"Team '{team}' is federated through a {source.Kind} source, which scc does not fetch yet.",
                "Publish the team file at an https:// URL and set config_source to it."),
        };

        var parsed = OrgConfigLoader.ParseTeamFile(text, origin);
        var fetched = parsed.GetOrThrow();
        diagnostics.AddRange(parsed.Diagnostics);

        // The org keeps the say over delegation and trust; the team file brings its content.
        var profile = fetched with
        {
            Description = fetched.Description ?? entry.Description,
            Delegation = entry.Delegation ?? fetched.Delegation,
            Trust = entry.Trust,
            ConfigSource = source,
        };

        var findings = new List<ConfigDiagnostic>();
        OrgConfigInvariants.CheckTeam(org.Config, team, profile, "$", findings);
        // Blocked entries are refused again by the merge (and shown by explain); here they are warnings with the file named.
        diagnostics.AddRange(findings.Select(f => f with { Severity = DiagnosticSeverity.Warning, Origin = origin }));
        return new ResolvedTeam(team, profile, origin, fetchedAt, diagnostics);
    }

    private (string Text, DateTimeOffset? FetchedAt, string Origin) ReadFile(OrgConfigSnapshot org, string team, ConfigSourceSpec source)
    {
        if (org.LocalFolder is not { } folder)
        {
            throw new GovernanceException($"Team '{team}' names a local file as config_source, but the org config is remote; a remote config may not read local files.",
                "Use an https:// URL as config_source.");
        }

        var path = Path.GetFullPath(source.Path!, folder);
        try
        {
            return (File.ReadAllText(path), null, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"The config file of team '{team}' ({path}) cannot be read: {e.Message}", "Check config_source in the org config.", e);
        }
    }

    private async Task<(string Text, DateTimeOffset? FetchedAt, string Origin)> FetchAsync(
        OrgConfigSnapshot org, string team, ConfigSourceSpec source, FetchMode mode, List<ConfigDiagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var url = HttpConfigFetcher.CheckUrl(source.Url ?? "", $"config_source of team '{team}'");
        var key = source.Url!;
        var now = time.GetUtcNow();
        var cached = Cache.Read(key, out var problem);
        if (problem is not null)
        {
            diagnostics.Add(ConfigDiagnostic.Warning("cache.damaged", problem + "; it is ignored"));
        }

        var ttl = TimeSpan.FromHours(org.Config.Defaults.CacheTtlHours ?? OrgConfigProvider.DefaultTtlHours);
        var age = cached?.Age(now);
        if (cached is not null && (mode == FetchMode.Offline || (mode == FetchMode.Normal && age < ttl)))
        {
            if (age > MaxStale)
            {
                throw TooOld(team, age.Value);
            }

            return (cached.Text, cached.FetchedAt, key);
        }

        if (mode == FetchMode.Offline)
        {
            throw new ConfigException($"--offline: there is no cached copy of team '{team}''s config ({key}).", "Run once without --offline to fetch it.");
        }

        try
        {
            // The org config decides these headers; command: auth only when that org config is a local file.
            var headers = auth.Headers(source.Headers, fromLocalConfig: !org.IsRemote, $"team '{team}'");
            var response = await fetcher.GetAsync(url, cached?.ETag, headers, cancellationToken).ConfigureAwait(false);
            if (response.NotModified && cached is not null)
            {
                var touched = Cache.Write(key, cached.Text, cached.ETag, now);
                return (touched.Text, touched.FetchedAt, key);
            }

            // Validate before caching: a bad answer must not replace a good copy.
            OrgConfigLoader.ParseTeamFile(response.Text ?? "", key).GetOrThrow();
            var entry = Cache.Write(key, response.Text!, response.ETag, now);
            return (entry.Text, entry.FetchedAt, key);
        }
        catch (ConfigException e) when (cached is not null)
        {
            if (age > MaxStale)
            {
                throw TooOld(team, age.Value, e.Message);
            }

            diagnostics.Add(ConfigDiagnostic.Warning("team.stale",
                $"{e.Message} Using the cached config of team '{team}' fetched {OrgConfigProvider.Describe(age!.Value)} ago."));
            return (cached.Text, cached.FetchedAt, key);
        }
    }

    private static ConfigException TooOld(string team, TimeSpan age, string? why = null) =>
        new($"The cached config of team '{team}' is {OrgConfigProvider.Describe(age)} old, past the {MaxStale.TotalDays:0}-day limit{(why is null ? "" : $", and refreshing failed: {why}")}.",
            "Reconnect and run `scc org update`.");
}
