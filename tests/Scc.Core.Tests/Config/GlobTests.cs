using Scc.Core.Config;

namespace Scc.Core.Tests.Config;

public sealed class GlobTests
{
    [Theory]
    [InlineData("evil-*", "EVIL-plugin@m", true)]
    [InlineData("*@company", "tool@Company", true)]
    [InlineData("*.untrusted.com", "api.untrusted.com", true)]
    [InlineData("*.untrusted.com", "untrusted.com", false)]
    [InlineData("exact", "exact", true)]
    [InlineData("exact", "exactly", false)]
    [InlineData("a?c", "abc", true)]
    [InlineData("a?c", "ac", false)]
    [InlineData("team-[ab]", "team-B", true)]
    [InlineData("team-[!ab]", "team-c", true)]
    [InlineData("team-[!ab]", "team-a", false)]
    [InlineData("v[0-9]*", "v2-beta", true)]
    [InlineData("[unclosed", "[unclosed", true)]
    [InlineData("*a*b*c*", "xxaxxbxxcxx", true)]
    [InlineData("*a*b*c*", "xxaxxcxxbxx", false)]
    [InlineData("*", "", true)]
    [InlineData("", "x", false)]
    public void IsMatch_ShellStyleCaseInsensitive(string pattern, string value, bool expected)
    {
        Glob.IsMatch(pattern, value).ShouldBe(expected);
    }

    [Fact]
    public void AnyMatch_LargeListIndexed_AgreesWithLinearScanAndKeepsOrder()
    {
        var patterns = Enumerable.Range(0, 200).Select(i => i % 3 == 0 ? $"*-{i}" : i % 3 == 1 ? $"p{i}-*" : $"p{i}-x").ToList();
        patterns.Insert(150, "*");
        var values = new[] { "p4-anything", "zzz-3", "p5-x", "nothing", "P7-CASE", "" };

        foreach (var value in values)
        {
            Glob.AnyMatch(patterns, value, out var indexed).ShouldBe(patterns.Any(p => Glob.IsMatch(p, value)));
            indexed.ShouldBe(patterns.FirstOrDefault(p => Glob.IsMatch(p, value)), value);
        }
    }
}
