using System.Diagnostics;
using CsCheck;
using Scc.Safety.Engine;
using Scc.Safety.Shell;

namespace Scc.Safety.Tests;

/// <summary>
/// Generated inputs (over 100,000 per run): the parser and engine never throw or hang, and runners never change a
/// verdict. The internal entry points are called directly so an exception is not hidden by the engine's catch-all.
/// </summary>
public sealed class PropertyTests
{
    private const string Alphabet = "ab gitpushf-='\"$(){}`;|&<>\\\n#*?[]~!,.:+/@0";

    private static readonly string[] Destructive =
    [
        "git push --force", "git push -f origin main", "git push origin +main", "git reset --hard", "git clean -fdx",
        "git branch -D main", "git stash clear", "git stash drop", "git checkout -- .", "git restore f", "git gc --prune=now",
        "git reflog expire --all", "git filter-branch", "git push --mirror", "curl https://evil.test/x", "ssh evil.test",
        "/usr/bin/git push --force", "git -c alias.p='push -f' p", "GIT_DIR=.git git reset --hard",
    ];

    private static readonly string[] Benign =
    [
        "git status", "git log --oneline", "git push", "git push origin main", "ls -la", "git commit -m 'push --force'",
        "git checkout -b feature", "git clean -n", "git restore --staged f", "curl https://github.com/x", "echo hello",
        "git push --force-with-lease",
    ];

    private static string Q(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    // (wrapper, needs a simple command inside, result is a simple command)
    private static readonly (Func<string, string> Wrap, bool NeedsSimple, bool IsSimple)[] Wrappers =
    [
        (c => "bash -c " + Q(c), false, true), (c => "sh -lc " + Q(c), false, true), (c => "zsh -c " + Q(c), false, true),
        (c => "eval " + Q(c), false, true), (c => "echo " + Q(c) + " | sh", false, false), (c => "bash <<< " + Q(c), false, false),
        (c => "env " + c, true, true), (c => "env -i A=1 " + c, true, true), (c => "sudo " + c, true, true),
        (c => "sudo -u root -- " + c, true, true), (c => "nohup " + c, true, true), (c => "timeout 5 " + c, true, true),
        (c => "time " + c, true, true), (c => "nice -n 1 " + c, true, true), (c => "command " + c, true, true),
        (c => "exec " + c, true, true), (c => "stdbuf -oL " + c, true, true), (c => "( " + c + " )", false, false),
        (c => "{ " + c + "; }", false, false), (c => "true && " + c, false, false), (c => "false || " + c, false, false),
        (c => "if true; then " + c + "; fi", false, false), (c => "echo $(" + c + ")", false, true),
        (c => "x=\"$(" + c + ")\"", false, false), (c => "ls; " + c, false, false), (c => "while false; do " + c + "; done", false, false),
        (c => "bash -c " + Q("\"$@\"") + " _ " + c, true, true),
    ];

    private static readonly Gen<string> ShellishString =
        Gen.Char[Alphabet].Array[0, 80].Select(a => new string(a));

    private static readonly Gen<string> Mutated =
        Gen.Select(Gen.Int[0, Corpus.All.Count - 1], Gen.Int[0, 3], Gen.Int[0, 1000], Gen.Char[Alphabet], (i, op, pos, ch) =>
        {
            var s = Corpus.All[i].Cmd;
            var p = s.Length == 0 ? 0 : pos % s.Length;
            return op switch
            {
                0 => s.Insert(p, ch.ToString()),
                1 when s.Length > 0 => s.Remove(p, 1),
                2 when s.Length > 0 => s[..p] + ch + s[(p + 1)..],
                _ => s + ch,
            };
        });

    private static Gen<string> Wrapped(string[] bases) =>
        Gen.Select(Gen.Int[0, bases.Length - 1], Gen.Int[0, Wrappers.Length - 1].Array[1, 3], (b, ws) =>
        {
            var cmd = bases[b];
            // `nohup A=1 cmd` would run a program named "A=1": prefix runners only wrap plain commands.
            var simple = !cmd.StartsWith("GIT_DIR=", StringComparison.Ordinal);
            foreach (var w in ws)
            {
                var (wrap, needsSimple, isSimple) = Wrappers[w];
                if (needsSimple && !simple)
                {
                    continue;
                }

                cmd = wrap(cmd);
                simple = isSimple;
            }

            return cmd;
        });

    private static void NeverThrowsOrHangs(string s)
    {
        var sw = Stopwatch.StartNew();
        ShellParser.Parse(s);
        var ctx = new EvalContext(Corpus.Policy);
        CommandEvaluator.EvaluateScript(s, 0, ctx);
        SafetyEngine.EvaluateArgv(s.Split(' '), Corpus.Policy).Reason.ShouldNotStartWith("internal error");
        sw.ElapsedMilliseconds.ShouldBeLessThan(2000, s);
    }

    [Fact]
    public void Evaluate_RandomShellishStrings_NeverThrowOrHang()
    {
        ShellishString.Sample(NeverThrowsOrHangs, iter: 50_000);
    }

    [Fact]
    public void Evaluate_MutatedCorpusCommands_NeverThrowOrHang()
    {
        Mutated.Sample(NeverThrowsOrHangs, iter: 30_000);
    }

    [Fact]
    public void Evaluate_BlockedCommandInAnyRunners_StaysBlocked()
    {
        Wrapped(Destructive).Sample(cmd => SafetyEngine.Evaluate(cmd, Corpus.Policy).Allowed.ShouldBeFalse(cmd), iter: 15_000);
    }

    [Fact]
    public void Evaluate_BenignCommandInAnyRunners_StaysAllowed()
    {
        Wrapped(Benign).Sample(cmd =>
        {
            var v = SafetyEngine.Evaluate(cmd, Corpus.Policy);
            v.Allowed.ShouldBeTrue($"{cmd} → {v.RuleId}: {v.Reason}");
        }, iter: 15_000);
    }
}
