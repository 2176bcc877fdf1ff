using Scc.Safety.Engine;
using Scc.Safety.Shell;

namespace Scc.Safety.Rules;

internal static partial class GitRules
{
    private static void Push(List<ShellWord> args, GitConfig config, EvalContext ctx, string display)
    {
        var p = GitOptionParser.Parse(args, GitOptionParser.Push);
        CheckDynamic(p, "push", ctx, display);
        var operands = p.Operands.Concat(p.AfterDashDash).ToList();
        var refspecs = operands.Skip(1).ToList();

        // --dry-run is deliberately not an exemption: a dry-run push is judged like the push it rehearses.
        var force = p.Has("force");
        var plus = operands.FirstOrDefault(o => o.Text.StartsWith('+'));
        var lease = p.Has("force-with-lease");
        if (force)
        {
            Add(ctx, SafetyRules.ForcePush, lease ? "git push --force-with-lease combined with --force" : "git push --force rewrites remote history", display);
        }

        if (plus is not null)
        {
            Add(ctx, SafetyRules.ForcePush, $"git push with a forced refspec '{plus.Text}'" + (lease ? " (--force-with-lease does not protect a +refspec)" : string.Empty), display);
        }

        foreach (var (key, value) in config.Matching("remote.", ".push"))
        {
            if (value.Dynamic || value.Value.TrimStart().StartsWith('+'))
            {
                Add(ctx, SafetyRules.ForcePush, $"git push with {key}={value.Value} forces the push", display);
            }
        }

        if (p.Has("mirror"))
        {
            Add(ctx, SafetyRules.PushMirror, "git push --mirror overwrites and deletes remote refs", display);
        }

        foreach (var (key, value) in config.Matching("remote.", ".mirror"))
        {
            if (value.Dynamic || GitConfig.IsTrue(value.Value))
            {
                Add(ctx, SafetyRules.PushMirror, $"git push with {key}={value.Value} mirrors", display);
            }
        }

        if (p.Has("prune"))
        {
            Add(ctx, SafetyRules.ForcePush, "git push --prune deletes remote branches", display);
        }

        var delete = p.Has("delete");
        foreach (var r in refspecs)
        {
            string? deleted = null;
            if (delete)
            {
                deleted = r.Text.TrimStart('+');
            }
            else if (r.Text.StartsWith(':') && r.Text.Length > 1)
            {
                deleted = r.Text[1..];
            }
            else if (r.Text.StartsWith("+:", StringComparison.Ordinal) && r.Text.Length > 2)
            {
                deleted = r.Text[2..];
            }

            if (deleted is null)
            {
                continue;
            }

            var colon = deleted.LastIndexOf(':');
            var target = colon >= 0 ? deleted[(colon + 1)..] : deleted;
            if (r.IsDynamic || IsProtected(target))
            {
                Add(ctx, SafetyRules.ForcePush, $"git push deletes the protected branch '{target}'", display);
            }
        }
    }

    private static void Reset(List<ShellWord> args, EvalContext ctx, string display)
    {
        var p = GitOptionParser.Parse(args, GitOptionParser.Reset);
        CheckDynamic(p, "reset", ctx, display);
        string? mode = null;
        foreach (var o in p.Options)
        {
            if (o.Id is "soft" or "mixed" or "hard" or "merge" or "keep")
            {
                mode = o.Negated ? null : o.Id;
                if (o.Id == "hard" && !o.Negated)
                {
                    // An ambiguous abbreviation records several modes: any "hard" among them counts.
                    break;
                }
            }
        }

        if (mode == "hard")
        {
            Add(ctx, SafetyRules.ResetHard, "git reset --hard discards uncommitted changes", display);
        }
    }

    private static void Branch(List<ShellWord> args, EvalContext ctx, string display)
    {
        var p = GitOptionParser.Parse(args, GitOptionParser.Branch);
        CheckDynamic(p, "branch", ctx, display);
        if (p.Has("force-delete") || (p.Has("delete") && p.Has("force")))
        {
            Add(ctx, SafetyRules.BranchForceDelete, "git branch force-delete (-D / --delete --force) loses unmerged commits", display);
        }
        else if (p.Has("force-move") || p.Has("force-copy") || p.Has("force"))
        {
            Add(ctx, SafetyRules.BranchForceDelete, "git branch with force (-M / -C / -f) overwrites an existing branch", display);
        }
    }

    private static void Stash(List<ShellWord> args, EvalContext ctx, string display)
    {
        // The subcommand must come first: `git stash -m clear` is an implicit push with the message "clear".
        var first = args.Count > 0 && (!args[0].Text.StartsWith('-') || args[0].StartsDynamic) ? args[0] : null;
        if (first is null)
        {
            return;
        }

        if (first.StartsDynamic)
        {
            ctx.Add(SafetyRules.Undecidable, $"git stash: subcommand '{first.Text}' is not static", display);
        }
        else if (first.Text == "drop")
        {
            Add(ctx, SafetyRules.StashDrop, "git stash drop deletes a stash entry", display);
        }
        else if (first.Text == "clear")
        {
            Add(ctx, SafetyRules.StashClear, "git stash clear deletes every stash entry", display);
        }
    }

    private static void Clean(List<ShellWord> args, GitConfig config, EvalContext ctx, string display)
    {
        var p = GitOptionParser.Parse(args, GitOptionParser.Clean);
        var dryRun = false;
        foreach (var o in p.Options)
        {
            if (o.Id == "dry-run")
            {
                dryRun = !o.Negated;
            }
        }

        var requireForce = config.Get("clean.requireforce");
        var noForceNeeded = requireForce is { } rf && (rf.Dynamic || GitConfig.IsFalse(rf.Value));
        var deletes = p.Count("force") > 0 || p.Has("interactive") || noForceNeeded;
        if (p.DynamicWords.Count > 0 && !dryRun)
        {
            ctx.Add(SafetyRules.Undecidable, "git clean: an argument is not static and could be -f", display);
        }

        if (deletes && !dryRun)
        {
            Add(ctx, SafetyRules.CleanForce, noForceNeeded && p.Count("force") == 0
                ? "git clean with clean.requireForce=false deletes untracked files"
                : "git clean -f deletes untracked files", display);
        }
    }

    private static bool LooksLikePath(ShellWord w)
    {
        var t = w.Text;
        return t is "." or ".." || t.StartsWith("./", StringComparison.Ordinal) || t.StartsWith("../", StringComparison.Ordinal)
            || t.StartsWith('/') || t.StartsWith(":/", StringComparison.Ordinal) || t.StartsWith(":(", StringComparison.Ordinal)
            || t.StartsWith(":!", StringComparison.Ordinal) || t.StartsWith(":^", StringComparison.Ordinal)
            || t.AsSpan().IndexOfAny("*?[") >= 0;
    }

    private static void Checkout(List<ShellWord> args, EvalContext ctx, string display)
    {
        var p = GitOptionParser.Parse(args, GitOptionParser.Checkout);
        CheckDynamic(p, "checkout", ctx, display);
        if (p.Has("B"))
        {
            Add(ctx, SafetyRules.BranchForceDelete, "git checkout -B resets an existing branch", display);
        }

        if (p.Has("force"))
        {
            Add(ctx, SafetyRules.CheckoutPath, "git checkout --force discards local changes", display);
            return;
        }

        var newBranch = p.Has("b") || p.Has("B") || p.Has("orphan");
        string? reason = null;
        if (p.Has("patch"))
        {
            reason = "git checkout --patch discards selected changes";
        }
        else if (p.Has("pathspec-from-file"))
        {
            reason = "git checkout --pathspec-from-file overwrites files";
        }
        else if (p.AfterDashDash.Count > 0)
        {
            reason = "git checkout -- <paths> discards changes to those paths";
        }
        else if ((p.Has("ours") || p.Has("theirs")) && p.Operands.Count > 0)
        {
            reason = "git checkout --ours/--theirs overwrites paths";
        }
        else if (p.Operands.Count >= 2 && !newBranch)
        {
            reason = "git checkout <tree-ish> <paths> overwrites those paths";
        }
        else if (p.Operands.Count >= 2 && newBranch)
        {
            reason = "git checkout with a start point and paths overwrites those paths";
        }
        else if (p.Operands.Count == 1 && !newBranch && LooksLikePath(p.Operands[0]))
        {
            reason = $"git checkout '{p.Operands[0].Text}' discards changes to those paths";
        }

        if (reason is not null)
        {
            Add(ctx, SafetyRules.CheckoutPath, reason, display);
        }
    }

    private static void Switch(List<ShellWord> args, EvalContext ctx, string display)
    {
        var p = GitOptionParser.Parse(args, GitOptionParser.Switch);
        CheckDynamic(p, "switch", ctx, display);
        if (p.Has("force-create"))
        {
            Add(ctx, SafetyRules.BranchForceDelete, "git switch -C resets an existing branch", display);
        }

        if (p.Has("force") || p.Has("discard-changes"))
        {
            Add(ctx, SafetyRules.CheckoutPath, "git switch --discard-changes/--force discards local changes", display);
        }
    }

    private static void Restore(List<ShellWord> args, EvalContext ctx, string display)
    {
        var p = GitOptionParser.Parse(args, GitOptionParser.Restore);
        var hasPaths = p.Operands.Count > 0 || p.AfterDashDash.Count > 0 || p.Has("pathspec-from-file");
        var worktree = p.Has("worktree") || !p.Has("staged");
        if (hasPaths && worktree)
        {
            Add(ctx, SafetyRules.RestoreWorktree, "git restore overwrites working-tree files", display);
        }
    }

    private static void Reflog(List<ShellWord> args, EvalContext ctx, string display)
    {
        var first = args.FirstOrDefault(a => !a.Text.StartsWith('-') || a.StartsDynamic);
        if (first is null)
        {
            return;
        }

        if (first.StartsDynamic)
        {
            ctx.Add(SafetyRules.Undecidable, $"git reflog: subcommand '{first.Text}' is not static", display);
        }
        else if (first.Text is "expire" or "delete")
        {
            Add(ctx, SafetyRules.ReflogExpire, $"git reflog {first.Text} removes reflog entries", display);
        }
    }

    internal static bool IsImmediateExpiry(string value)
    {
        var v = value.Trim().ToLowerInvariant();
        if (v is "never" or "false" or "off" or "")
        {
            return false;
        }

        // "2.weeks.ago", "3 months ago": keep anything of a week or more; everything else (now, all, dates) is immediate.
        var norm = v.Replace('.', ' ').Replace('_', ' ');
        var parts = norm.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return !(parts.Length == 3 && parts[2] == "ago" && int.TryParse(parts[0], out var n) && n >= 1
            && parts[1] is "week" or "weeks" or "month" or "months" or "year" or "years");
    }

    private static void Gc(List<ShellWord> args, GitConfig config, EvalContext ctx, string display)
    {
        var p = GitOptionParser.Parse(args, GitOptionParser.Gc);
        CheckDynamic(p, "gc", ctx, display);
        var prune = p.Last("prune");
        if (prune is { Negated: false, Value: { } v } && IsImmediateExpiry(v))
        {
            Add(ctx, SafetyRules.GcPrune, $"git gc --prune={v} deletes unreachable objects now", display);
            return;
        }

        if (prune is { Negated: true })
        {
            return;
        }

        if (config.Get("gc.pruneexpire") is { } pe && (pe.Dynamic || IsImmediateExpiry(pe.Value)))
        {
            Add(ctx, SafetyRules.GcPrune, $"git gc with gc.pruneExpire={pe.Value} deletes unreachable objects now", display);
        }

        foreach (var key in (string[])["gc.reflogexpire", "gc.reflogexpireunreachable"])
        {
            if (config.Get(key) is { } re && (re.Dynamic || IsImmediateExpiry(re.Value)))
            {
                Add(ctx, SafetyRules.ReflogExpire, $"git gc with {key}={re.Value} expires the reflog now", display);
            }
        }
    }

    private static void PruneCommand(List<ShellWord> args, EvalContext ctx, string display)
    {
        var p = GitOptionParser.Parse(args, GitOptionParser.Prune);
        if (!p.Has("dry-run"))
        {
            Add(ctx, SafetyRules.GcPrune, "git prune deletes unreachable objects", display);
        }
    }

    private static void ConfigCommand(List<ShellWord> args, GitConfig config, EvalContext ctx, Action<string> runScript, string display)
    {
        var p = GitOptionParser.Parse(args, GitOptionParser.Config);
        var ops = p.Operands.Concat(p.AfterDashDash).ToList();
        var readOnly = p.Options.Any(o => !o.Negated && o.Id is "get" or "get-all" or "get-regexp" or "get-urlmatch" or "list"
            or "unset" or "unset-all" or "remove-section" or "rename-section" or "get-color" or "get-colorbool" or "edit");
        if (ops.Count > 0 && ops[0].Text is "get" or "list" or "unset" or "remove-section" or "rename-section" or "edit")
        {
            return;
        }

        if (ops.Count > 0 && ops[0].Text == "set")
        {
            ops.RemoveAt(0);
            readOnly = false;
        }

        if (readOnly || ops.Count < 2)
        {
            if (p.Has("edit"))
            {
                ctx.Add(SafetyRules.Undecidable, "git config --edit: the edited settings cannot be inspected", display);
            }

            return;
        }

        var key = ops[0];
        var value = ops[1];
        if (key.IsDynamic)
        {
            ctx.Add(SafetyRules.Undecidable, $"git config: key '{key.Text}' is not static", display);
            return;
        }

        GitConfig.CheckPersistentSetting(key.Text.ToLowerInvariant(), value.Text, value.IsDynamic, ctx, runScript, display, sub =>
        {
            // What the alias would run, judged as if invoked now.
            var scratch = new GitConfig();
            var inv = new Invocation([ShellWord.Static("git"), .. sub], 0);
            EvaluateSubcommand([.. sub], inv, scratch, ctx, runScript, display, aliasDepth: 1);
        });
        _ = config;
    }
}
