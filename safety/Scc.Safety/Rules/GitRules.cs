using Scc.Safety.Engine;
using Scc.Safety.Shell;

namespace Scc.Safety.Rules;

/// <summary>The git rules: git's own command line (global options, -c, aliases) and each guarded subcommand.</summary>
internal static partial class GitRules
{
    // Aliases never shadow these (git runs the builtin or the bundled command first).
    private static readonly HashSet<string> Builtins = new(StringComparer.Ordinal)
    {
        "add", "am", "annotate", "apply", "archive", "bisect", "blame", "branch", "bugreport", "bundle", "cat-file",
        "check-attr", "check-ignore", "check-mailmap", "check-ref-format", "checkout", "checkout-index", "cherry",
        "cherry-pick", "clean", "clone", "column", "commit", "commit-graph", "commit-tree", "config", "count-objects",
        "credential", "describe", "diagnose", "diff", "diff-files", "diff-index", "diff-tree", "difftool",
        "fast-export", "fast-import", "fetch", "fetch-pack", "filter-branch", "fmt-merge-msg", "for-each-ref",
        "format-patch", "fsck", "gc", "grep", "hash-object", "help", "hook", "index-pack", "init", "log", "ls-files",
        "ls-remote", "ls-tree", "maintenance", "merge", "merge-base", "merge-file", "merge-tree", "mergetool", "mktag",
        "mktree", "multi-pack-index", "mv", "name-rev", "notes", "pack-objects", "pack-refs", "prune", "pull", "push",
        "range-diff", "read-tree", "rebase", "reflog", "remote", "repack", "replace", "rerere", "reset", "restore",
        "rev-list", "rev-parse", "revert", "rm", "send-pack", "shortlog", "show", "show-branch", "show-ref",
        "sparse-checkout", "stage", "stash", "status", "submodule", "switch", "symbolic-ref", "tag", "update-index",
        "update-ref", "var", "verify-commit", "verify-tag", "version", "whatchanged", "worktree", "write-tree",
    };

    private static readonly HashSet<string> GuardedSubcommands = new(StringComparer.Ordinal)
    {
        "push", "reset", "branch", "stash", "clean", "checkout", "switch", "restore", "reflog", "gc", "prune", "config",
        "filter-branch", "filter-repo",
    };

    private static readonly string[] ProtectedBranches =
    [
        "main", "master", "trunk", "develop", "development", "dev", "production", "prod", "staging", "stable", "release",
        "HEAD",
    ];

    /// <summary>
    /// For the in-container wrapper: the global options of a git argv (to repeat them for <c>git config</c>) and whether
    /// settings stored in git's config files could change the verdict (an alias, or push/clean/gc defaults).
    /// </summary>
    public static bool NeedsStoredConfig(IReadOnlyList<string> argvAfterGit, out List<string> globalOptions)
    {
        globalOptions = [];
        var i = 0;
        while (i < argvAfterGit.Count && argvAfterGit[i].StartsWith('-') && argvAfterGit[i].Length > 1)
        {
            var t = argvAfterGit[i];
            var takesValue = t is "-C" or "-c" or "--git-dir" or "--work-tree" or "--namespace" or "--config-env";
            globalOptions.Add(t);
            if (takesValue && i + 1 < argvAfterGit.Count)
            {
                globalOptions.Add(argvAfterGit[i + 1]);
                i++;
            }

            i++;
        }

        if (i >= argvAfterGit.Count)
        {
            return false;
        }

        var sub = argvAfterGit[i];
        return !Builtins.Contains(sub) || sub is "push" or "clean" or "gc";
    }

    /// <summary>The config keys (as a <c>git config --get-regexp</c> pattern) that <see cref="NeedsStoredConfig"/> is about.</summary>
    public const string StoredConfigPattern = @"^(alias\..*|remote\..*\.(push|mirror)|clean\.requireforce|gc\.(pruneexpire|reflogexpire|reflogexpireunreachable))$";

    /// <summary>Evaluates <c>git …</c>; <paramref name="dashedSubcommand"/> is set for <c>git-push</c> style names.</summary>
    public static void Evaluate(Invocation inv, string? dashedSubcommand, EvalContext ctx, Action<string> runScript)
    {
        var args = inv.Words.Skip(1).ToList();
        if (dashedSubcommand is not null)
        {
            args.Insert(0, ShellWord.Static(dashedSubcommand));
        }

        var display = inv.Display;
        var config = new GitConfig();
        config.ApplyEnvironment(ctx.SessionGitEnv.Concat(inv.Env), runScript, ctx, display);

        var i = 0;
        while (i < args.Count)
        {
            var w = args[i];
            var t = w.Text;
            if (w.StartsDynamic)
            {
                ctx.Add(SafetyRules.Undecidable, $"git: argument '{t}' before the subcommand is not static", display);
                return;
            }

            if (t.Length < 2 || t[0] != '-')
            {
                break;
            }

            switch (t)
            {
                case "-C" or "--git-dir" or "--work-tree" or "--namespace" or "--super-prefix" or "--list-cmds" or "--attr-source":
                    i += 2;
                    continue;
                case "-c":
                    if (i + 1 < args.Count)
                    {
                        config.AddSetting(args[i + 1]);
                    }

                    i += 2;
                    continue;
                case "--config-env":
                    if (i + 1 < args.Count)
                    {
                        config.AddFromEnvironmentVariable(args[i + 1].Text);
                    }

                    i += 2;
                    continue;
                case "-v" or "--version" or "-h" or "--help" or "--exec-path" or "--html-path" or "--man-path" or "--info-path":
                    return;
                default:
                    if (t.StartsWith("--config-env=", StringComparison.Ordinal))
                    {
                        config.AddFromEnvironmentVariable(t["--config-env=".Length..]);
                    }

                    i++;
                    continue;
            }
        }

        // Settings whose values are shell commands run whatever the subcommand.
        config.RunShellValued(runScript, ctx, display);
        if (config.HasDynamicKeys)
        {
            // `-c "$K=$V"` could be remote.*.push=+…, core.pager=…, an alias: nothing about the command is known.
            ctx.Add(SafetyRules.Undecidable, "git: a configuration setting (-c, GIT_CONFIG_*) is not static", display);
            return;
        }

        if (i >= args.Count)
        {
            return;
        }

        EvaluateSubcommand(args.Skip(i).ToList(), inv, config, ctx, runScript, display, aliasDepth: 0);
    }

    private static void EvaluateSubcommand(
        List<ShellWord> args,
        Invocation inv,
        GitConfig config,
        EvalContext ctx,
        Action<string> runScript,
        string display,
        int aliasDepth)
    {
        var subWord = args[0];
        if (subWord.IsDynamic)
        {
            ctx.Add(SafetyRules.Undecidable, $"git: subcommand '{subWord.Text}' is not static", display);
            return;
        }

        var sub = subWord.Text;
        var rest = args.Skip(1).ToList();
        if (!Builtins.Contains(sub) && sub != "filter-repo")
        {
            var alias = config.Get("alias." + sub.ToLowerInvariant());
            if (alias is not null)
            {
                if (alias.Value.Dynamic)
                {
                    ctx.Add(SafetyRules.Undecidable, $"git: alias '{sub}' is not static", display);
                    return;
                }

                ExpandAlias(sub, alias.Value.Value, rest, inv, config, ctx, runScript, display, aliasDepth);
                return;
            }

            return;
        }

        if (!GuardedSubcommands.Contains(sub))
        {
            return;
        }

        if (inv.TrailingUnknown && sub != "config")
        {
            ctx.Add(SafetyRules.Undecidable, $"git {sub}: arguments are appended at run time", display);
        }

        switch (sub)
        {
            case "push": Push(rest, config, ctx, display); break;
            case "reset": Reset(rest, ctx, display); break;
            case "branch": Branch(rest, ctx, display); break;
            case "stash": Stash(rest, ctx, display); break;
            case "clean": Clean(rest, config, ctx, display); break;
            case "checkout": Checkout(rest, ctx, display); break;
            case "switch": Switch(rest, ctx, display); break;
            case "restore": Restore(rest, ctx, display); break;
            case "reflog": Reflog(rest, ctx, display); break;
            case "gc": Gc(rest, config, ctx, display); break;
            case "prune": PruneCommand(rest, ctx, display); break;
            case "config": ConfigCommand(rest, config, ctx, runScript, display); break;
            case "filter-branch":
            case "filter-repo":
                Add(ctx, SafetyRules.FilterBranch, $"git {sub} rewrites history", display);
                break;
            default:
                break;
        }
    }

    private static void ExpandAlias(
        string name,
        string value,
        List<ShellWord> rest,
        Invocation inv,
        GitConfig config,
        EvalContext ctx,
        Action<string> runScript,
        string display,
        int aliasDepth)
    {
        if (value.StartsWith('!'))
        {
            // git runs: sh -c '<value> "$@"' <value> <args…>
            var script = value[1..] + " " + string.Join(' ', rest.Select(w => ShellQuote(w.Text)));
            runScript(script);
            return;
        }

        if (aliasDepth > 8)
        {
            return; // git reports an alias loop and runs nothing
        }

        var parsed = ShellParser.Parse(value, ShellParser.MaxDepth - 1);
        if (parsed.Commands.Count != 1 || parsed.Undecidable.Count > 0)
        {
            ctx.Add(SafetyRules.Undecidable, $"git: alias '{name}' = '{value}' cannot be read", display);
            return;
        }

        var words = parsed.Commands[0].Assignments.Concat(parsed.Commands[0].Words).ToList();
        if (words.Count == 0)
        {
            return;
        }

        // Global options inside an alias are not allowed by git; the first word is the subcommand.
        words.AddRange(rest);
        EvaluateSubcommand(words, inv, config, ctx, runScript, display + $"  (alias {name} = {value})", aliasDepth + 1);
    }

    internal static string ShellQuote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static void Add(EvalContext ctx, string rule, string reason, string display) => ctx.Add(rule, reason, display);

    private static void CheckDynamic(GitParsed p, string sub, EvalContext ctx, string display)
    {
        foreach (var w in p.DynamicWords)
        {
            if (!IsRefFromGit(w))
            {
                ctx.Add(SafetyRules.Undecidable, $"git {sub}: argument '{w.Text}' is not static and could be an option or a +refspec", display);
                return;
            }
        }
    }

    // `$(git branch --show-current)` and friends yield a ref or a hash: never an option or a +refspec.
    private static bool IsRefFromGit(ShellWord w)
    {
        if (w.SubstitutionOnly is null)
        {
            return false;
        }

        var inner = ShellParser.Parse(w.SubstitutionOnly, ShellParser.MaxDepth - 1);
        if (inner.Undecidable.Count > 0 || inner.Commands.Count == 0)
        {
            return false;
        }

        var last = inner.Commands[^1].Words;
        return last.Count >= 2 && !last[0].IsDynamic && Path.GetFileName(last[0].Text) == "git"
            && last[1].Text is "rev-parse" or "branch" or "symbolic-ref" or "describe" or "merge-base" or "name-rev"
            && !last.Any(x => x.IsDynamic);
    }

    private static bool IsProtected(string refName)
    {
        var r = refName;
        foreach (var prefix in (string[])["refs/heads/", "heads/"])
        {
            if (r.StartsWith(prefix, StringComparison.Ordinal))
            {
                r = r[prefix.Length..];
            }
        }

        if (r.StartsWith("release/", StringComparison.Ordinal) || r.StartsWith("releases/", StringComparison.Ordinal))
        {
            return true;
        }

        return ProtectedBranches.Contains(r, StringComparer.OrdinalIgnoreCase);
    }
}
