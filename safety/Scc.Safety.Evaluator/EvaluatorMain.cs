using System.Collections;
using System.Text;
using System.Text.Json;

namespace Scc.Safety.Evaluator;

/// <summary>The two modes of scc-safety-eval: <c>check</c>, and running under a guarded tool's name.</summary>
internal static class EvaluatorMain
{
    public const string ProgramName = "scc-safety-eval";
    private const int Allow = 0;
    private const int Block = 2;

    private const string Usage = """
        usage: scc-safety-eval check [--policy FILE] [--json] -- "<shell command>"
               scc-safety-eval check [--policy FILE] [--json] --argv <tool> [args...]
        exit: 0 allowed, 2 blocked (also for any error)
        """;

    public static int Run(RawArgs args)
    {
        var argv0 = args.Text.Count > 0 ? args.Text[0] : ProgramName;
        var name = Path.GetFileName(argv0);
        if (name == ProgramName || name.Length == 0)
        {
            return Check(args.Text.Skip(1).ToList());
        }

        return RunAsTool(name, args);
    }

    private static int UsageError(string message)
    {
        Output.Err("scc-safety-eval: " + message);
        Output.Err(Usage);
        return Block;
    }

    private static int Check(List<string> args)
    {
        if (args.Count == 0 || args[0] != "check")
        {
            return UsageError(args.Count == 0 ? "missing command" : $"unknown command '{args[0]}'");
        }

        var policyPath = BuildConstants.PolicyPath;
        var json = false;
        string? command = null;
        List<string>? argv = null;
        for (var i = 1; i < args.Count; i++)
        {
            var a = args[i];
            if (a == "--json")
            {
                json = true;
            }
            else if (a == "--policy")
            {
                if (i + 1 >= args.Count)
                {
                    return UsageError("--policy needs a file");
                }

                policyPath = args[++i];
            }
            else if (a.StartsWith("--policy=", StringComparison.Ordinal))
            {
                policyPath = a["--policy=".Length..];
            }
            else if (a == "--")
            {
                if (args.Count - (i + 1) != 1)
                {
                    return UsageError("-- takes exactly one argument: the shell command, quoted");
                }

                command = args[i + 1];
                break;
            }
            else if (a == "--argv")
            {
                argv = args.Skip(i + 1).ToList();
                if (argv.Count == 0)
                {
                    return UsageError("--argv needs the tool and its arguments");
                }

                break;
            }
            else
            {
                return UsageError($"unknown option '{a}'");
            }
        }

        if (command is null && argv is null)
        {
            return UsageError("give -- \"<command>\" or --argv <tool> [args...]");
        }

        var policy = SafetyPolicyLoader.LoadFile(policyPath);
        var verdict = argv is not null ? SafetyEngine.EvaluateArgv(argv, policy) : SafetyEngine.Evaluate(command!, policy);
        if (json)
        {
            Output.Out(VerdictJson(verdict));
        }
        else if (!verdict.Allowed)
        {
            Output.Out($"blocked: {verdict.Reason} [{verdict.RuleId}]");
        }
        else
        {
            foreach (var w in verdict.Warnings)
            {
                Output.Out("warning: " + w);
            }

            Output.Out("allowed");
        }

        return verdict.Allowed ? Allow : Block;
    }

    private static string VerdictJson(SafetyVerdict v)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteBoolean("allowed", v.Allowed);
            w.WriteString("verdict", Kind(v));
            WriteNullable(w, "rule", v.RuleId);
            w.WriteString("reason", v.Reason);
            w.WriteStartArray("warnings");
            foreach (var x in v.Warnings)
            {
                w.WriteStringValue(x);
            }

            w.WriteEndArray();
            WriteNullable(w, "command", v.MatchedCommand);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(ms.ToArray());
    }

    private static string Kind(SafetyVerdict v) => !v.Allowed ? "block" : v.Warnings.Count > 0 ? "warn" : "allow";

    private static void WriteNullable(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }

    private static int RunAsTool(string tool, RawArgs args)
    {
        var policy = SafetyPolicyLoader.LoadFile(BuildConstants.PolicyPath);
        var argv = args.Text.ToList();
        argv[0] = tool;
        var verdict = SafetyEngine.EvaluateArgv(argv, policy, GitEnvironment());
        Audit(tool, argv, verdict);
        if (!verdict.Allowed)
        {
            Output.Err($"scc-safety: blocked: {verdict.Reason} [{verdict.RuleId}]");
            return Block;
        }

        foreach (var w in verdict.Warnings)
        {
            Output.Err("scc-safety: warning: " + w);
        }

        var (path, execArgv) = RealTarget(tool, args.Bytes);
        if (path is null)
        {
            Output.Err($"scc-safety: blocked: the real {tool} is not installed under {BuildConstants.RealBinDir} [shell.undecidable]");
            return Block;
        }

        var errno = Native.Exec(Encoding.UTF8.GetBytes(path), execArgv);
        Output.Err($"scc-safety: blocked: cannot run {path} (errno {errno}) [shell.undecidable]");
        return Block;
    }

    private static (string? Path, List<byte[]> Argv) RealTarget(string tool, List<byte[]> raw)
    {
        var argv = new List<byte[]>(raw);
        argv[0] = Encoding.UTF8.GetBytes(tool);
        var direct = Path.Combine(BuildConstants.RealBinDir, tool);
        if (IsRunnable(direct))
        {
            return (direct, argv);
        }

        // git-<cmd> (the dashed builtins in git's exec dir) runs as `git <cmd>` through the real git.
        if (tool.StartsWith("git-", StringComparison.Ordinal) && tool.Length > 4)
        {
            var git = Path.Combine(BuildConstants.RealBinDir, "git");
            if (IsRunnable(git))
            {
                argv[0] = Encoding.UTF8.GetBytes("git");
                argv.Insert(1, Encoding.UTF8.GetBytes(tool[4..]));
                return (git, argv);
            }
        }

        return (null, argv);
    }

    private static bool IsRunnable(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        // A real binary that resolves to this evaluator would exec itself forever.
        var self = Environment.ProcessPath;
        var target = new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Path.GetFullPath(path);
        return self is null || !string.Equals(Path.GetFullPath(self), target, StringComparison.Ordinal);
    }

    // git reads configuration from these variables; judging git's argv without them would miss aliases.
    private static List<string> GitEnvironment()
    {
        var list = new List<string>();
        foreach (DictionaryEntry e in Environment.GetEnvironmentVariables())
        {
            var key = e.Key as string ?? string.Empty;
            if (key.StartsWith("GIT_", StringComparison.Ordinal) || key.EndsWith("_proxy", StringComparison.OrdinalIgnoreCase)
                || key.StartsWith("RSYNC_", StringComparison.Ordinal))
            {
                list.Add(key + "=" + (e.Value as string ?? string.Empty));
            }
        }

        return list;
    }

    private static void Audit(string tool, List<string> argv, SafetyVerdict verdict)
    {
        try
        {
            if (!Directory.Exists(BuildConstants.AuditDir))
            {
                return;
            }

            using var ms = new MemoryStream();
            using (var w = new Utf8JsonWriter(ms))
            {
                w.WriteStartObject();
                w.WriteString("time", DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture));
                w.WriteString("event", "safety.check");
                w.WriteString("tool", tool);
                w.WriteStartArray("argv");
                foreach (var a in argv)
                {
                    w.WriteStringValue(a);
                }

                w.WriteEndArray();
                w.WriteString("verdict", Kind(verdict));
                WriteNullable(w, "rule", verdict.RuleId);
                w.WriteString("reason", verdict.Reason);
                w.WriteEndObject();
            }

            ms.WriteByte((byte)'\n');
            Native.AppendLine(Path.Combine(BuildConstants.AuditDir, "safety.jsonl"), ms.ToArray());
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The audit line is best effort; the verdict stands either way.
        }
    }
}
