using Scc.Safety.Engine;
using Scc.Safety.Shell;

namespace Scc.Safety;

/// <summary>Evaluates shell command lines and exact argv vectors against a <see cref="SafetyPolicy"/>.</summary>
/// <remarks>Never throws: an internal failure is reported as a block (fail closed).</remarks>
public static class SafetyEngine
{
    /// <summary>Evaluates a shell command line (anything a shell would accept, including scripts).</summary>
    public static SafetyVerdict Evaluate(string command, SafetyPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (policy.IsFailClosed)
        {
            return FailClosed(policy, command);
        }

        try
        {
            var ctx = new EvalContext(policy);
            // A NUL cannot reach a shell; whoever strips or splits on it, reading it as a blank covers both.
            CommandEvaluator.EvaluateScript((command ?? string.Empty).Replace('\0', ' '), 0, ctx);
            return Decide(ctx);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return Internal(ex);
        }
    }

    /// <summary>Evaluates one exact argument vector (argv[0] is the tool, by name or path): no re-joining, no re-splitting.</summary>
    public static SafetyVerdict EvaluateArgv(IReadOnlyList<string> argv, SafetyPolicy policy) =>
        EvaluateArgv(argv, policy, []);

    /// <summary>
    /// As <see cref="EvaluateArgv(IReadOnlyList{string}, SafetyPolicy)"/>, with the <c>NAME=value</c> environment the
    /// tool will see (git reads GIT_CONFIG_PARAMETERS, GIT_SSH_COMMAND, … from it; curl reads *_proxy).
    /// </summary>
    public static SafetyVerdict EvaluateArgv(IReadOnlyList<string> argv, SafetyPolicy policy, IEnumerable<string> environment)
    {
        ArgumentNullException.ThrowIfNull(argv);
        ArgumentNullException.ThrowIfNull(policy);
        if (policy.IsFailClosed)
        {
            return FailClosed(policy, string.Join(' ', argv));
        }

        try
        {
            var ctx = new EvalContext(policy);
            if (argv.Count == 0)
            {
                return SafetyVerdict.Allow;
            }

            // execve truncates each argument at a NUL: judge what the program would receive.
            var inv = new Invocation(argv.Select(a => ShellWord.Static((a ?? string.Empty).Split('\0')[0])).ToList(), 0);
            foreach (var e in environment)
            {
                if (e.StartsWith("GIT_", StringComparison.Ordinal) || e.Contains("_proxy=", StringComparison.OrdinalIgnoreCase)
                    || e.StartsWith("RSYNC_", StringComparison.Ordinal))
                {
                    inv.Env.Add(ShellWord.Static(e));
                }
            }

            CommandEvaluator.EvaluateInvocation(inv, ctx);
            return Decide(ctx);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return Internal(ex);
        }
    }

    /// <summary>Whether a program name (git, curl, …, or a git-&lt;cmd&gt; name) is guarded by the engine.</summary>
    public static bool IsGuardedTool(string name) => CommandEvaluator.IsGuardedTool(CommandEvaluator.BaseName(name ?? string.Empty));

    private static SafetyVerdict FailClosed(SafetyPolicy policy, string command) =>
        new(false, SafetyRules.PolicyInvalid, policy.LoadError ?? "policy could not be read", [], CommandEvaluator.Truncate(command ?? string.Empty));

    private static SafetyVerdict Internal(Exception ex) =>
        new(false, SafetyRules.Undecidable, "internal error while evaluating: " + ex.GetType().Name, [], null);

    private static SafetyVerdict Decide(EvalContext ctx)
    {
        var policy = ctx.Policy;
        RuleMatch? first = null;
        var warnings = new List<string>();
        foreach (var m in ctx.Matches)
        {
            // Disabled rules are skipped one by one: a disabled match never hides an enabled one.
            if (!policy.IsEnabled(SafetyRules.KeyOf(m.RuleId)))
            {
                continue;
            }

            first ??= m;
            var line = $"{m.Reason} [{m.RuleId}]";
            if (!warnings.Contains(line))
            {
                warnings.Add(line);
            }
        }

        if (first is null)
        {
            return SafetyVerdict.Allow;
        }

        return policy.Action switch
        {
            SafetyAction.Warn => new SafetyVerdict(true, first.RuleId, first.Reason, warnings, first.Command),
            SafetyAction.Allow => new SafetyVerdict(true, first.RuleId, first.Reason, [], first.Command),
            _ => new SafetyVerdict(false, first.RuleId, first.Reason, [], first.Command),
        };
    }
}
