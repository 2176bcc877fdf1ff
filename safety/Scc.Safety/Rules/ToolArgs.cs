using Scc.Safety.Shell;

namespace Scc.Safety.Rules;

/// <summary>
/// getopt-style argument walking for the non-git tools: short clusters, values attached or in the next word,
/// <c>--long=value</c> and <c>--long value</c>, <c>--</c>.
/// </summary>
/// <remarks>
/// An option missing from a tool's value table is read as a flag: its value then shows up as an operand and is
/// checked as a destination, which errs towards blocking.
/// </remarks>
internal sealed class ToolArgs
{
    public ToolArgs(string shortWithValue, params string[] longWithValue)
    {
        ShortWithValue = shortWithValue;
        LongWithValue = new HashSet<string>(longWithValue, StringComparer.Ordinal);
    }

    public string ShortWithValue { get; }

    public HashSet<string> LongWithValue { get; }

    /// <summary>Unique prefixes of long value options count (curl and wget accept them).</summary>
    public bool AllowAbbreviations { get; init; }

    public readonly record struct Item(string? Option, ShellWord? Value, ShellWord Word, bool IsOperand);

    public List<Item> Parse(IReadOnlyList<ShellWord> args)
    {
        var items = new List<Item>(args.Count);
        var operandsOnly = false;
        for (var i = 0; i < args.Count; i++)
        {
            var w = args[i];
            var t = w.Text;
            if (operandsOnly || w.StartsDynamic || t.Length < 2 || t[0] != '-')
            {
                items.Add(new Item(null, null, w, true));
                continue;
            }

            if (t == "--")
            {
                operandsOnly = true;
                continue;
            }

            if (t.StartsWith("--", StringComparison.Ordinal))
            {
                var eq = t.IndexOf('=', StringComparison.Ordinal);
                var name = eq >= 0 ? t[2..eq] : t[2..];
                var resolved = Resolve(name);
                if (eq >= 0)
                {
                    items.Add(new Item(resolved, new ShellWord(t[(eq + 1)..], w.IsDynamic), w, false));
                }
                else if (LongWithValue.Contains(resolved) && i + 1 < args.Count)
                {
                    items.Add(new Item(resolved, args[i + 1], w, false));
                    i++;
                }
                else
                {
                    items.Add(new Item(resolved, null, w, false));
                }

                continue;
            }

            for (var k = 1; k < t.Length; k++)
            {
                var c = t[k];
                if (ShortWithValue.Contains(c, StringComparison.Ordinal))
                {
                    ShellWord? value = null;
                    if (k + 1 < t.Length)
                    {
                        value = new ShellWord(t[(k + 1)..], w.IsDynamic);
                    }
                    else if (i + 1 < args.Count)
                    {
                        value = args[++i];
                    }

                    items.Add(new Item(c.ToString(), value, w, false));
                    break;
                }

                items.Add(new Item(c.ToString(), null, w, false));
            }
        }

        return items;
    }

    private string Resolve(string name)
    {
        if (!AllowAbbreviations || LongWithValue.Contains(name))
        {
            return name;
        }

        string? match = null;
        foreach (var candidate in LongWithValue)
        {
            if (candidate.StartsWith(name, StringComparison.Ordinal))
            {
                if (match is not null)
                {
                    return name;
                }

                match = candidate;
            }
        }

        return match ?? name;
    }
}
