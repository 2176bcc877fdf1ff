using System.Net;
using System.Net.Sockets;
using Scc.Core.Errors;

namespace Scc.Core.Launch;

/// <summary>
/// Small subnets for the per-session internal networks. Left to itself the engine gives every network a /16 or /20
/// of its default pools (about 31 networks in all), so a few dozen sessions, or crashed ones not yet pruned, would
/// exhaust them; a /28 from a pool reserved for scc holds two containers (agent and proxy) with room to spare.
/// </summary>
internal static class SessionSubnetPool
{
    /// <summary>The user-config setting that names the pool.</summary>
    public const string Setting = "runtime.session_subnet_pool";

    /// <summary>
    /// Outside Docker's default pools (172.17–172.31/16 and 192.168/16 in /20s) and outside the ranges home and
    /// cloud networks usually take first (10.0/16, 10.1/16, 10.10/16, 10.100/16).
    /// </summary>
    public const string DefaultPool = "10.213.0.0/16";

    /// <summary>Sixteen addresses: network, broadcast, the engine's gateway, the agent, the proxy and spares.</summary>
    public const int PrefixLength = 28;

    private static readonly IPNetwork[] PrivateRanges =
    [
        IPNetwork.Parse("10.0.0.0/8"),
        IPNetwork.Parse("172.16.0.0/12"),
        IPNetwork.Parse("192.168.0.0/16"),
        IPNetwork.Parse("100.64.0.0/10"),
    ];

    /// <summary>The pool of <paramref name="setting"/> (null or blank: <see cref="DefaultPool"/>), or a config error naming the setting.</summary>
    public static IPNetwork ParsePool(string? setting)
    {
        if (string.IsNullOrWhiteSpace(setting))
        {
            return IPNetwork.Parse(DefaultPool);
        }

        var text = setting.Trim();
        var fix = $"Set {Setting} in the user config to a private IPv4 range written as a CIDR with /8 to /{PrefixLength} (default {DefaultPool}), or remove it.";
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || !IPAddress.TryParse(text[..slash], out var address) || address.AddressFamily != AddressFamily.InterNetwork
            || !int.TryParse(text[(slash + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var prefix) || prefix > 32)
        {
            throw new ConfigException($"{Setting} \"{text}\" is not an IPv4 CIDR such as {DefaultPool}.", fix);
        }

        if (prefix is < 8 or > PrefixLength)
        {
            throw new ConfigException($"{Setting} \"{text}\" must be /8 to /{PrefixLength}: each session takes a /{PrefixLength}.", fix);
        }

        if (!Network(address, prefix).Equals(address))
        {
            throw new ConfigException($"{Setting} \"{text}\" has host bits set; the range starts at {Network(address, prefix)}/{prefix}.", fix);
        }

        var pool = new IPNetwork(address, prefix);

        if (!PrivateRanges.Any(r => Contains(r, pool)))
        {
            throw new ConfigException($"{Setting} \"{text}\" is not inside a private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10).", fix);
        }

        return pool;
    }

    /// <summary>How many session subnets the pool holds.</summary>
    public static int Capacity(IPNetwork pool) => 1 << (PrefixLength - pool.PrefixLength);

    /// <summary>
    /// A /<see cref="PrefixLength"/> of <paramref name="pool"/> that overlaps none of <paramref name="used"/>, searching
    /// from the slot <paramref name="start"/> (wrapping): two scc processes starting at once then rarely pick the same
    /// one, and the engine refuses the second if they do. Null when every slot is taken.
    /// </summary>
    public static IPNetwork? Choose(IPNetwork pool, IEnumerable<IPNetwork> used, int start)
    {
        var taken = used.Where(u => u.BaseAddress.AddressFamily == AddressFamily.InterNetwork && Overlaps(u, pool)).ToList();
        var capacity = Capacity(pool);
        var first = ToUInt(pool.BaseAddress);
        for (var i = 0; i < capacity; i++)
        {
            var slot = (int)(((uint)start + (uint)i) % (uint)capacity);
            var candidate = new IPNetwork(ToAddress(first + ((uint)slot << (32 - PrefixLength))), PrefixLength);
            if (!taken.Any(t => Overlaps(t, candidate)))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>The IPv4 subnets as the engine reports them (IPAM config); IPv6 and entries that are not CIDRs are skipped.</summary>
    public static IEnumerable<IPNetwork> ParseUsed(IEnumerable<string> subnets)
    {
        foreach (var s in subnets)
        {
            var slash = s.IndexOf('/', StringComparison.Ordinal);
            if (slash > 0 && IPAddress.TryParse(s[..slash], out var address) && address.AddressFamily == AddressFamily.InterNetwork
                && int.TryParse(s[(slash + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var prefix)
                && prefix <= 32)
            {
                // The engine keeps a subnet as written, host bits and all; what it occupies is the whole range.
                yield return new IPNetwork(Network(address, prefix), prefix);
            }
        }
    }

    public static ConfigException Exhausted(IPNetwork pool) => new(
        $"No free /{PrefixLength} is left in the session subnet pool {pool} ({Setting}): {Capacity(pool)} session networks use it.",
        $"Run `scc prune` to remove the networks of sessions that ended without cleaning up, or set {Setting} in the user config to a larger private range.");

    private static bool Overlaps(IPNetwork a, IPNetwork b) => a.Contains(b.BaseAddress) || b.Contains(a.BaseAddress);

    private static bool Contains(IPNetwork outer, IPNetwork inner) => outer.PrefixLength <= inner.PrefixLength && outer.Contains(inner.BaseAddress);

    private static IPAddress Network(IPAddress address, int prefix) =>
        ToAddress(prefix == 0 ? 0 : ToUInt(address) & (uint.MaxValue << (32 - prefix)));

    private static uint ToUInt(IPAddress address)
    {
        var b = address.GetAddressBytes();
        return ((uint)b[0] << 24) | ((uint)b[1] << 16) | ((uint)b[2] << 8) | b[3];
    }

    private static IPAddress ToAddress(uint value) => new([(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value]);
}
