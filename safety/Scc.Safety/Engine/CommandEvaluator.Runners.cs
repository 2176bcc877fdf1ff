using Scc.Safety.Rules;
using Scc.Safety.Shell;

namespace Scc.Safety.Engine;

internal static partial class CommandEvaluator
{
    /// <summary>Peels one runner off <paramref name="inv"/>, or evaluates a final command and returns null.</summary>
    private static Invocation? Unwrap(string name, Invocation inv, EvalContext ctx)
    {
        var w = inv.Words;
        void Script(string s) => EvaluateScript(s, inv.Depth + 1, ctx);

        if (name == "git")
        {
            GitRules.Evaluate(inv, null, ctx, Script);
            return null;
        }

        if (name.StartsWith("git-", StringComparison.Ordinal) && name.Length > 4)
        {
            GitRules.Evaluate(inv, name[4..], ctx, Script);
            return null;
        }

        if (NetworkRules.Tools.Contains(name))
        {
            NetworkRules.Evaluate(name, inv, ctx, Script);
            return null;
        }

        if (Shells.Contains(name))
        {
            Shell(name, inv, ctx);
            return null;
        }

        switch (name)
        {
            case "eval":
                Script(string.Join(' ', w.Skip(1).Select(x => x.Text)));
                return null;
            case "exec":
                return Rest(inv, SkipOptions(w, 1, "a", string.Empty));
            case "command":
                {
                    var i = 1;
                    while (i < w.Count && w[i].Text.StartsWith('-') && w[i].Text != "--")
                    {
                        if (w[i].Text.Contains('v', StringComparison.Ordinal) || w[i].Text.Contains('V', StringComparison.Ordinal))
                        {
                            return null; // command -v only looks the name up
                        }

                        i++;
                    }

                    if (i < w.Count && w[i].Text == "--")
                    {
                        i++;
                    }

                    return Rest(inv, i);
                }

            case "builtin" or "nohup" or "setsid" or "busybox" or "catchsegv" or "unbuffer" or "noglob":
                return Rest(inv, w.Count > 1 && w[1].Text == "--" ? 2 : 1);
            case "nice":
                return Rest(inv, SkipOptions(w, 1, "n", true, "adjustment"));
            case "time":
                return Rest(inv, SkipOptions(w, 1, "fo", "format", "output"));
            case "timeout":
                {
                    var i = SkipOptions(w, 1, "sk", "signal", "kill-after");
                    return Rest(inv, i + 1); // the duration
                }

            case "stdbuf":
                return Rest(inv, SkipOptions(w, 1, "ioe", "input", "output", "error"));
            case "ionice":
                return Rest(inv, SkipOptions(w, 1, "cnp", "class", "classdata", "pid"));
            case "chrt":
                {
                    var i = SkipOptions(w, 1, "T", "sched-runtime");
                    return Rest(inv, i + 1); // the priority
                }

            case "taskset":
                {
                    var i = SkipOptions(w, 1, string.Empty);
                    return Rest(inv, i + 1); // the mask
                }

            case "chroot":
                {
                    var i = SkipOptions(w, 1, string.Empty, "userspec", "groups");
                    return Rest(inv, i + 1); // the new root
                }

            case "flock":
                {
                    var i = SkipOptions(w, 1, "cEw", "command", "conflict-exit-code", "timeout", "wait");
                    var c = w.FindIndex(1, x => x.Text is "-c" or "--command");
                    if (c > 0 && c + 1 < w.Count)
                    {
                        Script(w[c + 1].Text);
                        return null;
                    }

                    return Rest(inv, i + 1); // the lock file
                }

            case "su" or "runuser" or "script":
                {
                    var c = w.FindIndex(1, x => x.Text is "-c" or "--command" || x.Text.StartsWith("--command=", StringComparison.Ordinal));
                    if (c > 0)
                    {
                        var text = w[c].Text.StartsWith("--command=", StringComparison.Ordinal) ? w[c].Text[10..] : c + 1 < w.Count ? w[c + 1].Text : string.Empty;
                        Script(text);
                    }

                    return null;
                }

            case "watch":
                {
                    var i = SkipOptions(w, 1, "nd", "interval", "differences");
                    if (i < w.Count)
                    {
                        Script(string.Join(' ', w.Skip(i).Select(x => x.Text)));
                    }

                    return null;
                }

            case "env":
                return Env(inv, ctx);
            case "source" or ".":
                if (w.Count > 1 && w[1].Text.StartsWith("<(", StringComparison.Ordinal) && MentionsGuardedTool(w[1].Text))
                {
                    ctx.Add(SafetyRules.Undecidable, "a script sourced from a command's output names a guarded tool", inv.Display);
                }

                return null;
            case "python" or "python2" or "python3" or "perl" or "ruby" or "node" or "nodejs" or "php" or "lua" or "deno" or "bun" or "pwsh" or "tclsh" or "awk" or "gawk" or "mawk":
                InlineCode(name, inv, ctx);
                return null;
            case "sudo" or "doas":
                return Sudo(inv);
            case "xargs":
                return Xargs(inv);
            case "find":
                Find(inv, ctx);
                return null;
            default:
                return null;
        }
    }

    // Code in another language cannot be parsed here; naming a guarded tool inside it is enough to block.
    private static void InlineCode(string name, Invocation inv, EvalContext ctx)
    {
        var w = inv.Words;
        for (var i = 1; i < w.Count; i++)
        {
            var t = w[i].Text;
            var isCodeFlag = t is "-c" or "-e" or "-E" or "-r" or "-p" or "--eval" or "--print" or "-Command" or "-command"
                || (name.EndsWith("awk", StringComparison.Ordinal) && !t.StartsWith('-'));
            var code = name.EndsWith("awk", StringComparison.Ordinal) && !t.StartsWith('-') ? t : i + 1 < w.Count ? w[i + 1].Text : string.Empty;
            if (isCodeFlag && MentionsGuardedTool(code) && MentionsExec(code))
            {
                ctx.Add(SafetyRules.Undecidable, $"{name} code runs commands and names a guarded tool", inv.Display);
                return;
            }
        }
    }

    private static bool MentionsExec(string code)
    {
        foreach (var k in (string[])["system", "exec", "popen", "spawn", "subprocess", "os.", "`", "Popen", "run(", "call(", "shell", "child_process", "proc_open", "passthru", "Invoke", "Start-Process", "getline", "|", "open("])
        {
            if (code.Contains(k, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static Invocation? Rest(Invocation inv, int from)
    {
        if (from >= inv.Words.Count)
        {
            return null;
        }

        var next = new Invocation(inv.Words.GetRange(from, inv.Words.Count - from), inv.Depth)
        {
            Stdin = inv.Stdin,
            StdinText = inv.StdinText,
            PipedFrom = inv.PipedFrom,
            TrailingUnknown = inv.TrailingUnknown,
        };
        next.Env.AddRange(inv.Env);
        return next;
    }

    /// <summary>Skips getopt-style options; returns the index of the first operand.</summary>
    private static int SkipOptions(List<ShellWord> w, int i, string shortWithValue, params string[] longWithValue) =>
        SkipOptions(w, i, shortWithValue, numericFlags: false, longWithValue);

    private static int SkipOptions(List<ShellWord> w, int i, string shortWithValue, bool numericFlags, params string[] longWithValue)
    {
        while (i < w.Count)
        {
            var t = w[i].Text;
            if (t == "--")
            {
                return i + 1;
            }

            if (t.Length < 2 || t[0] != '-' || w[i].StartsDynamic)
            {
                return i;
            }

            if (t.StartsWith("--", StringComparison.Ordinal))
            {
                var name = t[2..];
                i += !name.Contains('=', StringComparison.Ordinal) && longWithValue.Any(l => l.StartsWith(name, StringComparison.Ordinal)) ? 2 : 1;
                continue;
            }

            if (numericFlags && t.Skip(1).All(char.IsAsciiDigit))
            {
                i++;
                continue;
            }

            var consumed = 1;
            for (var k = 1; k < t.Length; k++)
            {
                if (shortWithValue.Contains(t[k], StringComparison.Ordinal))
                {
                    consumed = k + 1 < t.Length ? 1 : 2;
                    break;
                }
            }

            i += consumed;
        }

        return i;
    }

    private static Invocation? Env(Invocation inv, EvalContext ctx)
    {
        var w = inv.Words;
        var i = 1;
        var env = new List<ShellWord>();
        List<ShellWord>? split = null;
        while (i < w.Count)
        {
            var t = w[i].Text;
            if (w[i].StartsDynamic)
            {
                break;
            }

            if (t == "--" || t == "-")
            {
                i++;
                break;
            }

            if (t.StartsWith("-S", StringComparison.Ordinal) || t.StartsWith("--split-string", StringComparison.Ordinal) || (t.StartsWith('-') && !t.StartsWith("--", StringComparison.Ordinal) && t.Contains('S', StringComparison.Ordinal)))
            {
                string value;
                var sIndex = t.StartsWith("--", StringComparison.Ordinal) ? -1 : t.IndexOf('S', StringComparison.Ordinal);
                if (t.StartsWith("--split-string=", StringComparison.Ordinal))
                {
                    value = t["--split-string=".Length..];
                    i++;
                }
                else if (sIndex > 0 && sIndex + 1 < t.Length)
                {
                    value = t[(sIndex + 1)..];
                    i++;
                }
                else
                {
                    value = i + 1 < w.Count ? w[i + 1].Text : string.Empty;
                    i += 2;
                }

                // env -S splits its string into words (quotes honoured) and runs them before the remaining args.
                var parsed = ShellParser.Parse(value, inv.Depth + 1);
                split = parsed.Commands.SelectMany(c => c.Assignments.Concat(c.Words)).ToList();
                if (parsed.Commands.Count > 1)
                {
                    ctx.Add(SafetyRules.Undecidable, "env -S string with shell operators", inv.Display);
                }

                break;
            }

            if (t.StartsWith('-'))
            {
                var takesValue = t is "-u" or "-C" or "--unset" or "--chdir" || (t.Length == 2 && t[1] is 'u' or 'C');
                i += takesValue ? 2 : 1;
                continue;
            }

            break;
        }

        var rest = new List<ShellWord>();
        if (split is not null)
        {
            rest.AddRange(split);
        }

        rest.AddRange(w.Skip(i));
        var j = 0;
        while (j < rest.Count && !rest[j].StartsDynamic && rest[j].Text.Contains('=', StringComparison.Ordinal) && !rest[j].Text.StartsWith('-'))
        {
            env.Add(rest[j]);
            j++;
        }

        if (j >= rest.Count)
        {
            return null;
        }

        var next = new Invocation(rest.GetRange(j, rest.Count - j), inv.Depth)
        {
            Stdin = inv.Stdin,
            StdinText = inv.StdinText,
            PipedFrom = inv.PipedFrom,
            TrailingUnknown = inv.TrailingUnknown,
        };
        next.Env.AddRange(inv.Env);
        next.Env.AddRange(env);
        return next;
    }

    private static Invocation? Sudo(Invocation inv)
    {
        var w = inv.Words;
        var i = 1;
        while (i < w.Count)
        {
            var t = w[i].Text;
            if (t == "--")
            {
                i++;
                break;
            }

            if (t.Length < 2 || t[0] != '-' || w[i].StartsDynamic)
            {
                break;
            }

            if (t.StartsWith("--", StringComparison.Ordinal))
            {
                var takes = !t.Contains('=', StringComparison.Ordinal) && t is "--user" or "--group" or "--close-from" or "--chdir"
                    or "--host" or "--prompt" or "--role" or "--type" or "--other-user" or "--command-timeout" or "--chroot";
                i += takes ? 2 : 1;
                continue;
            }

            var consumed = 1;
            for (var k = 1; k < t.Length; k++)
            {
                if ("ugCDhprtTUR".Contains(t[k], StringComparison.Ordinal))
                {
                    consumed = k + 1 < t.Length ? 1 : 2;
                    break;
                }
            }

            i += consumed;
        }

        var next = Rest(inv, i);
        if (next is null)
        {
            return null;
        }

        var j = 0;
        while (j < next.Words.Count && !next.Words[j].StartsDynamic && next.Words[j].Text.Contains('=', StringComparison.Ordinal) && !next.Words[j].Text.StartsWith('-'))
        {
            next.Env.Add(next.Words[j]);
            j++;
        }

        return j == 0 ? next : Rest(next, j);
    }

    private static Invocation? Xargs(Invocation inv)
    {
        var i = SkipOptions(inv.Words, 1, "adEeIiLlnPs", "arg-file", "delimiter", "eof", "replace", "max-lines", "max-args", "max-procs", "max-chars", "process-slot-var");
        var next = Rest(inv, i);
        if (next is null)
        {
            return null;
        }

        // xargs appends words read from stdin: known only when the producer's output is static.
        var output = StaticOutput(inv.PipedFrom);
        var replace = inv.Words.Take(i).Any(x => x.Text.StartsWith("-I", StringComparison.Ordinal) || x.Text.StartsWith("-i", StringComparison.Ordinal) || x.Text.StartsWith("--replace", StringComparison.Ordinal));
        if (output is not null && !replace)
        {
            next.Words = [.. next.Words, .. output.Split([' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries).Select(ShellWord.Static)];
        }
        else if (!replace && IsGitListing(inv.PipedFrom) && !next.Words.Any(x => x.Text == "push"))
        {
            // `git branch --merged | xargs git branch -d`: branch names never start with '-' (they may start with '+',
            // hence no relaxation for push).
            next.Words = [.. next.Words, new ShellWord("./<xargs input>", isDynamic: true)];
        }
        else
        {
            next.TrailingUnknown = true;
        }

        next.Stdin = StdinKind.Inherited;
        next.PipedFrom = null;
        return next;
    }

    private static bool IsGitListing(ShellCommand? producer) =>
        producer is { Words.Count: >= 2 } && producer.Words.All(w => !w.IsDynamic) && BaseName(producer.Words[0].Text) == "git"
        && producer.Words[1].Text is "branch" or "for-each-ref" or "tag"
        && producer.Words.All(w => w.Text is not ("--format" or "--pretty") && !w.Text.StartsWith("--format=", StringComparison.Ordinal)
            && !w.Text.StartsWith("--pretty=", StringComparison.Ordinal));

    private static void Find(Invocation inv, EvalContext ctx)
    {
        var w = inv.Words;
        for (var i = 1; i < w.Count; i++)
        {
            if (w[i].Text is not ("-exec" or "-execdir" or "-ok" or "-okdir"))
            {
                continue;
            }

            var cmd = new List<ShellWord>();
            var j = i + 1;
            for (; j < w.Count && w[j].Text is not (";" or "+"); j++)
            {
                // find substitutes a path (./…): it never starts with '-' or '+'.
                cmd.Add(w[j].Text == "{}" ? new ShellWord("./{}", isDynamic: true) : w[j]);
            }

            if (cmd.Count > 0)
            {
                EvaluateInvocation(new Invocation(cmd, inv.Depth) { TrailingUnknown = inv.TrailingUnknown }, ctx);
            }

            i = j;
        }
    }

    private static void Shell(string name, Invocation inv, EvalContext ctx)
    {
        var w = inv.Words;
        var i = 1;
        var hasC = false;
        var readStdin = false;
        while (i < w.Count)
        {
            var t = w[i].Text;
            if (w[i].StartsDynamic)
            {
                ctx.Add(SafetyRules.Undecidable, $"{name}: option '{t}' is not static", inv.Display);
                return;
            }

            if (t is "--" or "-")
            {
                i++;
                break;
            }

            if (t.Length < 2 || t[0] is not ('-' or '+'))
            {
                break;
            }

            if (t.StartsWith("--", StringComparison.Ordinal))
            {
                if (t is "--version" or "--help")
                {
                    return;
                }

                i += t is "--rcfile" or "--init-file" ? 2 : 1;
                continue;
            }

            var consumed = 1;
            foreach (var c in t.AsSpan(1))
            {
                if (c == 'c')
                {
                    hasC = true;
                }
                else if (c == 's')
                {
                    readStdin = true;
                }
                else if (c is 'o' or 'O')
                {
                    consumed++;
                }
            }

            i += consumed;
        }

        if (hasC)
        {
            if (i >= w.Count)
            {
                return;
            }

            var script = w[i];
            EvaluateScript(script.Text, inv.Depth + 1, ctx);
            if (RefersToPositional(script.Text) && i + 2 < w.Count)
            {
                // bash -c '"$@"' _ git push -f: the positional parameters are the command.
                EvaluateInvocation(new Invocation(w.GetRange(i + 2, w.Count - i - 2), inv.Depth + 1), ctx);
            }

            return;
        }

        if (i < w.Count && w[i].Text.StartsWith("<(", StringComparison.Ordinal) && MentionsGuardedTool(w[i].Text))
        {
            ctx.Add(SafetyRules.Undecidable, $"{name} runs a script from a command's output that names a guarded tool", inv.Display);
            return;
        }

        if (i < w.Count && !readStdin)
        {
            return; // a script file: its content is not inspected (the in-container wrappers still see every call)
        }

        var stdin = StdinScript(inv, out var undecidable);
        if (undecidable is not null)
        {
            ctx.Add(SafetyRules.Undecidable, undecidable, inv.Display);
            return;
        }

        if (stdin is not null)
        {
            EvaluateScript(stdin, inv.Depth + 1, ctx);
        }
    }

    private static bool RefersToPositional(string script) =>
        script.Contains("$@", StringComparison.Ordinal) || script.Contains("$*", StringComparison.Ordinal)
        || script.Contains("${@", StringComparison.Ordinal) || script.Contains("${*", StringComparison.Ordinal)
        || script.Contains("${1", StringComparison.Ordinal)
        || Enumerable.Range(1, 9).Any(n => script.Contains("$" + n, StringComparison.Ordinal));
}
