using System.Globalization;

namespace Scc.Egress;

/// <summary>One line of the proxy's access log (format <c>scc1</c>, see <see cref="SquidConfigCompiler"/>).</summary>
/// <param name="Time">When Squid logged the request (UTC).</param>
/// <param name="SquidStatus">Squid's result code, such as <c>TCP_TUNNEL</c> or <c>TCP_DENIED</c>.</param>
/// <param name="HttpStatus">The status sent to the client; 0 when none was sent.</param>
/// <param name="Method">The request method (<c>CONNECT</c> for TLS).</param>
/// <param name="Host">The requested host name or IP literal.</param>
/// <param name="Port">The requested port; 0 when unknown.</param>
/// <param name="Sni">The TLS server name the client sent, when Squid peeked at one.</param>
/// <param name="TlsDecision">Squid's final SslBump decision (<c>splice</c>, <c>terminate</c>, <c>bump</c>), if any.</param>
/// <param name="ErrorCode">Squid's error page code, such as <c>ERR_ACCESS_DENIED</c>, if any.</param>
/// <param name="Client">The client address (the agent container).</param>
public sealed record EgressLogEntry(
    DateTimeOffset Time,
    string SquidStatus,
    int HttpStatus,
    string Method,
    string Host,
    int Port,
    string? Sni,
    string? TlsDecision,
    string? ErrorCode,
    string Client)
{
    /// <summary>
    /// True when the proxy refused the request: an <c>http_access</c> deny (<c>TCP_DENIED</c>, 403, or
    /// <c>ERR_ACCESS_DENIED</c>: a denied CONNECT is logged with status 200 because Squid answers it "established"
    /// before closing it), or a TLS connection terminated by the SNI check.
    /// </summary>
    public bool IsDenied =>
        SquidStatus.Contains("DENIED", StringComparison.Ordinal)
        || HttpStatus == 403
        || ErrorCode == "ERR_ACCESS_DENIED"
        || TlsDecision == "terminate";
}

/// <summary>A refused request, as the host records it in the audit log (<c>egress.denied</c>).</summary>
public sealed record EgressDenial(string Host, int Port, DateTimeOffset Time);

/// <summary>Parses the access log the compiled config writes.</summary>
public static class SquidAccessLog
{
    /// <summary>Parses one line; null for lines in any other format (Squid messages, blank lines).</summary>
    public static EgressLogEntry? ParseLine(string? line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return null;
        }

        var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (f.Length != 11 || f[0] != SquidConfigCompiler.LogFormatTag)
        {
            return null;
        }

        if (!decimal.TryParse(f[1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds)
            || seconds < 0 || seconds > 253402300799m)
        {
            return null;
        }

        var time = DateTimeOffset.FromUnixTimeMilliseconds((long)decimal.Round(seconds * 1000m));
        return new EgressLogEntry(
            time,
            f[2],
            ParseInt(f[3]),
            Dash(f[4]) ?? string.Empty,
            Dash(f[5]) ?? string.Empty,
            ParseInt(f[6]),
            Dash(f[7]),
            Dash(f[8]),
            Dash(f[9]),
            Dash(f[10]) ?? string.Empty);
    }

    /// <summary>Parses every line and keeps the recognized ones, in order.</summary>
    public static IReadOnlyList<EgressLogEntry> Parse(IEnumerable<string> lines) =>
        lines.Select(ParseLine).OfType<EgressLogEntry>().ToList();

    /// <summary>The denials of a log, in order: what becomes <c>egress.denied</c> audit events.</summary>
    public static IReadOnlyList<EgressDenial> Denials(IEnumerable<string> lines) =>
        Parse(lines).Where(e => e.IsDenied).Select(e => new EgressDenial(e.Host, e.Port, e.Time)).ToList();

    private static int ParseInt(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : 0;

    private static string? Dash(string text) => text == "-" ? null : text;
}
