namespace Scc.Core.Config;

/// <summary>The three network policies, ordered from loosest to tightest; lower layers may only tighten.</summary>
internal static class NetworkPolicies
{
    public const string Open = "open";
    public const string WebEgressEnforced = "web-egress-enforced";
    public const string LockedDownWeb = "locked-down-web";

    /// <summary>What applies when no layer sets a policy (standalone, or an org that leaves it out).</summary>
    public const string BuiltInDefault = Open;

    /// <summary>The canonical name; the older SCC names unrestricted, corp-proxy-only and isolated map onto the three.</summary>
    public static string? Normalize(string? policy) => policy?.Trim().ToLowerInvariant() switch
    {
        null or "" => null,
        Open or "unrestricted" => Open,
        WebEgressEnforced or "corp-proxy-only" => WebEgressEnforced,
        LockedDownWeb or "isolated" => LockedDownWeb,
        _ => null,
    };

    public static bool IsKnown(string? policy) => Normalize(policy) is not null;

    /// <summary>0 = open, 1 = web-egress-enforced, 2 = locked-down-web; -1 when unknown.</summary>
    public static int Rank(string? policy) => Normalize(policy) switch
    {
        Open => 0,
        WebEgressEnforced => 1,
        LockedDownWeb => 2,
        _ => -1,
    };
}
