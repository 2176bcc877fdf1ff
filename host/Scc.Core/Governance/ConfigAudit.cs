using System.Text.Json.Nodes;
using Scc.Core.Audit;

namespace Scc.Core.Governance;

/// <summary>Audit events for config violations (DESIGN.md §8): one per blocked or denied request, with its rule.</summary>
internal static class ConfigAudit
{
    public const string ViolationType = "config.violation";

    public static IReadOnlyList<AuditEvent> Violations(EffectiveConfig config, string? workspace) =>
        [.. config.Refusals.Where(r => r.Outcome != RefusalKind.Ignored).Select(r => AuditEvent.Warning(ViolationType, workspace ?? config.OrganizationId, new JsonObject
        {
            ["organization"] = config.OrganizationId,
            ["team"] = config.Team,
            ["kind"] = r.Kind,
            ["item"] = r.Item,
            ["outcome"] = r.Outcome.ToString().ToLowerInvariant(),
            ["layer"] = r.RequestedBy.Layer,
            ["key"] = r.RequestedBy.Key,
            ["rule"] = r.Rule,
            ["reason"] = r.Reason,
        }))];
}
