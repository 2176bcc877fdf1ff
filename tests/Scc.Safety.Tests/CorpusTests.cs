namespace Scc.Safety.Tests;

public sealed class CorpusTests
{
    public static IEnumerable<object[]> Lines() => Corpus.Lines();

    [Fact]
    public void Corpus_HasAtLeast500Cases()
    {
        Corpus.All.Count.ShouldBeGreaterThanOrEqualTo(500);
        Corpus.Policy.IsFailClosed.ShouldBeFalse();
    }

    [Theory]
    [MemberData(nameof(Lines))]
    public void Evaluate_CorpusLine_MatchesExpectation(int line)
    {
        var c = Corpus.At(line);
        var v = SafetyEngine.Evaluate(c.Cmd, Corpus.Policy);
        v.Allowed.ShouldBe(c.Allowed, $"line {line}: {c.Cmd} → {v.RuleId}: {v.Reason}");
        if (!c.Allowed && c.Rule is not null)
        {
            v.RuleId.ShouldBe(c.Rule, $"line {line}: {c.Cmd} → {v.Reason}");
        }
    }
}
