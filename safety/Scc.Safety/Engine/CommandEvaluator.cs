using System.Text;
using Scc.Safety.Rules;
using Scc.Safety.Shell;

namespace Scc.Safety.Engine;

/// <summary>
/// Walks parsed commands: unwraps the runners that hide the real command (env, sudo, bash -c, xargs, find -exec, …)
/// and hands git and network tools to their rules.
/// </summary>
internal static partial class CommandEvaluator
{
    public static readonly HashSet<string> Shells = new(StringComparer.Ordinal)
    {
        "sh", "bash", "zsh", "dash", "ksh", "mksh", "ash", "yash", "posh", "rbash", "fish",
    };

    public static bool IsGuardedTool(string name) =>
        name == "git" || name.StartsWith("git-", StringComparison.Ordinal) || NetworkRules.Tools.Contains(name);

    public static void EvaluateScript(string script, int depth, EvalContext ctx)
    {
        ctx.Step();
        if (ctx.OverBudget)
        {
            if (MentionsGuardedTool(script))
            {
                ctx.Add(SafetyRules.Undecidable, "the command is too large to evaluate", Truncate(script));
            }

            return;
        }

        var parsed = ShellParser.Parse(script, depth);
        ctx.Step(parsed.Commands.Count);
        if (parsed.Undecidable.Count > 0 && MentionsGuardedTool(script))
        {
            ctx.Add(SafetyRules.Undecidable, $"cannot be parsed ({parsed.Undecidable[0]}) and names a guarded tool", Truncate(script));
        }

        foreach (var cmd in parsed.Commands)
        {
            CollectSessionEnv(cmd, ctx);
        }

        foreach (var r in parsed.NetworkRedirections)
        {
            // exec 3<>/dev/tcp/host/port: bash itself connects.
            var parts = r.Text.Split('/');
            var host = parts.Length > 3 ? parts[3] : string.Empty;
            if (r.IsDynamic && Destinations.LooksDynamic(host))
            {
                ctx.Add(SafetyRules.Undecidable, $"bash network redirection '{r.Text}' is not static", r.Text);
            }
            else if (!Destinations.IsAllowed(host, ctx.Policy))
            {
                ctx.Add(SafetyRules.NetworkDestination, $"bash /dev/tcp: destination '{Destinations.NormalizeHost(host)}' is not in network.allowed_destinations", r.Text);
            }
        }

        foreach (var cmd in parsed.Commands)
        {
            if (cmd.Words.Count == 0)
            {
                continue;
            }

            var inv = new Invocation(cmd.Words, depth)
            {
                Stdin = cmd.Stdin,
                StdinText = cmd.StdinText,
                PipedFrom = cmd.PipedFrom,
            };
            inv.Env.AddRange(cmd.Assignments);
            EvaluateInvocation(inv, ctx);
            if (ctx.OverBudget)
            {
                return;
            }
        }
    }

    // `export GIT_CONFIG_PARAMETERS=…` or a bare `GIT_CONFIG_COUNT=1` changes every later git of the script.
    private static void CollectSessionEnv(ShellCommand cmd, EvalContext ctx)
    {
        if (cmd.Assignments.Count == 0 && (cmd.Words.Count == 0 || cmd.Words[0].Text is not ("export" or "declare" or "typeset" or "local" or "readonly")))
        {
            return;
        }

        foreach (var a in cmd.Assignments.Concat(cmd.Words.Skip(1).Where(w => cmd.Words[0].Text is "export" or "declare" or "typeset" or "local" or "readonly")))
        {
            var eq = a.Text.IndexOf('=', StringComparison.Ordinal);
            var value = eq > 0 ? a.Text[(eq + 1)..] : string.Empty;

            // x=$(git rev-parse HEAD) holds the output, not a command line: only literal text can become a command.
            var isOutput = a.IsDynamic && (value.StartsWith("$(", StringComparison.Ordinal) || value.StartsWith('`'));
            if (eq > 0 && !isOutput && ctx.AssignedValues.Count < 1024)
            {
                ctx.AssignedValues.Add(value);
            }
        }

        if (cmd.Words.Count == 0)
        {
            ctx.SessionGitEnv.AddRange(cmd.Assignments.Where(a => a.Text.StartsWith("GIT_", StringComparison.Ordinal)));
            return;
        }

        if (!cmd.Words[0].IsDynamic && cmd.Words[0].Text is "export" or "declare" or "typeset" or "local" or "readonly")
        {
            ctx.SessionGitEnv.AddRange(cmd.Words.Skip(1).Where(a => a.Text.StartsWith("GIT_", StringComparison.Ordinal) && a.Text.Contains('=', StringComparison.Ordinal)));
        }
    }

    public static string Truncate(string s) => s.Length <= 200 ? s : s[..200] + "…";

    /// <summary>True when a guarded tool's name appears as a word in the text (after removing quotes and escapes).</summary>
    public static bool MentionsGuardedTool(string text)
    {
        var sb = new StringBuilder(Math.Min(text.Length, 1 << 20));
        foreach (var c in text)
        {
            if (c is not ('\'' or '"' or '\\'))
            {
                sb.Append(char.ToLowerInvariant(c));
            }
        }

        var s = sb.ToString();
        var i = 0;
        while (i < s.Length)
        {
            while (i < s.Length && !IsNameChar(s[i]))
            {
                i++;
            }

            var start = i;
            while (i < s.Length && IsNameChar(s[i]))
            {
                i++;
            }

            if (i > start)
            {
                var word = s.AsSpan(start, i - start);
                if (word.SequenceEqual("git") || word.StartsWith("git-") || IsNetworkToolName(word))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.';

    private static bool IsNetworkToolName(ReadOnlySpan<char> word)
    {
        foreach (var t in NetworkRules.Tools)
        {
            if (word.SequenceEqual(t))
            {
                return true;
            }
        }

        return false;
    }

    public static void EvaluateInvocation(Invocation inv, EvalContext ctx)
    {
        // Each pass peels one runner; the bound only matters for absurd chains like `env env env … git`.
        for (var guard = 0; guard < 64 && inv.Words.Count > 0; guard++)
        {
            ctx.Step();
            var w0 = inv.Words[0];
            if (w0.IsDynamic)
            {
                DynamicCommandName(inv, ctx);
                return;
            }

            var name = BaseName(w0.Text);
            var next = Unwrap(name, inv, ctx);
            if (next is null)
            {
                return;
            }

            inv = next;
        }
    }

    public static string BaseName(string path)
    {
        var t = path.TrimEnd('/');
        var slash = t.LastIndexOf('/');
        return slash >= 0 ? t[(slash + 1)..] : t;
    }

    private static void DynamicCommandName(Invocation inv, EvalContext ctx)
    {
        var display = inv.Display;
        var text = string.Join(' ', inv.Words.Select(w => w.Text));
        if (MentionsGuardedTool(text) || inv.Words[0].SubstitutionOnly is { } s && MentionsGuardedTool(s))
        {
            ctx.Add(SafetyRules.Undecidable, $"the command name '{inv.Words[0].Text}' is not static and a guarded tool is named next to it", display);
            return;
        }

        // cmd="git push -f"; $cmd — the value assigned earlier in the script names the tool.
        if (ctx.AssignedValues.Any(MentionsGuardedTool))
        {
            ctx.Add(SafetyRules.Undecidable, $"the command name '{inv.Words[0].Text}' is not static and a variable of the script names a guarded tool", display);
            return;
        }

        // `$X push --force`: judge the arguments as if the command were git.
        var probe = new EvalContext(ctx.Policy);
        var asGit = new Invocation([ShellWord.Static("git"), .. inv.Words.Skip(1)], inv.Depth) { TrailingUnknown = inv.TrailingUnknown };
        GitRules.Evaluate(asGit, null, probe, _ => { });
        var hit = probe.Matches.FirstOrDefault(m => m.RuleId != SafetyRules.Undecidable);
        if (hit is not null)
        {
            ctx.Add(SafetyRules.Undecidable, $"the command name '{inv.Words[0].Text}' is not static and its arguments would be destructive for git ({hit.RuleId})", display);
            return;
        }

        foreach (var w in inv.Words.Skip(1))
        {
            if (!w.IsDynamic && w.Text.Contains("://", StringComparison.Ordinal)
                && Destinations.HostOfUrl(w.Text) is { Length: > 0 } host && !Destinations.IsAllowed(host, ctx.Policy))
            {
                ctx.Add(SafetyRules.Undecidable, $"the command name '{inv.Words[0].Text}' is not static and it names the destination '{host}'", display);
                return;
            }
        }
    }

    /// <summary>The output of a pipeline stage when it is known statically (echo, printf, cat of a here-doc).</summary>
    private static string? StaticOutput(ShellCommand? producer)
    {
        if (producer is null || producer.Words.Count == 0 || producer.Words.Any(w => w.IsDynamic))
        {
            return null;
        }

        var name = BaseName(producer.Words[0].Text);
        var args = producer.Words.Skip(1).Select(w => w.Text).ToList();
        switch (name)
        {
            case "echo":
                while (args.Count > 0 && args[0] is "-n" or "-e" or "-E" or "-ne" or "-en")
                {
                    args.RemoveAt(0);
                }

                return UnescapeEcho(string.Join(' ', args)) + "\n";
            case "printf":
                // Over-approximation: the format and every argument, each on its own line.
                return string.Join('\n', args.Where(a => a != "--").Select(UnescapeEcho)) + "\n";
            case "cat" when args.Count == 0 && producer.Stdin == StdinKind.StaticText:
                return producer.StdinText;
            default:
                return null;
        }
    }

    private static string UnescapeEcho(string s) =>
        s.Replace("\\n", "\n", StringComparison.Ordinal).Replace("\\t", "\t", StringComparison.Ordinal);

    /// <summary>The script a shell reads from its standard input, or null with a reason when it cannot be known.</summary>
    private static string? StdinScript(Invocation inv, out string? undecidable)
    {
        undecidable = null;
        switch (inv.Stdin)
        {
            case StdinKind.StaticText:
                return inv.StdinText ?? string.Empty;
            case StdinKind.Pipe:
                var output = StaticOutput(inv.PipedFrom);
                if (output is null)
                {
                    undecidable = "a script piped into a shell from a command whose output is not static";
                }

                return output;
            case StdinKind.DynamicText:
                // The text is still inspected; its dynamic parts show up as dynamic words.
                return inv.StdinText ?? string.Empty;
            default:
                return null;
        }
    }
}
