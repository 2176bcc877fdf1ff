namespace Scc.Safety;

/// <summary>The outcome of evaluating one command line against a <see cref="SafetyPolicy"/>.</summary>
/// <param name="Allowed">Whether the command may run.</param>
/// <param name="RuleId">The rule that decided a block (or that matched under <c>warn</c>/<c>allow</c>), e.g. <c>git.force_push</c>.</param>
/// <param name="Reason">A one-line human reason; empty when nothing matched.</param>
/// <param name="Warnings">Warnings to show when the policy action is <c>warn</c>.</param>
/// <param name="MatchedCommand">The simple command (after unwrapping runners) that matched, if any.</param>
public sealed record SafetyVerdict(
    bool Allowed,
    string? RuleId,
    string Reason,
    IReadOnlyList<string> Warnings,
    string? MatchedCommand)
{
    /// <summary>An allow verdict with nothing matched.</summary>
    public static SafetyVerdict Allow { get; } = new(true, null, string.Empty, [], null);
}
