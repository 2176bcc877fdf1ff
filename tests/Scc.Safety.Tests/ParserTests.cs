using Scc.Safety.Shell;

namespace Scc.Safety.Tests;

public sealed class ParserTests
{
    private static List<List<string>> Commands(string s) =>
        ShellParser.Parse(s).Commands.Select(c => c.Words.Select(w => w.Text).ToList()).ToList();

    [Fact]
    public void Parse_QuotesAndEscapes_RemovesQuotes()
    {
        Commands("g'i't \"pu\"sh \\-\\-force $'\\x2df' $\"x\"").ShouldHaveSingleItem().ShouldBe(["git", "push", "--force", "-f", "x"]);
    }

    [Fact]
    public void Parse_Operators_SplitCommands()
    {
        Commands("a;b&&c||d|e&f\ng").Select(c => c[0]).ShouldBe(["a", "b", "c", "d", "e", "f", "g"]);
    }

    [Fact]
    public void Parse_SubstitutionsAndGroups_AreCommandsToo()
    {
        var names = Commands("echo $(a $(b)) `c` <(d) >(e) \"$(f)\" ${x:-$(g)}; (h); { i; }").Select(c => c[0]).ToList();
        names.ShouldBe(["a", "b", "c", "d", "e", "f", "g", "echo", "h", "i"], ignoreOrder: true);
    }

    [Fact]
    public void Parse_ControlStructures_SkipReservedWordsAndPatterns()
    {
        var names = Commands("if a; then b; elif c; then d; else e; fi; for x in y z; do f; done; while g; do h; done; case $v in p|q) i;; (r) j;; esac; ! k; time l")
            .Select(c => c[0]).ToList();
        names.ShouldBe(["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"]);
    }

    [Fact]
    public void Parse_AssignmentsAndRedirections_AreNotWords()
    {
        var c = ShellParser.Parse("A=1 B=\"x y\" git 2>/dev/null status >out <in").Commands.ShouldHaveSingleItem();
        c.Assignments.Select(a => a.Text).ShouldBe(["A=1", "B=x y"]);
        c.Words.Select(w => w.Text).ShouldBe(["git", "status"]);
    }

    [Fact]
    public void Parse_HereDocs_AttachBodyAndExpandUnquoted()
    {
        var parsed = ShellParser.Parse("bash <<EOF\ngit $(inner)\nEOF\ncat <<'Q'\n$(not-run)\nQ\nafter");
        parsed.Commands.Select(c => c.Words[0].Text).ShouldBe(["inner", "bash", "cat", "after"], ignoreOrder: true);
        parsed.Commands.Single(c => c.Words[0].Text == "bash").StdinText.ShouldBe("git $(inner)\n");
        parsed.Commands.Single(c => c.Words[0].Text == "cat").Stdin.ShouldBe(StdinKind.StaticText);
    }

    [Fact]
    public void Parse_DynamicWords_AreMarked()
    {
        var w = ShellParser.Parse("$X \"a$Y\" *.c ~/x {a,b} plain '$lit'").Commands.Single().Words;
        w.Select(x => x.IsDynamic).ShouldBe([true, true, true, true, true, false, false]);
        w.Select(x => x.StartsDynamic).ShouldBe([true, false, true, false, true, false, false]);
    }

    [Fact]
    public void Parse_Pipeline_LinksProducer()
    {
        var cmds = ShellParser.Parse("echo hi | sh").Commands;
        cmds[1].Stdin.ShouldBe(StdinKind.Pipe);
        cmds[1].PipedFrom.ShouldBeSameAs(cmds[0]);
    }

    [Fact]
    public void Parse_CommentsAndLineContinuations()
    {
        Commands("git \\\npush # --force\n").ShouldHaveSingleItem().ShouldBe(["git", "push"]);
    }
}
