using System.Globalization;
using System.Net;

namespace Scc.Core.Config;

/// <summary>
/// A first syntax check of egress destinations (exact host, <c>*.domain</c>, <c>host:port</c>, <c>[v6]:port</c>), so a
/// config with a broken entry is refused at load time. The egress library compiles them; this only catches typos.
/// </summary>
internal static class DestinationSyntax
{
    // Wildcards over these would open whole public suffixes.
    private static readonly HashSet<string> PublicSuffixes = new(StringComparer.OrdinalIgnoreCase)
    {
        "com", "net", "org", "io", "dev", "app", "co", "uk", "co.uk", "de", "se", "fr", "nl", "eu", "us", "info", "biz",
        "ai", "cloud", "edu", "gov", "me", "xyz", "github.io", "herokuapp.com", "azurewebsites.net", "cloudfront.net",
        "amazonaws.com", "appspot.com", "vercel.app", "netlify.app", "pages.dev", "workers.dev",
    };

    /// <summary>What is wrong with <paramref name="entry"/>, or null when it reads as a destination.</summary>
    public static string? Check(string entry)
    {
        if (string.IsNullOrWhiteSpace(entry))
        {
            return "an egress destination is empty";
        }

        if (entry.Contains("://", StringComparison.Ordinal))
        {
            return $"'{entry}' is a URL; write the host (and :port), not a scheme";
        }

        if (entry.Any(char.IsWhiteSpace) || entry.Contains('/'))
        {
            return $"'{entry}' is not a host, *.domain or host:port";
        }

        var host = entry;
        if (entry.StartsWith('['))
        {
            var close = entry.IndexOf(']');
            if (close < 0 || !IPAddress.TryParse(entry[1..close], out _))
            {
                return $"'{entry}' has a malformed [IPv6] literal";
            }

            return close + 1 == entry.Length ? null : CheckPort(entry, entry[(close + 1)..]);
        }

        var colons = entry.Count(c => c == ':');
        if (colons > 1)
        {
            return $"'{entry}' looks like an IPv6 literal: put it in brackets, [addr] or [addr]:port";
        }

        if (colons == 1)
        {
            var cut = entry.LastIndexOf(':');
            host = entry[..cut];
            if (CheckPort(entry, entry[cut..]) is { } portProblem)
            {
                return portProblem;
            }
        }

        if (host.StartsWith("*.", StringComparison.Ordinal))
        {
            var domain = host[2..];
            if (!domain.Contains('.') || PublicSuffixes.Contains(domain))
            {
                return $"'{entry}' is a wildcard over the public suffix '{domain}'";
            }

            host = domain;
        }

        if (host.Contains('*'))
        {
            return $"'{entry}': a wildcard is only allowed as a leading '*.'";
        }

        return Uri.CheckHostName(host) == UriHostNameType.Unknown ? $"'{entry}' is not a valid host name" : null;
    }

    private static string? CheckPort(string entry, string colonPort) =>
        colonPort.Length > 1 && colonPort[0] == ':'
        && int.TryParse(colonPort.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535
            ? null
            : $"'{entry}' has a port out of range (1-65535)";
}
