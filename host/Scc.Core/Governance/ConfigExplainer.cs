using System.Text;
using System.Text.Json.Nodes;
using Scc.Core.Config;

namespace Scc.Core.Governance;

/// <summary>One effective value and its source, as <c>scc config explain</c> lists it.</summary>
internal sealed record ExplainEntry(string Field, string Value, Provenance Source);

/// <summary>
/// Renders an effective config for people (aligned text) and machines (the <c>data</c> of the ConfigExplain
/// envelope): every value with its source, then everything blocked, denied or ignored and why. Deterministic, so
/// golden files can pin it.
/// </summary>
internal static class ConfigExplainer
{
    public static IReadOnlyList<ExplainEntry> Entries(EffectiveConfig config, DerivedSafetyPolicy safety)
    {
        var entries = new List<ExplainEntry>
        {
            new("network_policy", config.NetworkPolicy.Value, config.NetworkPolicy.Source),
            new("session.timeout_hours", config.SessionTimeoutHours.Value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unset", config.SessionTimeoutHours.Source),
            new("session.auto_resume", config.SessionAutoResume.Value is { } r ? (r ? "true" : "false") : "unset", config.SessionAutoResume.Source),
            new("allowed_providers", config.AllowedProviders is { } p ? string.Join(", ", p) : "any",
                new Provenance(config.AllowedProviders is null ? Layers.BuiltIn : Layers.Org, "security.allowed_providers")),
        };
        entries.AddRange(config.Plugins.Select(p => new ExplainEntry("plugins", p.Value, p.Source)));
        entries.AddRange(config.McpServers.Select(s => new ExplainEntry("mcp_servers", $"{s.Value.Name} ({s.Value.Type} {s.Value.Url ?? s.Value.Command})", s.Source)));
        entries.AddRange(config.Destinations.Select(d => new ExplainEntry("destinations", d.Value, d.Source)));
        entries.AddRange(config.PrivateNetworks.Select(n => new ExplainEntry("private_networks", n, new Provenance(Layers.Org, "defaults.egress.private_networks"))));
        entries.Add(new ExplainEntry("safety.action", safety.Action,
            config.Security.SafetyNet?.Action is null ? new Provenance(Layers.BuiltIn, "block by default") : new Provenance(Layers.Org, "security.safety_net.action")));
        entries.AddRange(SafetyPolicyMapper.EngineRules.Select(rule =>
            new ExplainEntry($"safety.rules.{rule}", safety.Rules[rule] ? "on" : "off", safety.RuleSources[rule])));
        return entries;
    }

    public static bool FieldMatches(string field, string? filter) =>
        filter is null || field == filter || field.StartsWith(filter + ".", StringComparison.Ordinal);

    public static JsonObject ToJson(EffectiveConfig config, IReadOnlyList<ConfigDiagnostic> diagnostics, string? orgSource, string? field = null)
    {
        var safety = SafetyPolicyMapper.Map(config);
        var values = new JsonArray();
        foreach (var entry in Entries(config, safety).Where(e => FieldMatches(e.Field, field)))
        {
            values.Add(new JsonObject
            {
                ["field"] = entry.Field,
                ["value"] = entry.Value,
                ["source"] = Source(entry.Source),
            });
        }

        var refusals = config.Refusals.Where(r => FieldMatches(RefusalField(r), field)).ToList();
        return new JsonObject
        {
            ["organization"] = config.OrganizationId,
            ["org_source"] = orgSource,
            ["standalone"] = config.Standalone,
            ["team"] = config.Team,
            ["values"] = values,
            ["blocked"] = Refusals(refusals, RefusalKind.Blocked),
            ["denied"] = Refusals(refusals, RefusalKind.Denied),
            ["ignored"] = Refusals(refusals, RefusalKind.Ignored),
            ["diagnostics"] = new JsonArray([.. diagnostics.Select(d => (JsonNode)new JsonObject
            {
                ["severity"] = d.Severity == DiagnosticSeverity.Error ? "error" : "warning",
                ["code"] = d.Code,
                ["message"] = d.Message,
                ["path"] = d.Path,
                ["line"] = d.Line,
            })]),
        };
    }

    /// <summary>The human form: one aligned line per value, then the refusals with their rules.</summary>
    public static string ToText(EffectiveConfig config, string? orgSource, string? field = null)
    {
        var safety = SafetyPolicyMapper.Map(config);
        var text = new StringBuilder();
        text.Append("organization: ").Append(config.Standalone ? "standalone (built-in defaults)" : config.OrganizationId);
        if (orgSource is not null)
        {
            text.Append(" from ").Append(orgSource);
        }

        text.Append('\n').Append("team: ").Append(config.Team ?? "(none)").Append("\n\n");
        var entries = Entries(config, safety).Where(e => FieldMatches(e.Field, field)).ToList();
        var fieldWidth = entries.Count == 0 ? 5 : Math.Max(5, entries.Max(e => e.Field.Length));
        var valueWidth = entries.Count == 0 ? 5 : Math.Min(48, Math.Max(5, entries.Max(e => e.Value.Length)));
        text.Append("FIELD".PadRight(fieldWidth)).Append("  ").Append("VALUE".PadRight(valueWidth)).Append("  SOURCE\n");
        foreach (var entry in entries)
        {
            text.Append(entry.Field.PadRight(fieldWidth)).Append("  ").Append(entry.Value.PadRight(valueWidth)).Append("  ").Append(entry.Source).Append('\n');
        }

        foreach (var kind in new[] { RefusalKind.Blocked, RefusalKind.Denied, RefusalKind.Ignored })
        {
            var list = config.Refusals.Where(r => r.Outcome == kind && FieldMatches(RefusalField(r), field)).ToList();
            if (list.Count == 0)
            {
                continue;
            }

            text.Append('\n').Append(kind.ToString().ToLowerInvariant()).Append(":\n");
            foreach (var r in list)
            {
                text.Append("  ").Append(r.Kind).Append(' ').Append(r.Item).Append(" (asked by ").Append(r.RequestedBy)
                    .Append("): ").Append(r.Reason).Append(" [rule: ").Append(r.Rule).Append("]\n");
            }
        }

        return text.ToString();
    }

    private static string RefusalField(Refusal r) => r.Kind switch
    {
        "plugin" => "plugins",
        "mcp_server" => "mcp_servers",
        "destination" => "destinations",
        "marketplace" => "marketplaces",
        _ => r.Kind,
    };

    private static JsonArray Refusals(IEnumerable<Refusal> refusals, RefusalKind kind) =>
        new([.. refusals.Where(r => r.Outcome == kind).Select(r => (JsonNode)new JsonObject
        {
            ["kind"] = r.Kind,
            ["item"] = r.Item,
            ["requested_by"] = Source(r.RequestedBy),
            ["rule"] = r.Rule,
            ["reason"] = r.Reason,
        })]);

    private static JsonObject Source(Provenance p) => new() { ["layer"] = p.Layer, ["key"] = p.Key };
}
