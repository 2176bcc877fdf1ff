using System.Text.Json.Nodes;
using Scc.Cli.Rendering;
using Scc.Core.Config;
using Scc.Core.Governance;

namespace Scc.Cli.Commands;

/// <summary>Shared pieces of the setup/org/team/config commands.</summary>
internal static class ConfigCliSupport
{
    public static GovernanceRequest Request(CliContext context, string? workspace, string? team = null) =>
        new(Workspace(workspace), context.OrgConfigOverride, context.Offline, team);

    /// <summary>The workspace argument as a full path, defaulting to the current folder.</summary>
    public static string Workspace(string? workspace) =>
        Path.GetFullPath(string.IsNullOrEmpty(workspace) ? Directory.GetCurrentDirectory() : workspace);

    public static JsonArray ToJson(IEnumerable<ConfigDiagnostic> diagnostics) =>
        new([.. diagnostics.Select(d => (JsonNode)new JsonObject
        {
            ["severity"] = d.IsError ? "error" : "warning",
            ["code"] = d.Code,
            ["message"] = d.Message,
            ["origin"] = d.Origin,
            ["path"] = d.Path,
            ["line"] = d.Line,
            ["column"] = d.Column,
        })]);

    /// <summary>Warnings and notes go to the warning stream (and the envelope's warnings).</summary>
    public static void Warn(CliOutput output, IEnumerable<ConfigDiagnostic> diagnostics, IEnumerable<string>? notes = null)
    {
        foreach (var d in diagnostics.Where(d => !d.IsError))
        {
            output.Warn(d.ToString());
        }

        foreach (var note in notes ?? [])
        {
            output.Warn(note);
        }
    }

    public static JsonObject OrgJson(OrgConfigSnapshot? org, TimeProvider time) => org is null
        ? new JsonObject { ["standalone"] = true }
        : new JsonObject
        {
            ["standalone"] = false,
            ["source"] = org.Source,
            ["remote"] = org.IsRemote,
            ["name"] = org.Config.Organization.Name,
            ["id"] = org.Config.Organization.Id,
            ["fetched_at"] = org.FetchedAt?.ToString("O"),
            ["age_seconds"] = org.FetchedAt is { } at ? (long)(time.GetUtcNow() - at).TotalSeconds : null,
            ["from_cache"] = org.FromCache,
            ["cache_ttl_hours"] = org.Config.Defaults.CacheTtlHours ?? OrgConfigProvider.DefaultTtlHours,
            ["teams"] = org.Config.Profiles.Count,
        };
}
