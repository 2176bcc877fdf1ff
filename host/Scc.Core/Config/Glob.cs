namespace Scc.Core.Config;

/// <summary>
/// Case-insensitive shell-style globs (<c>*</c>, <c>?</c>, <c>[abc]</c>, <c>[!a-z]</c>), the way the SCC org format
/// uses them (fnmatch). No regex: thousands of patterns are matched per merge.
/// </summary>
internal static class Glob
{
    public static bool IsMatch(string pattern, string value) => Match(pattern.AsSpan(), value.AsSpan());

    public static bool AnyMatch(IReadOnlyList<string> patterns, string value, out string? matched)
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
