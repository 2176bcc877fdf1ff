using System.Runtime.CompilerServices;

namespace Scc.Core.Config;

/// <summary>
/// Case-insensitive shell-style globs (<c>*</c>, <c>?</c>, <c>[abc]</c>, <c>[!a-z]</c>), the way the SCC org format
/// uses them (fnmatch). No regex: thousands of patterns are matched per merge.
/// </summary>
internal static class Glob
{
    public static bool IsMatch(string pattern, string value) => Match(pattern.AsSpan(), value.AsSpan());

    // Lists from a loaded config are immutable; an index per list instance makes a thousand patterns cheap.
    private static readonly ConditionalWeakTable<IReadOnlyList<string>, GlobIndex> Indexes = new();

    /// <summary>The first pattern of <paramref name="patterns"/> matching <paramref name="value"/>, in list order.</summary>
    public static bool AnyMatch(IReadOnlyList<string> patterns, string value, out string? matched)
    {
        if (patterns.Count < 16)
        {
            foreach (var pattern in patterns)
            {
                if (IsMatch(pattern, value))
                {
                    matched = pattern;
                    return true;
                }
            }

            matched = null;
            return false;
        }

        matched = Indexes.GetValue(patterns, static p => new GlobIndex(p)).FirstMatch(value);
        return matched is not null;
    }

    /// <summary>
    /// Buckets patterns by the first character of their literal prefix, so a value is only matched against patterns
    /// that can match it (plus those starting with a wildcard). Keeps list order for "first match" semantics.
    /// </summary>
    private sealed class GlobIndex
    {
        private readonly Dictionary<char, int[]> _byFirst = [];
        private readonly int[] _wild;
        private readonly IReadOnlyList<string> _patterns;
        private readonly Compiled[] _compiled;

        public GlobIndex(IReadOnlyList<string> patterns)
        {
            _patterns = patterns;
            _compiled = [.. patterns.Select(Compiled.From)];
            var wild = new List<int>();
            var byFirst = new Dictionary<char, List<int>>();
            for (var i = 0; i < patterns.Count; i++)
            {
                var pattern = patterns[i];
                if (pattern.Length == 0 || pattern[0] is '*' or '?' or '[')
                {
                    wild.Add(i);
                    continue;
                }

                var key = char.ToLowerInvariant(pattern[0]);
                if (!byFirst.TryGetValue(key, out var list))
                {
                    byFirst[key] = list = [];
                }

                list.Add(i);
            }

            _wild = [.. wild];
            foreach (var (key, list) in byFirst)
            {
                _byFirst[key] = [.. list];
            }
        }

        public string? FirstMatch(string value)
        {
            var best = int.MaxValue;
            if (value.Length > 0 && _byFirst.TryGetValue(char.ToLowerInvariant(value[0]), out var candidates))
            {
                foreach (var i in candidates)
                {
                    if (_compiled[i].IsMatch(value))
                    {
                        best = i;
                        break;
                    }
                }
            }

            foreach (var i in _wild)
            {
                if (i >= best)
                {
                    break;
                }

                if (_compiled[i].IsMatch(value))
                {
                    best = i;
                    break;
                }
            }

            return best == int.MaxValue ? null : _patterns[best];
        }
    }

    /// <summary>A pattern with its common shapes (exact, <c>abc*</c>, <c>*abc</c>) answered without the general matcher.</summary>
    private readonly record struct Compiled(int Kind, string Literal, string Pattern)
    {
        private const int General = 0;
        private const int Exact = 1;
        private const int Prefix = 2;
        private const int Suffix = 3;

        public static Compiled From(string pattern)
        {
            var wildcards = pattern.AsSpan().IndexOfAny("*?[");
            if (wildcards < 0)
            {
                return new Compiled(Exact, pattern, pattern);
            }

            var body = pattern.AsSpan(1);
            if (pattern[0] == '*' && body.IndexOfAny("*?[") < 0)
            {
                return new Compiled(Suffix, pattern[1..], pattern);
            }

            var head = pattern.AsSpan(0, pattern.Length - 1);
            return pattern[^1] == '*' && head.IndexOfAny("*?[") < 0
                ? new Compiled(Prefix, pattern[..^1], pattern)
                : new Compiled(General, pattern, pattern);
        }

        public bool IsMatch(string value) => Kind switch
        {
            Exact => string.Equals(value, Literal, StringComparison.OrdinalIgnoreCase),
            Prefix => value.StartsWith(Literal, StringComparison.OrdinalIgnoreCase),
            Suffix => value.EndsWith(Literal, StringComparison.OrdinalIgnoreCase),
            _ => Glob.IsMatch(Pattern, value),
        };
    }

    public static bool HasWildcard(string pattern) => pattern.AsSpan().IndexOfAny("*?[") >= 0;

    private static bool Match(ReadOnlySpan<char> pattern, ReadOnlySpan<char> value)
    {
        int p = 0, v = 0, starP = -1, starV = 0;
        while (v < value.Length)
        {
            if (p < pattern.Length)
            {
                var c = pattern[p];
                if (c == '*')
                {
                    starP = p++;
                    starV = v;
                    continue;
                }

                if (c == '?')
                {
                    p++;
                    v++;
                    continue;
                }

                if (c == '[' && TryClass(pattern, p, value[v], out var next, out var hit))
                {
                    if (hit)
                    {
                        p = next;
                        v++;
                        continue;
                    }
                }
                else if (char.ToLowerInvariant(c) == char.ToLowerInvariant(value[v]))
                {
                    p++;
                    v++;
                    continue;
                }
            }

            if (starP < 0)
            {
                return false;
            }

            // Backtrack: let the last star swallow one more character.
            p = starP + 1;
            v = ++starV;
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    /// <summary>Reads <c>[...]</c> at <paramref name="start"/>; false when it is not a closed class (then '[' is literal).</summary>
    private static bool TryClass(ReadOnlySpan<char> pattern, int start, char ch, out int next, out bool hit)
    {
        var i = start + 1;
        var negate = i < pattern.Length && (pattern[i] == '!' || pattern[i] == '^');
        if (negate)
        {
            i++;
        }

        var lower = char.ToLowerInvariant(ch);
        var found = false;
        var first = true;
        while (i < pattern.Length && (pattern[i] != ']' || first))
        {
            first = false;
            var lo = char.ToLowerInvariant(pattern[i]);
            if (i + 2 < pattern.Length && pattern[i + 1] == '-' && pattern[i + 2] != ']')
            {
                var hi = char.ToLowerInvariant(pattern[i + 2]);
                found |= lower >= lo && lower <= hi;
                i += 3;
            }
            else
            {
                found |= lower == lo;
                i++;
            }
        }

        if (i >= pattern.Length)
        {
            next = start;
            hit = false;
            return false;
        }

        next = i + 1;
        hit = found != negate;
        return true;
    }
}
