using System.Diagnostics;
using System.Text;
using Scc.Safety.Shell;

namespace Scc.Safety.Tests;

public sealed class BadInputTests
{
    private static SafetyPolicy Policy => Corpus.Policy;

    // Generous bounds: they catch a hang or a quadratic blow-up, not a slow CI machine (Debug build, shared cores).
    private static SafetyVerdict Timed(string cmd, int maxMs = 20_000)
    {
        var sw = Stopwatch.StartNew();
        var v = SafetyEngine.Evaluate(cmd, Policy);
        sw.ElapsedMilliseconds.ShouldBeLessThan(maxMs, "evaluation must stay fast");
        return v;
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("\t\n \n")]
    public void Evaluate_EmptyOrWhitespace_Allows(string cmd) => Timed(cmd).Allowed.ShouldBeTrue();

    [Fact]
    public void Evaluate_OneMegabyteCommand_DecidesQuickly()
    {
        var benign = "echo " + new string('a', 1024 * 1024);
        Timed(benign).Allowed.ShouldBeTrue();
        Timed(benign + "; git push -f").Allowed.ShouldBeFalse();
    }

    [Fact]
    public void Evaluate_TenThousandNestedSubstitutions_BlocksAsUndecidableWhenGitNamed()
    {
        var deep = string.Concat(Enumerable.Repeat("$(", 10_000)) + "git push -f" + new string(')', 10_000);
        var v = Timed(deep);
        v.Allowed.ShouldBeFalse();
        v.RuleId.ShouldBe(SafetyRules.Undecidable);
        var benign = string.Concat(Enumerable.Repeat("$(", 10_000)) + "ls" + new string(')', 10_000);
        Timed(benign).Allowed.ShouldBeTrue();
    }

    [Fact]
    public void Evaluate_TenThousandNestedParentheses_FindsTheCommand()
    {
        var deep = new string('(', 10_000) + "git reset --hard" + new string(')', 10_000);
        Timed(deep).RuleId.ShouldBe(SafetyRules.ResetHard);
        Timed(new string('(', 10_000) + "ls").Allowed.ShouldBeTrue();
    }

    [Fact]
    public void Evaluate_TenThousandNestedBackticksAndQuotes_NeverThrows()
    {
        Timed(new string('`', 10_001) + "git push -f").Allowed.ShouldBeFalse();
        Timed(string.Concat(Enumerable.Repeat("\"$(", 10_000)) + "ls").Allowed.ShouldBeTrue();
        Timed(string.Concat(Enumerable.Repeat("eval ", 10)) + "git push -f").RuleId.ShouldBe(SafetyRules.ForcePush);
        Timed(string.Concat(Enumerable.Repeat("eval ", 1000)) + "git push -f").RuleId.ShouldBe(SafetyRules.Undecidable);
        Timed(string.Concat(Enumerable.Repeat("eval ", 1000)) + "ls").Allowed.ShouldBeTrue();
    }

    [Fact]
    public void Evaluate_HundredThousandCommands_FindsTheLastOne()
    {
        var sb = new StringBuilder();
        for (var i = 0; i < 100_000; i++)
        {
            sb.Append("echo ").Append(i).Append(';');
        }

        Timed(sb.ToString()).Allowed.ShouldBeTrue();
        sb.Append("git clean -fdx");
        Timed(sb.ToString()).RuleId.ShouldBe(SafetyRules.CleanForce);
    }

    [Fact]
    public void Evaluate_NulBytes_AreBlanks()
    {
        Timed("git\0push\0--force").RuleId.ShouldBe(SafetyRules.ForcePush);
        Timed("echo a\0b").Allowed.ShouldBeTrue();
        SafetyEngine.EvaluateArgv(["git", "push", "--force\0ignored"], Policy).RuleId.ShouldBe(SafetyRules.ForcePush);
        SafetyEngine.EvaluateArgv(["git", "status\0; git push -f"], Policy).Allowed.ShouldBeTrue();
    }

    [Fact]
    public void EvaluateArgv_InvalidUtf8Decoded_NeverThrows()
    {
        var decoded = Encoding.UTF8.GetString(new byte[] { 0x2D, 0x2D, 0x66, 0xFF, 0x6F, 0x72, 0x63, 0x65 });
        SafetyEngine.EvaluateArgv(["git", "push", decoded], Policy).Allowed.ShouldBeTrue();
        SafetyEngine.EvaluateArgv(["git", "push", "\uD800", "-f"], Policy).Allowed.ShouldBeFalse();
        SafetyEngine.EvaluateArgv([], Policy).Allowed.ShouldBeTrue();
        SafetyEngine.EvaluateArgv([string.Empty], Policy).Allowed.ShouldBeTrue();
    }

    [Theory]
    [InlineData("git push --force 'unbalanced", false)]
    [InlineData("echo 'unbalanced", true)]
    [InlineData("echo \"unbalanced $(", true)]
    [InlineData("git status \"", false)]
    [InlineData("echo ${unbalanced", true)]
    [InlineData("curl `unbalanced", false)]
    public void Evaluate_Unbalanced_BlocksOnlyNearGuardedTool(string cmd, bool allowed)
    {
        var v = Timed(cmd);
        v.Allowed.ShouldBe(allowed, v.Reason);
        if (!allowed)
        {
            v.RuleId.ShouldBe(SafetyRules.Undecidable);
        }
    }

    [Fact]
    public void Parse_Undecidable_IsReportedNotThrown()
    {
        ShellParser.Parse("echo 'x").Undecidable.ShouldNotBeEmpty();
        ShellParser.Parse(string.Concat(Enumerable.Repeat("$(", 100))).Undecidable.ShouldContain(u => u.Contains("nesting"));
    }
}
