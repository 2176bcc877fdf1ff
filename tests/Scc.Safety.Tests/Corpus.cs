using System.Text.Json;

namespace Scc.Safety.Tests;

/// <summary>One line of Corpus/corpus.jsonl.</summary>
public sealed record CorpusCase(int Line, string Cmd, bool Allowed, string? Rule);

internal static class Corpus
{
    public static string Dir => Path.Combine(AppContext.BaseDirectory, "Corpus");

    public static string PolicyPath => Path.Combine(Dir, "policy.json");

    public static SafetyPolicy Policy { get; } = SafetyPolicyLoader.LoadFile(PolicyPath);

    public static IReadOnlyList<CorpusCase> All { get; } = Load();

    private static List<CorpusCase> Load()
    {
        var list = new List<CorpusCase>();
        var n = 0;
        foreach (var line in File.ReadLines(Path.Combine(Dir, "corpus.jsonl")))
        {
            n++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            var rule = root.TryGetProperty("rule", out var r) ? r.GetString() : null;
            list.Add(new CorpusCase(n, root.GetProperty("cmd").GetString()!, root.GetProperty("expect").GetString() == "allow", rule));
        }

        return list;
    }

    public static IEnumerable<object[]> Lines() => All.Select(c => new object[] { c.Line });

    public static CorpusCase At(int line) => All.First(c => c.Line == line);
}
