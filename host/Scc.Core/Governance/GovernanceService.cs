using Scc.Core.Config;
using Scc.Core.Errors;

namespace Scc.Core.Governance;

/// <summary>What to resolve: a workspace (for .scc.yaml and team pins), and the command-line overrides.</summary>
internal sealed record GovernanceRequest(string? Workspace, string? OrgConfigOverride = null, bool Offline = false, string? TeamOverride = null);

/// <summary>Everything the governance layers produced for one workspace.</summary>
internal sealed record GovernanceResult(
    UserConfig User,
    OrgConfigSnapshot? Org,
    ResolvedTeam? Team,
    ProjectLoadResult Project,
    EffectiveConfig Effective,
    IReadOnlyList<ConfigDiagnostic> Diagnostics,
    IReadOnlyList<string> Notes)
{
    public DerivedSafetyPolicy SafetyPolicy => SafetyPolicyMapper.Map(Effective);
}

/// <summary>
/// The one entry point for "what config applies here": user config → org (override, setup source, or standalone)
/// → team (override, workspace pin, selection) → project → merge. I/O happens here; the merge stays pure.
/// </summary>
internal sealed class GovernanceService(UserConfigStore users, OrgConfigProvider orgs, TeamProfileResolver teams)
{
    public async Task<GovernanceResult> ResolveAsync(GovernanceRequest request, CancellationToken cancellationToken)
    {
        var user = users.Load();
        var notes = new List<string>();
        var diagnostics = new List<ConfigDiagnostic>();
        var org = await LoadOrgAsync(user, request, cancellationToken).ConfigureAwait(false);
        if (org is not null)
        {
            notes.AddRange(org.Notes);
            diagnostics.AddRange(org.Diagnostics);
        }

        var orgConfig = org?.Config ?? OrgConfig.Standalone;
        var teamName = request.TeamOverride ?? (org is null ? null : user.TeamFor(request.Workspace));
        ResolvedTeam? team = null;
        if (teamName is not null && org is not null)
        {
            team = await teams.ResolveAsync(org, teamName, request.Offline ? FetchMode.Offline : FetchMode.Normal, cancellationToken).ConfigureAwait(false);
            diagnostics.AddRange(team.Diagnostics);
        }
        else if (teamName is not null)
        {
            notes.Add($"team '{teamName}' is ignored: there is no org config (standalone)");
        }

        var project = request.Workspace is null
            ? new ProjectLoadResult(null, [], ProjectConfig.FileName)
            : ProjectConfigLoader.LoadWorkspace(request.Workspace);
        diagnostics.AddRange(project.Diagnostics);
        var effective = ConfigMerger.Merge(orgConfig, team?.Name, team?.Profile, project.IsValid ? project.Config : null, standalone: org is null);
        return new GovernanceResult(user, org, team, project, effective, diagnostics, notes);
    }

    private readonly Dictionary<(string Source, string? Auth, bool Offline), OrgConfigSnapshot> _loaded = [];

    /// <summary>
    /// The org in force, or null for standalone. One command resolves it for the plugin policy and again for the
    /// effective config: the first load (a validation, maybe a conditional GET) serves both.
    /// </summary>
    public async Task<OrgConfigSnapshot?> LoadOrgAsync(UserConfig user, GovernanceRequest request, CancellationToken cancellationToken)
    {
        var setting = request.OrgConfigOverride is { } overridePath ? new OrgSourceSetting(overridePath)
            : user.Standalone || user.OrgSource is null ? null
            : user.OrgSource;
        if (setting is null)
        {
            return null;
        }

        var key = (setting.Source, setting.Auth, request.Offline && request.OrgConfigOverride is null);
        if (_loaded.TryGetValue(key, out var known))
        {
            return known;
        }

        var loaded = await LoadOrgUncachedAsync(user, request, cancellationToken).ConfigureAwait(false);
        if (loaded is not null)
        {
            _loaded[key] = loaded;
        }

        return loaded;
    }

    private async Task<OrgConfigSnapshot?> LoadOrgUncachedAsync(UserConfig user, GovernanceRequest request, CancellationToken cancellationToken)
    {
        if (request.OrgConfigOverride is { } path)
        {
            return await orgs.LoadAsync(new OrgSourceSetting(path), FetchMode.Normal, cancellationToken).ConfigureAwait(false);
        }

        if (user.Standalone || user.OrgSource is null)
        {
            return null;
        }

        return await orgs.LoadAsync(user.OrgSource, request.Offline ? FetchMode.Offline : FetchMode.Normal, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The org in force, or a clear error when there is none (commands that need an org).</summary>
    public async Task<OrgConfigSnapshot> RequireOrgAsync(GovernanceRequest request, CancellationToken cancellationToken) =>
        await LoadOrgAsync(users.Load(), request, cancellationToken).ConfigureAwait(false)
        ?? throw new NotFoundException("No org config is set up (standalone mode).", "Run `scc setup --org <file or https URL>`.");
}
