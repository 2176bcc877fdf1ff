namespace Scc.Abstractions;

/// <summary>
/// A coding agent that <c>scc</c> can run in a sandbox. Implementations are registered by the plugin's
/// <see cref="ISccPlugin"/> entry point and must not start processes or touch the network on their own: the host
/// supplies every side effect through the services passed in.
/// </summary>
public interface IAgentProvider
{
    /// <summary>The runtime spec of this provider.</summary>
    ProviderRuntimeSpec Spec { get; }

    /// <summary>What the provider supports; the host uses it to decide which settings to render.</summary>
    ProviderCapabilities Capabilities { get; }

    /// <summary>
    /// Tells whether credentials are present, without starting the agent. Read files only through
    /// <paramref name="data"/>; when <see cref="IProviderDataReader.IsAvailable"/> is false, answer
    /// <see cref="AuthState.Unknown"/>.
    /// </summary>
    /// <param name="data">Read access to the provider's data volume.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>The credential state with a human-readable detail.</returns>
    Task<AuthStatus> CheckAuthAsync(IProviderDataReader data, CancellationToken cancellationToken);

    /// <summary>Builds the command, environment, working directory and mounts for one launch.</summary>
    /// <param name="context">Facts about the launch the host has already decided.</param>
    /// <returns>The launch spec; the host adds its own mounts, environment and hardening.</returns>
    AgentLaunchSpec BuildLaunchSpec(AgentLaunchContext context);

    /// <summary>Signs in when credentials are missing, through the interactive host service.</summary>
    /// <param name="host">Runs interactive commands inside the provider's sandbox.</param>
    /// <param name="cancellationToken">Cancels the sign-in.</param>
    /// <returns>Whether sign-in succeeded, with a message for the user.</returns>
    Task<AuthBootstrapResult> BootstrapAuthAsync(IAuthBootstrapHost host, CancellationToken cancellationToken);
}

/// <summary>Capability metadata of a provider.</summary>
/// <param name="SupportsMcpServers">Whether MCP servers can be configured.</param>
/// <param name="McpTransports">The MCP transports the agent understands.</param>
/// <param name="SupportsPlugins">Whether agent-side plugins (and marketplaces) can be enabled.</param>
/// <param name="SupportsResume">Whether a stopped conversation can be resumed.</param>
public sealed record ProviderCapabilities(
    bool SupportsMcpServers,
    IReadOnlyList<McpTransport> McpTransports,
    bool SupportsPlugins,
    bool SupportsResume);

/// <summary>State of a provider's credentials.</summary>
public enum AuthState
{
    /// <summary>Credentials are present.</summary>
    Ready,

    /// <summary>No credentials: sign-in is needed.</summary>
    Missing,

    /// <summary>Could not be determined (for example, no container runtime is reachable).</summary>
    Unknown,
}

/// <summary>The result of <see cref="IAgentProvider.CheckAuthAsync"/>.</summary>
/// <param name="State">The credential state.</param>
/// <param name="Detail">What was found, for people.</param>
public sealed record AuthStatus(AuthState State, string Detail)
{
    /// <summary>Credentials are present.</summary>
    /// <param name="detail">What was found.</param>
    /// <returns>A ready status.</returns>
    public static AuthStatus Ready(string detail) => new(AuthState.Ready, detail);

    /// <summary>Credentials are missing.</summary>
    /// <param name="detail">What is missing and how to sign in.</param>
    /// <returns>A missing status.</returns>
    public static AuthStatus Missing(string detail) => new(AuthState.Missing, detail);

    /// <summary>The state could not be determined.</summary>
    /// <param name="detail">Why.</param>
    /// <returns>An unknown status.</returns>
    public static AuthStatus Unknown(string detail) => new(AuthState.Unknown, detail);
}

/// <summary>Read-only access to files in a provider's data volume, supplied by the host.</summary>
public interface IProviderDataReader
{
    /// <summary>False when no container runtime is reachable; providers then report <see cref="AuthState.Unknown"/>.</summary>
    bool IsAvailable { get; }

    /// <summary>Reads a file relative to the root of the data volume.</summary>
    /// <param name="relativePath">Path with <c>/</c> separators, without <c>..</c>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The file's bytes, or <see langword="null"/> when it does not exist.</returns>
    Task<byte[]?> ReadFileAsync(string relativePath, CancellationToken cancellationToken);
}

/// <summary>Interactive services the host offers to <see cref="IAgentProvider.BootstrapAuthAsync"/>.</summary>
public interface IAuthBootstrapHost
{
    /// <summary>Whether a person is at a terminal to answer prompts.</summary>
    bool IsInteractive { get; }

    /// <summary>Runs a command in a sandbox of this provider, attached to the terminal.</summary>
    /// <param name="argv">The command.</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    /// <returns>The command's exit code.</returns>
    Task<int> RunInteractiveAsync(IReadOnlyList<string> argv, CancellationToken cancellationToken);
}

/// <summary>The result of <see cref="IAgentProvider.BootstrapAuthAsync"/>.</summary>
/// <param name="Succeeded">Whether credentials are now present.</param>
/// <param name="Message">What happened, and what to do if it failed.</param>
public sealed record AuthBootstrapResult(bool Succeeded, string Message);
