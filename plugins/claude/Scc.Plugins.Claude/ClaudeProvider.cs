using System.Text.Json;
using Scc.Abstractions;

namespace Scc.Plugins.Claude;

internal sealed class ClaudeProvider : IAgentProvider
{
    internal const string Id = "claude";
    internal const string CredentialsFile = ".credentials.json";

    public ProviderRuntimeSpec Spec { get; } = new(
        ProviderId: Id,
        DisplayName: "Claude Code",
        ImageReference: "scc-agent-claude",
        ConfigDirectory: ".claude",
        SettingsPath: ".claude/settings.json",
        SettingsScope: SettingsScope.Home,
        DataVolumeName: "docker-claude-sandbox-data",
        DataMountPath: "/home/agent/.claude",
        RequiredEgressDestinations: ["api.anthropic.com", "statsig.anthropic.com", "console.anthropic.com"],
        ImageBuildContext: "image",
        AgentArgv: ["claude", "--dangerously-skip-permissions"],
        VersionArgv: ["claude", "--version"]);

    public ProviderCapabilities Capabilities { get; } = new(
        SupportsMcpServers: true,
        McpTransports: [McpTransport.Stdio, McpTransport.Http, McpTransport.Sse],
        SupportsPlugins: true,
        SupportsResume: true);

    public async Task<AuthStatus> CheckAuthAsync(IProviderDataReader data, CancellationToken cancellationToken)
    {
        if (!data.IsAvailable)
        {
            return AuthStatus.Unknown("no container runtime is reachable to read the docker-claude-sandbox-data volume");
        }

        var bytes = await data.ReadFileAsync(CredentialsFile, cancellationToken).ConfigureAwait(false);
        if (bytes is null || bytes.Length == 0)
        {
            return AuthStatus.Missing("no Claude credentials in docker-claude-sandbox-data; sign in with `scc start --provider claude` on a terminal");
        }

        try
        {
            using var doc = JsonDocument.Parse(bytes);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.EnumerateObject().Any()
                ? AuthStatus.Ready("Claude credentials present")
                : AuthStatus.Missing("the Claude credentials file is empty; sign in again with `scc start --provider claude`");
        }
        catch (JsonException)
        {
            return AuthStatus.Missing("the Claude credentials file is damaged; sign in again with `scc start --provider claude`");
        }
    }

    public AgentLaunchSpec BuildLaunchSpec(AgentLaunchContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        IReadOnlyList<string> argv = context.Resume ? [.. Spec.AgentArgv, "--continue"] : Spec.AgentArgv;
        return new AgentLaunchSpec(
            argv,
            new Dictionary<string, string> { ["CLAUDE_CONFIG_DIR"] = Spec.DataMountPath },
            context.WorkspacePath,
            [new VolumeMount(Spec.DataVolumeName, Spec.DataMountPath, ReadOnly: false)]);
    }

    public async Task<AuthBootstrapResult> BootstrapAuthAsync(IAuthBootstrapHost host, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (!host.IsInteractive)
        {
            return new AuthBootstrapResult(false, "Claude needs a sign-in, which needs a terminal: run `scc start --provider claude` interactively once.");
        }

        // Claude Code starts its sign-in flow itself when it has no credentials; the user exits once signed in.
        var exit = await host.RunInteractiveAsync(["claude", "/login"], cancellationToken).ConfigureAwait(false);
        return exit == 0
            ? new AuthBootstrapResult(true, "Signed in to Claude.")
            : new AuthBootstrapResult(false, $"The Claude sign-in exited with code {exit}; run `scc start --provider claude` to try again.");
    }
}
