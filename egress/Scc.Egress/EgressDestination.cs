using System.Net;

namespace Scc.Egress;

/// <summary>What a destination entry names.</summary>
public enum DestinationKind
{
    /// <summary>One host name, matched exactly (case-insensitive).</summary>
    Host,

    /// <summary><c>*.domain</c>: every subdomain of the domain, not the domain itself.</summary>
    Wildcard,

    /// <summary>An IPv4 literal or a bracketed IPv6 literal.</summary>
    IpAddress,

    /// <summary><c>@name</c>: a named destination set, expanded by the merge.</summary>
    SetReference,
}

/// <summary>
/// One parsed destination. <see cref="Host"/> is lower-case, without a trailing dot; for a wildcard it is the
/// domain after <c>*.</c>; for an IPv6 literal it is the address without brackets; for a set reference it is the
/// set name. <see cref="Port"/> is null when the entry names no port (then HTTP on 80 and TLS on 443 are allowed).
/// </summary>
public sealed record EgressDestination(DestinationKind Kind, string Host, int? Port)
{
    /// <summary>The parsed address of an <see cref="DestinationKind.IpAddress"/> destination, else null. A method,
    /// not a property, so serializing a destination (<c>scc egress show --json</c>) never touches IPAddress.</summary>
    public IPAddress? GetAddress() => Kind == DestinationKind.IpAddress ? IPAddress.Parse(Host) : null;

    /// <summary>The canonical text: the key used for de-duplication and what <c>scc egress show</c> prints.</summary>
    public string Canonical => Format(Kind, Host, Port);

    /// <inheritdoc />
    public override string ToString() => Canonical;

    private static string Format(DestinationKind kind, string host, int? port)
    {
        var name = kind switch
        {
            DestinationKind.Wildcard => "*." + host,
            DestinationKind.SetReference => "@" + host,
            DestinationKind.IpAddress when host.Contains(':', StringComparison.Ordinal) => "[" + host + "]",
            _ => host,
        };
        return port is { } p ? $"{name}:{p}" : name;
    }
}
