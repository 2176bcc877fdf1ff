using Scc.Abstractions;
using Scc.Core.Governance;
using Scc.Core.Runtime;

namespace Scc.Core.Launch;

/// <summary>What `scc start` was asked to do.</summary>
internal sealed record LaunchRequest(string Workspace, string CurrentDirectory)
{
    public string? Provider { get; init; }

    public bool Resume { get; init; }

    public bool Fresh { get; init; }

    public bool Detach { get; init; }

    public bool DryRun { get; init; }

    public bool AllowSuspiciousWorkspace { get; init; }

    public string? OrgConfigOverride { get; init; }

    public bool Offline { get; init; }
}

/// <summary>The person at the terminal, if any: prompts, progress and messages of the launch.</summary>
internal interface ILaunchUi
{
    bool IsInteractive { get; }

    string ChooseProvider(IReadOnlyList<ProviderRuntimeSpec> candidates);

    /// <summary>A session already runs for this workspace and provider: true = replace it, false = attach to it.</summary>
    bool ConfirmReplace(string container);

    Task<T> WithBuildProgressAsync<T>(string title, Func<IProgress<ImageBuildEvent>, Task<T>> build);

    void Info(string message);

    void Warn(string message);
}

/// <summary>Runs the agent attached to the terminal (the docker CLI's `exec -it`), scc staying the parent process.</summary>
internal interface IInteractiveTerminal
{
    bool Available { get; }

    Task<int> ExecAttachedAsync(string container, ExecRequest request, CancellationToken cancellationToken);

    Task<int> RunAttachedAsync(ContainerSpec spec, CancellationToken cancellationToken);
}

/// <summary>Everything decided before a container is created; what `--dry-run` prints.</summary>
internal sealed record LaunchPlan(
    string Workspace,
    ProviderRuntimeSpec Provider,
    SessionIdentity Identity,
    string SessionId,
    SandboxContainerPlan Sandbox,
    RenderedSettings Settings,
    string SafetyPolicyJson,
    string NetworkPolicy,
    Provenance NetworkPolicySource,
    GovernanceResult Governance,
    string ProviderChoiceReason)
{
    /// <summary>The egress plan of a web-egress-enforced launch; null for open and locked-down networks.</summary>
    public EgressPlan? Egress { get; init; }
}

internal sealed record LaunchResult(string SessionId, string Container, string ProviderId, bool Reattached, int? AgentExitCode, LaunchPlan? Plan);
