namespace Scc.Safety;

/// <summary>What happens when a rule matches.</summary>
public enum SafetyAction
{
    /// <summary>The command is refused.</summary>
    Block,

    /// <summary>The command runs and the match is shown as a warning.</summary>
    Warn,

    /// <summary>The command runs; the match is only recorded.</summary>
    Allow,
}

/// <summary>The safety policy (DESIGN.md §5).</summary>
/// <param name="Action">What a match does.</param>
/// <param name="Rules">Rule switches by policy key (<c>block_force_push</c>, …); a missing key means on.</param>
/// <param name="AllowedDestinations">Hosts network tools may reach: exact names or <c>*.domain</c>.</param>
public sealed record SafetyPolicy(
    SafetyAction Action,
    IReadOnlyDictionary<string, bool> Rules,
    IReadOnlyList<string> AllowedDestinations)
{
    /// <summary>The twelve rule keys, in policy order.</summary>
    public static IReadOnlyList<string> RuleKeys { get; } =
    [
        "block_force_push", "block_push_mirror", "block_reset_hard", "block_branch_force_delete",
        "block_stash_drop", "block_stash_clear", "block_clean_force", "block_checkout_path",
        "block_restore_worktree", "block_reflog_expire", "block_gc_prune", "block_filter_branch",
    ];

    /// <summary>Why the policy is the fail-closed default, or null for a policy that was read.</summary>
    public string? LoadError { get; init; }

    /// <summary>True for the fail-closed default: every command is blocked.</summary>
    public bool IsFailClosed => LoadError is not null;

    /// <summary>All rules on, action block, no destinations: the strictest readable policy.</summary>
    public static SafetyPolicy Strict { get; } = new(SafetyAction.Block, new Dictionary<string, bool>(), []);

    /// <summary>The fail-closed default used when a policy cannot be read.</summary>
    public static SafetyPolicy FailClosed(string error) =>
        new(SafetyAction.Block, new Dictionary<string, bool>(), []) { LoadError = error };

    /// <summary>Whether the rule with this policy key is on (missing key = on).</summary>
    public bool IsEnabled(string? key) => key is null || !Rules.TryGetValue(key, out var on) || on;
}
