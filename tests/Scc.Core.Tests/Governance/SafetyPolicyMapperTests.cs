using System.Text.Json;
using Scc.Core.Config;
using Scc.Core.Governance;

namespace Scc.Core.Tests.Governance;

public sealed class SafetyPolicyMapperTests
{
    [Fact]
    public void Map_NoSafetyNet_EveryRuleOnAndBlock()
    {
        var policy = SafetyPolicyMapper.Map(null, []);

        policy.Action.ShouldBe("block");
        policy.Rules.Count.ShouldBe(12);
        policy.Rules.Values.ShouldAllBe(v => v);
    }

    [Theory]
    [InlineData("block_force_push", new[] { "block_force_push", "block_push_mirror" })]
    [InlineData("block_reset_hard", new[] { "block_reset_hard" })]
    [InlineData("block_branch_force_delete", new[] { "block_branch_force_delete" })]
    [InlineData("block_checkout_restore", new[] { "block_checkout_path", "block_restore_worktree" })]
    [InlineData("block_clean", new[] { "block_clean_force" })]
    [InlineData("block_stash_destructive", new[] { "block_stash_drop", "block_stash_clear" })]
    public void Map_EachLegacyKeyOff_TurnsOffExactlyItsEngineRules(string legacyKey, string[] engineRules)
    {
        var json = "{\"schema_version\": \"1.0.0\", \"organization\": {\"name\": \"O\", \"id\": \"o\"}, \"security\": {\"safety_net\": {\"" + legacyKey + "\": false}}}";
        var org = OrgConfigLoader.Parse(json, "o.json").GetOrThrow();

        var policy = SafetyPolicyMapper.Map(org.Security.SafetyNet, []);

        policy.Rules.Where(r => !r.Value).Select(r => r.Key).ShouldBe(engineRules, ignoreOrder: true);
        policy.RuleSources[engineRules[0]].Key.ShouldBe($"security.safety_net.{legacyKey}");
    }

    [Fact]
    public void Map_LegacyKeys_CoverEveryOrgSafetyNetKey()
    {
        var schemaKeys = JsonDocument.Parse(OrgConfigSchema.Text).RootElement
            .GetProperty("definitions").GetProperty("SafetyNet").GetProperty("properties")
            .EnumerateObject().Select(p => p.Name).Where(k => k.StartsWith("block_", StringComparison.Ordinal));

        schemaKeys.ShouldBe(SafetyPolicyMapper.LegacyKeys.Keys, ignoreOrder: true);
        SafetyPolicyMapper.LegacyKeys.Values.SelectMany(v => v).ShouldAllBe(rule => SafetyPolicyMapper.EngineRules.Contains(rule));
    }

    [Fact]
    public void Map_RulesWinOverLegacyKeys_AndActionCarries()
    {
        var net = new SafetyNetConfig { Action = "warn", BlockClean = false, Rules = new Dictionary<string, bool> { ["block_clean_force"] = true, ["block_gc_prune"] = false } };

        var policy = SafetyPolicyMapper.Map(net, ["api.example.invalid"]);

        policy.Action.ShouldBe("warn");
        policy.Rules["block_clean_force"].ShouldBeTrue();
        policy.Rules["block_gc_prune"].ShouldBeFalse();
        policy.RuleSources["block_gc_prune"].Key.ShouldBe("security.safety_net.rules.block_gc_prune");
    }

    [Fact]
    public void ToJson_IsReadByTheSafetyEngineAsTheSamePolicy()
    {
        var derived = SafetyPolicyMapper.Map(new SafetyNetConfig { Action = "warn", BlockStashDestructive = false }, ["a.example.invalid"]);

        var loaded = Scc.Safety.SafetyPolicyLoader.Load(System.Text.Encoding.UTF8.GetBytes(derived.ToJson()), "derived");
        var mapped = derived.ToSafetyPolicy();

        loaded.IsFailClosed.ShouldBeFalse(loaded.LoadError);
        loaded.Action.ShouldBe(Scc.Safety.SafetyAction.Warn);
        mapped.Action.ShouldBe(loaded.Action);
        foreach (var key in Scc.Safety.SafetyPolicy.RuleKeys)
        {
            loaded.IsEnabled(key).ShouldBe(mapped.IsEnabled(key), key);
        }

        loaded.IsEnabled("block_stash_drop").ShouldBeFalse();
        loaded.AllowedDestinations.ShouldBe(["a.example.invalid"]);
    }

    [Fact]
    public void ToJson_HasTheDesignShape()
    {
        var json = SafetyPolicyMapper.Map(new SafetyNetConfig { BlockResetHard = false }, ["a.example.invalid", "*.b.example.invalid"]).ToJson();

        using var doc = JsonDocument.Parse(json);
        doc.RootElement.GetProperty("action").GetString().ShouldBe("block");
        doc.RootElement.GetProperty("rules").GetProperty("block_reset_hard").GetBoolean().ShouldBeFalse();
        doc.RootElement.GetProperty("rules").EnumerateObject().Count().ShouldBe(12);
        doc.RootElement.GetProperty("network").GetProperty("allowed_destinations").EnumerateArray().Select(e => e.GetString())
            .ShouldBe(["a.example.invalid", "*.b.example.invalid"]);
    }
}
