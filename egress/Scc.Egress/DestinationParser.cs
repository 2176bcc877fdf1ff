using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Scc.Egress;

/// <summary>The result of parsing one entry: a destination, or the reason it was rejected.</summary>
public readonly record struct DestinationParseResult(EgressDestination? Destination, string? Error)
{
    /// <summary>True when the entry parsed.</summary>
    public bool Ok => Destination is not null;
}

/// <summary>
/// Parses the destination syntax of docs/egress.md: <c>host</c>, <c>*.domain</c>, <c>host:port</c>,
/// <c>1.2.3.4</c>, <c>[2001:db8::1]</c>, <c>[2001:db8::1]:8443</c>, <c>@set-name</c>.
/// </summary>
public static class DestinationParser
{
    private const int MaxHostLength = 253;
    private const int MaxLabelLength = 63;

    /// <summary>Parses one entry. Never throws; the error message says what is wrong and what to write.</summary>
    public static DestinationParseResult Parse(string? entry)
    {
        var text = entry?.Trim() ?? string.Empty;
        if (text.Length == 0)
        {
            return Fail("the entry is empty; remove it or write a host name such as 'api.example.com'");
        }

        if (text.Contains("://", StringComparison.Ordinal))
        {
            var rest = text[(text.IndexOf("://", StringComparison.Ordinal) + 3)..];
            var hostPart = rest.Split('/', '?', '#')[0];
            return Fail($"a destination is a host, not a URL; write '{(hostPart.Length > 0 ? hostPart : "host")}' "
                + "(with ':port' only for a port other than 80 and 443)");
        }

        if (text.IndexOfAny(['/', '?', '#', ' ', '\t', '@'], 1) >= 0 || text.Contains('\\', StringComparison.Ordinal))
        {
            return text.Contains('/', StringComparison.Ordinal)
                ? Fail("a destination is a host, not a path or CIDR; write the host name only")
                : Fail("a destination may not contain spaces, '?', '#', '@' or '\\'");
        }

        if (text[0] == '@')
        {
            return ParseSetReference(text[1..]);
        }

        if (text[0] == '[')
        {
            return ParseBracketed(text);
        }

        var colons = text.Count(c => c == ':');
        if (colons > 1)
        {
            return IPAddress.TryParse(text, out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6
                ? Fail($"an IPv6 literal must be written in brackets: '[{v6}]' or '[{v6}]:port'")
                : Fail("more than one ':'; write 'host:port', or '[address]:port' for an IPv6 literal");
        }

        int? port = null;
        var host = text;
        if (colons == 1)
        {
            var at = text.IndexOf(':', StringComparison.Ordinal);
            host = text[..at];
            var portError = ParsePort(text[(at + 1)..], out port);
            if (portError is not null)
            {
                return Fail(portError);
            }
        }

        return ParseHost(host, port);
    }

    private static DestinationParseResult ParseSetReference(string name)
    {
        if (name.Length == 0 || name.Length > 64 || !IsSetNameStart(name[0]) || !name.All(IsSetNameChar))
        {
            return Fail("a set reference is '@' followed by the set's name (letters, digits, '.', '_', '-', "
                + "starting with a letter or digit)");
        }

        return Ok(new EgressDestination(DestinationKind.SetReference, name.ToLowerInvariant(), null));
    }

    private static DestinationParseResult ParseBracketed(string text)
    {
        var close = text.IndexOf(']', StringComparison.Ordinal);
        if (close < 0)
        {
            return Fail("'[' without a closing ']'; write an IPv6 literal as '[2001:db8::1]' or '[2001:db8::1]:443'");
        }

        var inner = text[1..close];
        if (!IPAddress.TryParse(inner, out var address) || address.AddressFamily != AddressFamily.InterNetworkV6
            || inner.Contains('%', StringComparison.Ordinal))
        {
            return Fail($"'{inner}' in brackets is not an IPv6 address (brackets are only for IPv6 literals)");
        }

        int? port = null;
        var after = text[(close + 1)..];
        if (after.Length > 0)
        {
            if (after[0] != ':')
            {
                return Fail("only ':port' may follow the ']' of an IPv6 literal");
            }

            var portError = ParsePort(after[1..], out port);
            if (portError is not null)
            {
                return Fail(portError);
            }
        }

        return Ok(new EgressDestination(DestinationKind.IpAddress, address.ToString(), port));
    }

    private static string? ParsePort(string text, out int? port)
    {
        port = null;
        if (text.Length == 0)
        {
            return "':' without a port; write 'host:port' with a port from 1 to 65535, or omit ':' for 80 and 443";
        }

        if (!text.All(char.IsAsciiDigit))
        {
            return $"the port '{text}' is not a number; write a port from 1 to 65535";
        }

        if (text.Length > 5 || int.Parse(text, CultureInfo.InvariantCulture) is < 1 or > 65535)
        {
            return $"the port {text} is out of range; a port is from 1 to 65535";
        }

        port = int.Parse(text, CultureInfo.InvariantCulture);
        return null;
    }

    private static DestinationParseResult ParseHost(string host, int? port)
    {
        var lower = host.ToLowerInvariant();
        if (lower.EndsWith('.'))
        {
            lower = lower[..^1];
        }

        if (lower.Length == 0)
        {
            return Fail("the host name is empty");
        }

        if (lower.Contains('*', StringComparison.Ordinal))
        {
            if (!lower.StartsWith("*.", StringComparison.Ordinal) || lower.IndexOf('*', 1) >= 0)
            {
                return Fail("a wildcard is only allowed as a leading '*.' (as in '*.example.com', which allows the "
                    + "subdomains of example.com)");
            }

            var domain = lower[2..];
            var domainError = CheckHostName(domain);
            if (domainError is not null)
            {
                return Fail(domainError);
            }

            if (LooksNumeric(domain))
            {
                return Fail("a wildcard applies to a domain name, not to an IP address");
            }

            if (PublicSuffixes.IsPublicSuffix(domain))
            {
                return Fail($"'{domain}' is a public suffix: '*.{domain}' would allow every site registered under "
                    + "it; name the hosts, or a wildcard under a domain you control such as '*.example." + domain + "'");
            }

            return Ok(new EgressDestination(DestinationKind.Wildcard, domain, port));
        }

        if (LooksNumeric(lower))
        {
            return IsDottedQuad(lower) && IPAddress.TryParse(lower, out var v4) && v4.AddressFamily == AddressFamily.InterNetwork
                ? Ok(new EgressDestination(DestinationKind.IpAddress, v4.ToString(), port))
                : Fail($"'{host}' is neither a host name nor a dotted IPv4 address such as '203.0.113.7'");
        }

        var error = CheckHostName(lower);
        if (error is not null)
        {
            return Fail(error);
        }

        if (lower == "localhost" || lower.EndsWith(".localhost", StringComparison.Ordinal))
        {
            return Fail("'localhost' is loopback; the proxy never connects to loopback");
        }

        return Ok(new EgressDestination(DestinationKind.Host, lower, port));
    }

    private static string? CheckHostName(string name)
    {
        if (name.Length > MaxHostLength)
        {
            return $"the host name is longer than {MaxHostLength} characters";
        }

        if (!name.All(char.IsAscii))
        {
            return "the host name is not ASCII; write its punycode form ('xn--…')";
        }

        foreach (var label in name.Split('.'))
        {
            if (label.Length == 0)
            {
                return "the host name has an empty label ('..' or a leading '.')";
            }

            if (label.Length > MaxLabelLength)
            {
                return $"the host name has a label longer than {MaxLabelLength} characters";
            }

            if (!label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') || label[0] == '-' || label[^1] == '-')
            {
                return $"'{label}' is not a valid host name label (letters, digits and inner '-' only)";
            }
        }

        return null;
    }

    // Purely numeric names are addresses to resolvers (inet_aton accepts "2130706433" and "127.1"), so they are
    // either a canonical dotted quad or rejected, never treated as host names.
    private static bool LooksNumeric(string host) => host.All(c => char.IsAsciiDigit(c) || c == '.');

    private static bool IsDottedQuad(string host)
    {
        var parts = host.Split('.');
        return parts.Length == 4 && parts.All(p => p.Length is >= 1 and <= 3 && (p.Length == 1 || p[0] != '0'));
    }

    private static bool IsSetNameStart(char c) => char.IsAsciiLetterOrDigit(c);

    private static bool IsSetNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-';

    private static DestinationParseResult Ok(EgressDestination destination) => new(destination, null);

    private static DestinationParseResult Fail(string error) => new(null, error);
}
