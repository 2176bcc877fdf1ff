namespace Scc.Core.Text;

/// <summary>
/// Case-insensitive shell-style glob: <c>*</c> matches any run of characters (including none), <c>?</c> one
/// character; everything else is literal. Iterative with backtracking to the last star, so it is linear-ish and
/// cannot blow up on adversarial patterns.
/// </summary>
internal static class Glob
{
    public static bool IsMatch(string pattern, string text)
    {
        int p = 0, t = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || char.ToLowerInvariant(pattern[p]) == char.ToLowerInvariant(text[t])))
            {
                p++;
                t++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = t;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++mark;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    public static string? FirstMatch(IEnumerable<string> patterns, string text) => patterns.FirstOrDefault(p => IsMatch(p, text));
}
