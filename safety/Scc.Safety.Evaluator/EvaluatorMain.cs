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
        var environment = GitEnvironment();
        var verdict = SafetyEngine.EvaluateArgv(argv, policy, environment);
        if (verdict.Allowed && (tool == "git" || tool.StartsWith("git-", StringComparison.Ordinal)))
        {
            // Aliases and push/clean/gc defaults can live in the repository's config files, which git reads itself:
            // ask the real git for them and judge again with them in force.
            var after = tool == "git" ? argv.Skip(1).ToList() : [tool[4..], .. argv.Skip(1)];
            if (Scc.Safety.Rules.GitRules.NeedsStoredConfig(after, out var globals))
            {
                var stored = StoredGitConfig(globals);
                if (stored is null)
                {
                    verdict = new SafetyVerdict(false, SafetyRules.Undecidable, "git configuration could not be read to resolve aliases", [], string.Join(' ', argv));
                }
                else if (stored.Count > 0)
                {
                    verdict = SafetyEngine.EvaluateArgv(argv, policy, [.. environment, .. stored]);
                }
            }
        }

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

    /// <summary>Stored settings as GIT_CONFIG_COUNT/KEY/VALUE entries, or null when git could not be asked.</summary>
    private static List<string>? StoredGitConfig(List<string> globalOptions)
    {
        var git = Path.Combine(BuildConstants.RealBinDir, "git");
        if (!IsRunnable(git))
        {
            return [];
        }

        var psi = new System.Diagnostics.ProcessStartInfo(git)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var g in globalOptions)
        {
            psi.ArgumentList.Add(g);
        }

        psi.ArgumentList.Add("config");
        psi.ArgumentList.Add("--null");
        psi.ArgumentList.Add("--get-regexp");
        psi.ArgumentList.Add(Scc.Safety.Rules.GitRules.StoredConfigPattern);
        try
        {
            using var p = System.Diagnostics.Process.Start(psi)!;
            var errTask = p.StandardError.ReadToEndAsync();
            var output = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            _ = errTask.Result;

            // Exit 1 means no key matched; anything else than 0/1 is an error (e.g. not a repository: fine, no config).
            if (p.ExitCode is not (0 or 1) && output.Length > 0)
            {
                return null;
            }

            var entries = new List<string>();
            var n = 0;
            foreach (var record in output.Split('\0', StringSplitOptions.RemoveEmptyEntries))
            {
                var nl = record.IndexOf('\n', StringComparison.Ordinal);
                var key = nl >= 0 ? record[..nl] : record;
                var value = nl >= 0 ? record[(nl + 1)..] : "true";
                entries.Add($"GIT_CONFIG_KEY_stored{n}={key}");
                entries.Add($"GIT_CONFIG_VALUE_stored{n}={value}");
                n++;
            }

            return entries;
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or IOException or InvalidOperationException)
        {
            return null;
        }
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
