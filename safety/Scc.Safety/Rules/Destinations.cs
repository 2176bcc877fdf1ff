namespace Scc.Safety;

/// <summary>Host extraction from the spellings network tools accept, and matching against the policy.</summary>
internal static class Destinations
{
    /// <summary>Normalizes a policy entry (<c>host</c> or <c>*.domain</c>); null when it is not one.</summary>
    public static string? NormalizePattern(string raw)
    {
        var s = raw.Trim().ToLowerInvariant().TrimEnd('.');
        var wildcard = s.StartsWith("*.", StringComparison.Ordinal);
        var body = wildcard ? s[2..] : s;
        if (body.StartsWith('[') && body.EndsWith(']'))
        {
            body = body[1..^1];
        }

        if (body.Length == 0 || !IsHostName(body))
        {
            return null;
        }

        return wildcard ? "*." + body : body;
    }

    private static bool IsHostName(string s)
    {
        if (s.Contains(':', StringComparison.Ordinal))
        {
            // IPv6 literal.
            foreach (var c in s)
            {
                if (!(char.IsAsciiHexDigit(c) || c == ':' || c == '.'))
                {
                    return false;
                }
            }

            return true;
        }

        foreach (var c in s)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_'))
            {
                return false;
            }
        }

        return !s.StartsWith('.') && !s.Contains("..", StringComparison.Ordinal);
    }

    /// <summary>Lower-cases and strips brackets and a trailing dot.</summary>
    public static string NormalizeHost(string host)
    {
        var h = host.Trim().ToLowerInvariant();
        if (h.StartsWith('[') && h.EndsWith(']'))
        {
            h = h[1..^1];
        }

        return h.TrimEnd('.');
    }

    /// <summary>True when the text of a host could change at run time or by tool-side globbing.</summary>
    public static bool LooksDynamic(string host) =>
        host.AsSpan().IndexOfAny("$`*?[]{}\\\"'") >= 0;

    public static bool IsLoopback(string host)
    {
        var h = NormalizeHost(host);
        if (h is "localhost" or "::1" or "0:0:0:0:0:0:0:1" or "0.0.0.0" || h.EndsWith(".localhost", StringComparison.Ordinal))
        {
            return true;
        }

        if (h.StartsWith("127.", StringComparison.Ordinal))
        {
            var parts = h.Split('.');
            return parts.Length == 4 && parts.All(p => p.Length is > 0 and <= 3 && p.All(char.IsAsciiDigit));
        }

        return false;
    }

    public static bool IsAllowed(string host, SafetyPolicy policy)
    {
        var h = NormalizeHost(host);
        if (h.Length == 0 || LooksDynamic(h))
        {
            return false;
        }

        if (IsLoopback(h))
        {
            return true;
        }

        foreach (var raw in policy.AllowedDestinations)
        {
            // Policies built in code (not loaded) may carry any case or a trailing dot.
            var p = NormalizePattern(raw);
            if (p is null)
            {
                continue;
            }

            if (p.StartsWith("*.", StringComparison.Ordinal))
            {
                if (h.Length > p.Length - 1 && h.EndsWith(p.AsSpan(1), StringComparison.Ordinal))
                {
                    return true;
                }
            }
            else if (h == p)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The host of a URL (<c>scheme://user@host:port/path</c>); with no scheme, the leading host part.</summary>
    /// <returns>The host, empty for a URL that names no host (file:, a local path), or null for nothing usable.</returns>
    public static string? HostOfUrl(string url)
    {
        var s = url.Trim();
        var schemeEnd = s.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd >= 0)
        {
            var scheme = s[..schemeEnd].ToLowerInvariant();
            if (scheme == "file")
            {
                return string.Empty;
            }

            s = s[(schemeEnd + 3)..];
        }

        return HostOfAuthority(s);
    }

    /// <summary>The host of <c>[user@]host[:port][/…]</c>.</summary>
    public static string HostOfAuthority(string s)
    {
        var end = s.AsSpan().IndexOfAny("/?#");
        var authority = end >= 0 ? s[..end] : s;
        var at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            authority = authority[(at + 1)..];
        }

        if (authority.StartsWith('['))
        {
            var close = authority.IndexOf(']', StringComparison.Ordinal);
            return close > 0 ? authority[1..close] : authority[1..];
        }

        var colon = authority.IndexOf(':', StringComparison.Ordinal);
        return colon >= 0 ? authority[..colon] : authority;
    }

    /// <summary>
    /// The host of an scp/rsync operand (<c>[user@]host:path</c>, <c>host::module</c>, <c>scp://…</c>), or null when
    /// the operand is local (no colon before the first slash).
    /// </summary>
    public static string? HostOfRemoteOperand(string operand)
    {
        if (operand.Contains("://", StringComparison.Ordinal))
        {
            return HostOfUrl(operand);
        }

        if (operand.StartsWith('['))
        {
            var close = operand.IndexOf(']', StringComparison.Ordinal);
            return close > 0 && close + 1 < operand.Length && operand[close + 1] == ':' ? operand[1..close] : null;
        }

        var colon = operand.IndexOf(':', StringComparison.Ordinal);
        var slash = operand.IndexOf('/', StringComparison.Ordinal);
        if (colon <= 0 || (slash >= 0 && slash < colon))
        {
            return null;
        }

        var hostPart = operand[..colon];
        var at = hostPart.LastIndexOf('@');
        return at >= 0 ? hostPart[(at + 1)..] : hostPart;
    }

    /// <summary>The host of an ssh destination (<c>[user@]host</c> or <c>ssh://[user@]host[:port]</c>).</summary>
    public static string HostOfSshDestination(string dest)
    {
        if (dest.Contains("://", StringComparison.Ordinal))
        {
            return HostOfUrl(dest) ?? string.Empty;
        }

        var at = dest.LastIndexOf('@');
        var host = at >= 0 ? dest[(at + 1)..] : dest;
        if (host.StartsWith('['))
        {
            var close = host.IndexOf(']', StringComparison.Ordinal);
            return close > 0 ? host[1..close] : host;
        }

        return host;
    }
}
