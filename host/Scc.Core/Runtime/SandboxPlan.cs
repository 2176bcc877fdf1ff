using Scc.Abstractions;

namespace Scc.Core.Runtime;

/// <summary>The numeric owner of the workspace folder on the host; the agent runs as this uid:gid (docs/runtime.md).</summary>
internal sealed record WorkspaceOwner(int Uid, int Gid)
{
    public bool IsRoot => Uid == 0;
}

/// <summary>Resource limits, settable by the user or org (<c>runtime.pids_limit</c>, <c>runtime.memory</c>).</summary>
internal sealed record SandboxLimits
{
    /// <summary>Enough for node, git, a language server and a parallel build; stops a fork bomb.</summary>
    public const long DefaultPidsLimit = 2048;

    /// <summary>4 GiB: room for an agent and a build; swap is not added on top.</summary>
    public const long DefaultMemoryBytes = 4L * 1024 * 1024 * 1024;

    public static SandboxLimits Default { get; } = new();

    /// <summary>Null: no limit.</summary>
    public long? PidsLimit { get; init; } = DefaultPidsLimit;

    /// <summary>Null: no limit.</summary>
    public long? MemoryBytes { get; init; } = DefaultMemoryBytes;
}

internal enum SandboxNetworkMode
{
    /// <summary>The engine's default bridge.</summary>
    Open,

    /// <summary>No network at all (<c>locked-down-web</c>).</summary>
    None,

    /// <summary>Only the session's internal network, through the egress proxy (<c>web-egress-enforced</c>).</summary>
    Enforced,
}

/// <summary>Where the agent container is attached. For <see cref="SandboxNetworkMode.Enforced"/> both names are required.</summary>
internal sealed record SandboxNetwork(SandboxNetworkMode Mode, string? InternalNetwork = null, string? ProxyUrl = null)
{
    public static SandboxNetwork Open { get; } = new(SandboxNetworkMode.Open);

    public static SandboxNetwork None { get; } = new(SandboxNetworkMode.None);

    public static SandboxNetwork Enforced(string internalNetwork, string proxyUrl) => new(SandboxNetworkMode.Enforced, internalNetwork, proxyUrl);
}

internal sealed record SandboxRequest(
    SessionIdentity Identity,
    string SessionId,
    ProviderRuntimeSpec Provider,
    AgentLaunchSpec Launch,
    WorkspaceOwner Owner,
    SandboxNetwork Network)
{
    public SandboxLimits Limits { get; init; } = SandboxLimits.Default;

    /// <summary>Extra environment (e.g. <c>NODE_EXTRA_CA_CERTS</c>); the launch spec's wins on a clash.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
}

/// <summary>
/// Everything the launch does with the engine for the agent container: the container to create, the uid:gid the
/// agent runs as (settings files belong to it), the exec that starts the agent, and warnings to show.
/// </summary>
internal sealed record SandboxContainerPlan(
    ContainerSpec Container,
    int AgentUid,
    int AgentGid,
    string Home,
    ExecRequest AgentExec,
    IReadOnlyList<string> Warnings);
