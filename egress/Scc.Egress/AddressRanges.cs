using System.Net;
using System.Net.Sockets;

namespace Scc.Egress;

/// <summary>A range the proxy denies before any allow, with whether an org may open part of it.</summary>
/// <param name="Network">The CIDR.</param>
/// <param name="Description">What the range is, for messages and config comments.</param>
/// <param name="OrgMayAllow">True for private ranges an org may list in <c>private_networks</c> (an internal
/// registry at 10.x); false for loopback, link-local and metadata, which nothing opens.</param>
public sealed record DeniedRange(IPNetwork Network, string Description, bool OrgMayAllow);

/// <summary>The address ranges the egress proxy always denies (DESIGN.md §7).</summary>
public static class AddressRanges
{
    /// <summary>Every always-denied range, in the order the compiled config lists them.</summary>
    public static IReadOnlyList<DeniedRange> Denied { get; } =
    [
        new(IPNetwork.Parse("0.0.0.0/8"), "this network", false),
        new(IPNetwork.Parse("127.0.0.0/8"), "loopback", false),
        new(IPNetwork.Parse("10.0.0.0/8"), "private (RFC 1918)", true),
        new(IPNetwork.Parse("172.16.0.0/12"), "private (RFC 1918)", true),
        new(IPNetwork.Parse("192.168.0.0/16"), "private (RFC 1918)", true),
        new(IPNetwork.Parse("100.64.0.0/10"), "carrier-grade NAT (RFC 6598)", true),
        new(IPNetwork.Parse("169.254.169.254/32"), "cloud metadata service", false),
        new(IPNetwork.Parse("169.254.0.0/16"), "link-local", false),
        new(IPNetwork.Parse("::/128"), "IPv6 unspecified", false),
        new(IPNetwork.Parse("::1/128"), "IPv6 loopback", false),
        new(IPNetwork.Parse("fc00::/7"), "IPv6 unique-local", true),
        new(IPNetwork.Parse("fe80::/10"), "IPv6 link-local", false),
    ];

    /// <summary>The always-denied range that contains <paramref name="address"/>, or null.</summary>
    public static DeniedRange? Find(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        foreach (var range in Denied)
        {
            if (range.Network.BaseAddress.AddressFamily == address.AddressFamily && range.Network.Contains(address))
            {
                return range;
            }
        }

        return null;
    }

    /// <summary>True when <paramref name="inner"/> lies entirely inside <paramref name="outer"/>.</summary>
    public static bool IsWithin(IPNetwork inner, IPNetwork outer) =>
        inner.BaseAddress.AddressFamily == outer.BaseAddress.AddressFamily
        && inner.PrefixLength >= outer.PrefixLength
        && outer.Contains(inner.BaseAddress);

    /// <summary>Formats a CIDR the way the compiled config and messages print it.</summary>
    public static string Format(IPNetwork network) =>
        network.BaseAddress.AddressFamily == AddressFamily.InterNetworkV6
            ? $"{network.BaseAddress}/{network.PrefixLength}"
            : network.ToString();
}
