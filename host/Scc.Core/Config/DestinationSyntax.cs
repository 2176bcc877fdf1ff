using Scc.Egress;

namespace Scc.Core.Config;

/// <summary>
/// Syntax of egress destinations in config files, checked with the egress library's own parser (exact host,
/// <c>*.domain</c> outside public suffixes, <c>host:port</c>, <c>[v6]:port</c>), so a config with a broken entry is
/// refused at load time with the entry named. Named sets are referenced through <c>sets</c>, not inline.
/// </summary>
internal static class DestinationSyntax
{
    /// <summary>What is wrong with <paramref name="entry"/>, or null when it reads as a destination.</summary>
    public static string? Check(string entry)
    {
        if (string.IsNullOrWhiteSpace(entry))
        {
            return "an egress destination is empty";
        }

        var parsed = DestinationParser.Parse(entry);
        if (!parsed.Ok)
        {
            return $"'{entry}': {parsed.Error}";
        }

        return parsed.Destination!.Kind == DestinationKind.SetReference
            ? $"'{entry}': name destination sets under 'sets', not in 'destinations'"
            : null;
    }
}
