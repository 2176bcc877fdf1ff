namespace Scc.Safety;

/// <summary>One rule of the engine, as listed by <c>scc safety rules</c>.</summary>
/// <param name="Id">Stable rule id, e.g. <c>git.force_push</c>.</param>
/// <param name="Key">The policy key under <c>rules</c> that turns it off, or null when the rule has no key.</param>
/// <param name="Description">What the rule blocks.</param>
public sealed record SafetyRule(string Id, string? Key, string Description);

/// <summary>The catalogue of rule ids and policy keys.</summary>
public static class SafetyRules
{
    /// <summary>Force pushes, remote deletes of protected branches, <c>--prune</c>.</summary>
    public const string ForcePush = "git.force_push";

    /// <summary><c>git push --mirror</c>.</summary>
    public const string PushMirror = "git.push_mirror";

    /// <summary><c>git reset --hard</c>.</summary>
    public const string ResetHard = "git.reset_hard";

    /// <summary>Force-deleting, force-moving or force-resetting a branch.</summary>
    public const string BranchForceDelete = "git.branch_force_delete";

    /// <summary><c>git stash drop</c>.</summary>
    public const string StashDrop = "git.stash_drop";

    /// <summary><c>git stash clear</c>.</summary>
    public const string StashClear = "git.stash_clear";

    /// <summary><c>git clean</c> that deletes files.</summary>
    public const string CleanForce = "git.clean_force";

    /// <summary><c>git checkout</c> of paths or with <c>--force</c>.</summary>
    public const string CheckoutPath = "git.checkout_path";

    /// <summary><c>git restore</c> of the working tree.</summary>
    public const string RestoreWorktree = "git.restore_worktree";

    /// <summary><c>git reflog expire/delete</c>.</summary>
    public const string ReflogExpire = "git.reflog_expire";

    /// <summary><c>git gc --prune=now|all</c>, <c>git prune</c>.</summary>
    public const string GcPrune = "git.gc_prune";

    /// <summary><c>git filter-branch</c>, <c>git filter-repo</c>.</summary>
    public const string FilterBranch = "git.filter_branch";

    /// <summary>A network tool naming a destination the policy does not allow.</summary>
    public const string NetworkDestination = "network.destination";

    /// <summary>A command that cannot be decided statically next to a guarded tool.</summary>
    public const string Undecidable = "shell.undecidable";

    /// <summary>The policy could not be read: everything is blocked.</summary>
    public const string PolicyInvalid = "policy.invalid";

    /// <summary>Every rule, in a stable order.</summary>
    public static IReadOnlyList<SafetyRule> All { get; } =
    [
        new(ForcePush, "block_force_push", "git push with -f/--force, a +refspec, --force-with-lease combined with a force, --prune, or a delete (--delete, :branch) of a protected branch; also -c/config settings that make push force"),
        new(PushMirror, "block_push_mirror", "git push --mirror (or remote.*.mirror=true)"),
        new(ResetHard, "block_reset_hard", "git reset --hard"),
        new(BranchForceDelete, "block_branch_force_delete", "git branch -D / --delete --force / -M / -C / -f, checkout -B, switch -C"),
        new(StashDrop, "block_stash_drop", "git stash drop"),
        new(StashClear, "block_stash_clear", "git stash clear"),
        new(CleanForce, "block_clean_force", "git clean that deletes (-f, -i, or clean.requireForce=false) and is not a dry run"),
        new(CheckoutPath, "block_checkout_path", "git checkout of paths (--, several operands, '.', --pathspec-from-file), checkout/switch --force, --patch"),
        new(RestoreWorktree, "block_restore_worktree", "git restore of working-tree files (anything but --staged alone)"),
        new(ReflogExpire, "block_reflog_expire", "git reflog expire / delete"),
        new(GcPrune, "block_gc_prune", "git gc --prune=now|all (or gc.pruneExpire=now), git prune"),
        new(FilterBranch, "block_filter_branch", "git filter-branch, git filter-repo"),
        new(NetworkDestination, null, "curl, wget, ssh, scp, sftp, rsync, nc/ncat, socat, telnet naming a destination not in network.allowed_destinations (loopback is always allowed)"),
        new(Undecidable, null, "a command that cannot be decided statically (dynamic command name, unbalanced quotes, nesting limit, script piped into a shell) where a guarded tool could be involved"),
        new(PolicyInvalid, null, "the policy is missing, unreadable or invalid: every command is blocked"),
    ];

    /// <summary>The policy key of a rule id, or null.</summary>
    public static string? KeyOf(string ruleId)
    {
        foreach (var r in All)
        {
            if (r.Id == ruleId)
            {
                return r.Key;
            }
        }

        return null;
    }
}
