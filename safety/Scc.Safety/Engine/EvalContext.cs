using Scc.Safety.Shell;

namespace Scc.Safety.Engine;

internal sealed record RuleMatch(string RuleId, string Reason, string Command);

/// <summary>State of one evaluation: the policy, the matches so far and a work budget.</summary>
internal sealed class EvalContext
{
    // Bounds the total work of one evaluation (runners, aliases, nested scripts) independently of the parser.
    private const int MaxSteps = 2_000_000;

    public EvalContext(SafetyPolicy policy)
    {
        Policy = policy;
    }

    public SafetyPolicy Policy { get; }

    public List<RuleMatch> Matches { get; } = [];

    /// <summary>GIT_* variables assigned or exported anywhere in the script (they reach every later git).</summary>
    public List<ShellWord> SessionGitEnv { get; } = [];

    /// <summary>Values assigned to variables anywhere in the script (a command name like $cmd may hold one).</summary>
    public List<string> AssignedValues { get; } = [];

    public int Steps { get; private set; }

    public bool OverBudget => Steps > MaxSteps;

    public void Step(int n = 1) => Steps += n;

    public void Add(string ruleId, string reason, string command)
    {
        // Identical matches from repeated commands add nothing; the list stays small on huge scripts.
        if (Matches.Count > 256)
        {
            return;
        }

        Matches.Add(new RuleMatch(ruleId, reason, command));
    }
}

/// <summary>One command to evaluate, after the shell parse: its words, environment and standard input.</summary>
internal sealed class Invocation
{
    public Invocation(List<ShellWord> words, int depth)
    {
        Words = words;
        Depth = depth;
    }

    public List<ShellWord> Words { get; set; }

    public List<ShellWord> Env { get; } = [];

    public StdinKind Stdin { get; set; }

    public string? StdinText { get; set; }

    public ShellCommand? PipedFrom { get; set; }

    /// <summary>More arguments are appended at run time (xargs): their values are unknown.</summary>
    public bool TrailingUnknown { get; set; }

    public int Depth { get; }

    public string Display => string.Join(' ', Words.Select(w => w.Text));
}
