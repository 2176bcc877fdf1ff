using System.Collections.Concurrent;
using Scc.Safety.Shell;

namespace Scc.Safety.Tests;

/// <summary>The whole corpus through the published binary, as processes, in both check modes.</summary>
public sealed class EvaluatorCorpusTests : IClassFixture<EvaluatorFixture>
{
    private readonly EvaluatorFixture _fixture;

    public EvaluatorCorpusTests(EvaluatorFixture fixture)
    {
        _fixture = fixture;
    }

    /// <summary>Corpus cases that are one plain simple command: their words are the exact argv.</summary>
    internal static IEnumerable<(CorpusCase Case, List<string> Argv)> ArgvCases()
    {
        foreach (var c in Corpus.All)
        {
            if (c.Cmd.Length == 0 || c.Cmd.AsSpan().IndexOfAny(";&|<>()$`\n\0#{}") >= 0)
            {
                continue;
            }

            var parsed = ShellParser.Parse(c.Cmd);
            if (parsed.Undecidable.Count > 0 || parsed.Commands.Count != 1)
            {
                continue;
            }

            var cmd = parsed.Commands[0];
            if (cmd.Assignments.Count > 0 || cmd.Words.Count == 0 || cmd.Words.Any(w => w.IsDynamic))
            {
                continue;
            }

            yield return (c, cmd.Words.Select(w => w.Text).ToList());
        }
    }

    [Fact]
    public void EvaluateArgv_CorpusSimpleCommands_MatchExpectation()
    {
        var cases = ArgvCases().ToList();
        cases.Count.ShouldBeGreaterThan(300);
        var failures = cases
            .Select(x => (x.Case, V: SafetyEngine.EvaluateArgv(x.Argv, Corpus.Policy)))
            .Where(x => x.V.Allowed != x.Case.Allowed || (!x.Case.Allowed && x.Case.Rule is not null && x.V.RuleId != x.Case.Rule))
            .Select(x => $"line {x.Case.Line}: {x.Case.Cmd} → {x.V.Allowed} {x.V.RuleId} {x.V.Reason}")
            .ToList();
        failures.ShouldBeEmpty();
    }

    [SkippableFact]
    public void CheckCommand_WholeCorpusAsProcesses_MatchesExpectation()
    {
        var bin = _fixture.ImageBinary;
        var failures = new ConcurrentBag<string>();
        Parallel.ForEach(Corpus.All.Where(c => !c.Cmd.Contains('\0', StringComparison.Ordinal)), new ParallelOptions { MaxDegreeOfParallelism = 4 }, c =>
        {
            var r = EvaluatorFixture.Run(bin, ["check", "--policy", Corpus.PolicyPath, "--json", "--", c.Cmd]);
            var allowed = r.ExitCode == 0;
            if (allowed != c.Allowed || (r.ExitCode is not (0 or 2)) || (!c.Allowed && c.Rule is not null && !r.Stdout.Contains($"\"rule\":\"{c.Rule}\"", StringComparison.Ordinal)))
            {
                failures.Add($"line {c.Line}: {c.Cmd} → exit {r.ExitCode} {r.Stdout}{r.Stderr}");
            }
        });
        failures.ShouldBeEmpty();
    }

    [SkippableFact]
    public void CheckArgv_CorpusSimpleCommandsAsProcesses_MatchExpectation()
    {
        var bin = _fixture.ImageBinary;
        var failures = new ConcurrentBag<string>();
        Parallel.ForEach(ArgvCases(), new ParallelOptions { MaxDegreeOfParallelism = 4 }, x =>
        {
            var r = EvaluatorFixture.Run(bin, ["check", "--policy", Corpus.PolicyPath, "--json", "--argv", .. x.Argv]);
            if ((r.ExitCode == 0) != x.Case.Allowed || r.ExitCode is not (0 or 2))
            {
                failures.Add($"line {x.Case.Line}: {string.Join(" | ", x.Argv)} → exit {r.ExitCode} {r.Stdout}{r.Stderr}");
            }
        });
        failures.ShouldBeEmpty();
    }
}
