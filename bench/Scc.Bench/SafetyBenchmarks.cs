using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Scc.Safety;

namespace Scc.Bench;

/// <summary>
/// In-process safety evaluation. Run:
///   dotnet run -c Release --project bench/Scc.Bench -- --filter '*SafetyBenchmarks*'
/// Each benchmark reports the mean time per command (OperationsPerInvoke); commands/second = 1 / mean.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 12)]
public class SafetyBenchmarks
{
    // What agents typically run: short git and tool invocations, a few compound lines.
    private static readonly string[] Typical =
    [
        "git status", "git diff", "git log --oneline -n 20", "git add -A", "git commit -m 'fix: handle empty input'",
        "git push origin feature", "git checkout -b feature/x", "ls -la", "cat README.md", "npm test", "dotnet build",
        "grep -rn 'TODO' src", "git push --force", "git reset --hard HEAD~1", "cd src && make -j4",
        "curl -sSL https://github.com/x/y/archive.tar.gz -o y.tgz", "git fetch && git rebase origin/main",
        "python3 -m pytest -q", "git stash", "echo \"done\" > status.txt",
    ];

    private string[] _corpus = [];
    private SafetyPolicy _policy = SafetyPolicy.Strict;
    private readonly string[] _gitStatus = ["git", "status"];

    [GlobalSetup]
    public void Setup()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Scc.sln")))
        {
            dir = dir.Parent;
        }

        var corpusDir = Path.Combine(dir!.FullName, "tests", "Scc.Safety.Tests", "Corpus");
        _policy = SafetyPolicyLoader.LoadFile(Path.Combine(corpusDir, "policy.json"));
        _corpus = File.ReadLines(Path.Combine(corpusDir, "corpus.jsonl"))
            .Where(l => l.Length > 0)
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("cmd").GetString()!)
            .ToArray();
        if (_corpus.Length != CorpusSize)
        {
            throw new InvalidOperationException($"corpus has {_corpus.Length} lines; update CorpusSize");
        }
    }

    public const int CorpusSize = 1225;

    [Benchmark(OperationsPerInvoke = CorpusSize)]
    public int EvaluateCorpus()
    {
        var blocked = 0;
        foreach (var c in _corpus)
        {
            blocked += SafetyEngine.Evaluate(c, _policy).Allowed ? 0 : 1;
        }

        return blocked;
    }

    [Benchmark(OperationsPerInvoke = 20)]
    public int EvaluateTypical()
    {
        var blocked = 0;
        foreach (var c in Typical)
        {
            blocked += SafetyEngine.Evaluate(c, _policy).Allowed ? 0 : 1;
        }

        return blocked;
    }

    [Benchmark]
    public bool EvaluateArgvGitStatus() => SafetyEngine.EvaluateArgv(_gitStatus, _policy).Allowed;
}
