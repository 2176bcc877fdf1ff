using System.Text;

namespace Scc.Safety.Tests;

public sealed class PolicyTests
{
    private static SafetyPolicy Load(string json) => SafetyPolicyLoader.Load(Encoding.UTF8.GetBytes(json));

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("\"block\"")]
    [InlineData("{\"action\": 1}")]
    [InlineData("{\"action\": \"deny\"}")]
    [InlineData("{\"action\": null}")]
    [InlineData("{\"rules\": []}")]
    [InlineData("{\"rules\": {\"block_force_push\": \"false\"}}")]
    [InlineData("{\"rules\": {\"block_force_push\": 0}}")]
    [InlineData("{\"network\": []}")]
    [InlineData("{\"network\": {\"allowed_destinations\": \"github.com\"}}")]
    [InlineData("{\"network\": {\"allowed_destinations\": [1]}}")]
    [InlineData("{\"network\": {\"allowed_destinations\": [\"https://github.com/\"]}}")]
    [InlineData("{\"network\": {\"allowed_destinations\": [\"git*hub.com\"]}}")]
    [InlineData("{\"action\": \"allow\",}")]
    [InlineData("{\"action\": \"allow\"")]
    public void Load_InvalidPolicy_IsFailClosedAndBlocksEverything(string json)
    {
        var policy = Load(json);
        policy.IsFailClosed.ShouldBeTrue();
        policy.LoadError!.ShouldStartWith("policy could not be read");
        var v = SafetyEngine.Evaluate("ls -la", policy);
        v.Allowed.ShouldBeFalse();
        v.RuleId.ShouldBe(SafetyRules.PolicyInvalid);
        SafetyEngine.EvaluateArgv(["git", "status"], policy).Allowed.ShouldBeFalse();
    }

    [Fact]
    public void Load_NotUtf8_IsFailClosed()
    {
        var policy = SafetyPolicyLoader.Load(new byte[] { (byte)'{', 0xFF, 0xFE, (byte)'}' });
        policy.IsFailClosed.ShouldBeTrue();
        policy.LoadError!.ShouldContain("UTF-8");
    }

    [Fact]
    public void LoadFile_MissingFolderOrHuge_IsFailClosed()
    {
        var dir = Directory.CreateTempSubdirectory("scc-policy-");
        try
        {
            SafetyPolicyLoader.LoadFile(Path.Combine(dir.FullName, "nope.json")).LoadError!.ShouldContain("does not exist");
            SafetyPolicyLoader.LoadFile(dir.FullName).LoadError!.ShouldContain("directory");
            var huge = Path.Combine(dir.FullName, "huge.json");
            using (var f = File.Create(huge))
            {
                f.SetLength(100L * 1024 * 1024);
            }

            SafetyPolicyLoader.LoadFile(huge).LoadError!.ShouldContain("larger than");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Load_EmptyObject_IsStrictDefaults()
    {
        var p = Load("{}");
        p.IsFailClosed.ShouldBeFalse();
        p.Action.ShouldBe(SafetyAction.Block);
        SafetyPolicy.RuleKeys.ShouldAllBe(k => p.IsEnabled(k));
        p.AllowedDestinations.ShouldBeEmpty();
    }

    [Fact]
    public void Load_UnknownRuleKey_LeavesRulesOn()
    {
        var p = Load("{\"rules\": {\"block_force_pushh\": false}}");
        SafetyEngine.Evaluate("git push -f", p).Allowed.ShouldBeFalse();
    }

    [Fact]
    public void Evaluate_DisabledRule_DoesNotHideAnotherRuleInSameCommand()
    {
        var p = Load("{\"rules\": {\"block_force_push\": false}}");
        SafetyEngine.Evaluate("git push -f", p).Allowed.ShouldBeTrue();
        var v = SafetyEngine.Evaluate("git push -f && git reset --hard", p);
        v.Allowed.ShouldBeFalse();
        v.RuleId.ShouldBe(SafetyRules.ResetHard);
        var both = SafetyEngine.Evaluate("git push --force --mirror", p);
        both.Allowed.ShouldBeFalse();
        both.RuleId.ShouldBe(SafetyRules.PushMirror);
    }

    [Fact]
    public void Evaluate_EveryRuleKeyDisabledAlone_OnlyThatRuleStopsBlocking()
    {
        var samples = new Dictionary<string, string>
        {
            ["block_force_push"] = "git push -f",
            ["block_push_mirror"] = "git push --mirror",
            ["block_reset_hard"] = "git reset --hard",
            ["block_branch_force_delete"] = "git branch -D x",
            ["block_stash_drop"] = "git stash drop",
            ["block_stash_clear"] = "git stash clear",
            ["block_clean_force"] = "git clean -f",
            ["block_checkout_path"] = "git checkout -- .",
            ["block_restore_worktree"] = "git restore f",
            ["block_reflog_expire"] = "git reflog expire --all",
            ["block_gc_prune"] = "git gc --prune=now",
            ["block_filter_branch"] = "git filter-branch",
        };
        samples.Keys.ShouldBe(SafetyPolicy.RuleKeys, ignoreOrder: true);
        foreach (var (key, cmd) in samples)
        {
            var p = Load($"{{\"rules\": {{\"{key}\": false}}}}");
            SafetyEngine.Evaluate(cmd, p).Allowed.ShouldBeTrue(key);
            foreach (var (other, otherCmd) in samples.Where(s => s.Key != key))
            {
                SafetyEngine.Evaluate(otherCmd, p).Allowed.ShouldBeFalse($"{key} off must not allow {otherCmd}");
            }
        }
    }

    [Fact]
    public void Evaluate_WarnAction_AllowsWithWarnings()
    {
        var v = SafetyEngine.Evaluate("git push -f; git reset --hard", Load("{\"action\": \"warn\"}"));
        v.Allowed.ShouldBeTrue();
        v.RuleId.ShouldBe(SafetyRules.ForcePush);
        v.Warnings.Count.ShouldBe(2);
        v.Warnings[1].ShouldContain("[git.reset_hard]");
    }

    [Fact]
    public void Evaluate_AllowAction_AllowsAndRecordsRule()
    {
        var v = SafetyEngine.Evaluate("git push -f", Load("{\"action\": \"allow\"}"));
        v.Allowed.ShouldBeTrue();
        v.RuleId.ShouldBe(SafetyRules.ForcePush);
        v.Warnings.ShouldBeEmpty();
    }

    [Fact]
    public void Evaluate_WildcardDestination_MatchesSubdomainsOnly()
    {
        var p = Load("{\"network\": {\"allowed_destinations\": [\"*.Example.com.\", \"GitHub.com\"]}}");
        p.AllowedDestinations.ShouldBe(["*.example.com", "github.com"]);
        SafetyEngine.Evaluate("curl https://a.example.com", p).Allowed.ShouldBeTrue();
        SafetyEngine.Evaluate("curl https://example.com", p).Allowed.ShouldBeFalse();
        SafetyEngine.Evaluate("curl https://badexample.com", p).Allowed.ShouldBeFalse();
        SafetyEngine.Evaluate("curl https://GITHUB.COM./x", p).Allowed.ShouldBeTrue();
    }

    [Fact]
    public void ToJson_RoundTrips()
    {
        var p = new SafetyPolicy(SafetyAction.Warn, new Dictionary<string, bool> { ["block_gc_prune"] = false }, ["github.com", "*.example.com"]);
        var json = SafetyPolicyLoader.ToJsonString(p);
        json.ShouldContain("\"block_gc_prune\": false");
        json.ShouldContain("\"block_force_push\": true");
        var back = SafetyPolicyLoader.Load(SafetyPolicyLoader.ToJson(p));
        back.IsFailClosed.ShouldBeFalse();
        back.Action.ShouldBe(SafetyAction.Warn);
        back.IsEnabled("block_gc_prune").ShouldBeFalse();
        back.IsEnabled("block_force_push").ShouldBeTrue();
        back.AllowedDestinations.ShouldBe(["github.com", "*.example.com"]);
    }

    [Fact]
    public void Rules_CatalogueHasTwelveKeyedGitRulesAndUniqueIds()
    {
        SafetyRules.All.Select(r => r.Id).Distinct().Count().ShouldBe(SafetyRules.All.Count);
        SafetyRules.All.Where(r => r.Key is not null).Select(r => r.Key!).ShouldBe(SafetyPolicy.RuleKeys);
        SafetyRules.All.ShouldAllBe(r => r.Description.Length > 10);
        SafetyRules.KeyOf(SafetyRules.CleanForce).ShouldBe("block_clean_force");
    }

    [Fact]
    public void Evaluate_CodeBuiltPolicyDestinations_AreNormalized()
    {
        var p = new SafetyPolicy(SafetyAction.Block, new Dictionary<string, bool>(), ["GitHub.com.", "not a host"]);
        SafetyEngine.Evaluate("curl https://github.com/x", p).Allowed.ShouldBeTrue();
        SafetyEngine.Evaluate("curl https://gitlab.com/x", p).Allowed.ShouldBeFalse();
    }

    [Theory]
    [InlineData("git", true)]
    [InlineData("/usr/bin/git", true)]
    [InlineData("git-push", true)]
    [InlineData("curl", true)]
    [InlineData("ncat", true)]
    [InlineData("ls", false)]
    [InlineData("gitk", false)]
    public void IsGuardedTool_Names_AreRecognised(string name, bool guarded) => SafetyEngine.IsGuardedTool(name).ShouldBe(guarded);
}
