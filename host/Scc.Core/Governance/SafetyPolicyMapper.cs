using System.Text.Json;
using System.Text.Json.Serialization;
using Scc.Core.Config;
using Scc.Safety;

namespace Scc.Core.Governance;

/// <summary>
/// The safety-engine policy of DESIGN.md §5, derived from the effective config: <c>action</c>, the twelve
/// <c>block_*</c> rules, and the destinations network tools may reach. Plain model, so it can be written as the
/// policy file (<see cref="ToJson"/>) or mapped onto the engine's own type.
/// </summary>
internal sealed record DerivedSafetyPolicy(
    string Action,
    IReadOnlyDictionary<string, bool> Rules,
    IReadOnlyList<string> AllowedDestinations,
    IReadOnlyDictionary<string, Provenance> RuleSources)
{
    /// <summary>The safety engine's own policy type, for evaluating in the host.</summary>
    public SafetyPolicy ToSafetyPolicy() => new(
        Action switch { "warn" => SafetyAction.Warn, "allow" => SafetyAction.Allow, _ => SafetyAction.Block },
        new Dictionary<string, bool>(Rules, StringComparer.Ordinal),
        [.. AllowedDestinations]);

    public string ToJson() => JsonSerializer.Serialize(
        new SafetyPolicyDocument(Action, new SortedDictionary<string, bool>(Rules.ToDictionary(), StringComparer.Ordinal), new SafetyPolicyNetwork(AllowedDestinations)),
        SafetyPolicyJsonContext.Default.SafetyPolicyDocument);
}

internal sealed record SafetyPolicyNetwork([property: JsonPropertyName("allowed_destinations")] IReadOnlyList<string> AllowedDestinations);

internal sealed record SafetyPolicyDocument(
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("rules")] SortedDictionary<string, bool> Rules,
    [property: JsonPropertyName("network")] SafetyPolicyNetwork Network);

[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(SafetyPolicyDocument))]
internal sealed partial class SafetyPolicyJsonContext : JsonSerializerContext;

internal static class SafetyPolicyMapper
{
    /// <summary>The engine's rule keys (DESIGN.md §5), from the engine itself. A missing key means on.</summary>
    public static IReadOnlyList<string> EngineRules => SafetyPolicy.RuleKeys;

    /// <summary>
    /// Each older SCC <c>safety_net</c> key and the engine rules it governs. Every older key maps somewhere; a push
    /// with --mirror overwrites remote refs like a force push, so block_force_push covers it too.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string[]> LegacyKeys = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["block_force_push"] = ["block_force_push", "block_push_mirror"],
        ["block_reset_hard"] = ["block_reset_hard"],
        ["block_branch_force_delete"] = ["block_branch_force_delete"],
        ["block_checkout_restore"] = ["block_checkout_path", "block_restore_worktree"],
        ["block_clean"] = ["block_clean_force"],
        ["block_stash_destructive"] = ["block_stash_drop", "block_stash_clear"],
    };

    public static DerivedSafetyPolicy Map(EffectiveConfig config) =>
        Map(config.Security.SafetyNet, config.Destinations.Select(d => d.Value).ToList());

    public static DerivedSafetyPolicy Map(SafetyNetConfig? net, IReadOnlyList<string> allowedDestinations)
    {
        var rules = new Dictionary<string, bool>(StringComparer.Ordinal);
        var sources = new Dictionary<string, Provenance>(StringComparer.Ordinal);
        foreach (var rule in EngineRules)
        {
            rules[rule] = true;
            sources[rule] = new Provenance(Layers.BuiltIn, "on by default");
        }

        if (net is not null)
        {
            foreach (var (legacyKey, value) in Legacy(net))
            {
                if (value is not { } on)
                {
                    continue;
                }

                foreach (var rule in LegacyKeys[legacyKey])
                {
                    rules[rule] = on;
                    sources[rule] = new Provenance(Layers.Org, $"security.safety_net.{legacyKey}");
                }
            }

            foreach (var (rule, on) in net.Rules ?? new Dictionary<string, bool>())
            {
                rules[rule] = on;
                sources[rule] = new Provenance(Layers.Org, $"security.safety_net.rules.{rule}");
            }
        }

        var action = net?.Action is "warn" or "allow" ? net.Action : "block";
        return new DerivedSafetyPolicy(action, rules, allowedDestinations, sources);
    }

    private static IEnumerable<(string Key, bool? Value)> Legacy(SafetyNetConfig net) =>
    [
        ("block_force_push", net.BlockForcePush),
        ("block_reset_hard", net.BlockResetHard),
        ("block_branch_force_delete", net.BlockBranchForceDelete),
        ("block_checkout_restore", net.BlockCheckoutRestore),
        ("block_clean", net.BlockClean),
        ("block_stash_destructive", net.BlockStashDestructive),
    ];
}
