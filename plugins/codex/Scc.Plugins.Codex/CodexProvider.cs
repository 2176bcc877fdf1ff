using System.Text.Json;
using Scc.Abstractions;

namespace Scc.Plugins.Codex;

internal sealed class CodexProvider : IAgentProvider
{
    internal const string Id = "codex";
    internal const string AuthFile = "auth.json";

    public ProviderRuntimeSpec Spec { get; } = new(
        ProviderId: Id,
        DisplayName: "Codex",
        ImageReference: "scc-agent-codex",
        ConfigDirectory: ".codex",
        SettingsPath: ".codex/config.toml",
        SettingsScope: SettingsScope.Workspace,
        DataVolumeName: "docker-codex-sandbox-data",
        DataMountPath: "/home/agent/.codex",
        RequiredEgressDestinations: ["api.openai.com", "auth.openai.com", "chatgpt.com"],
        ImageBuildContext: "image",
        AgentArgv: ["codex", "--dangerously-bypass-approvals-and-sandbox"],
        VersionArgv: ["codex", "--version"]);

    public ProviderCapabilities Capabilities { get; } = new(
        SupportsMcpServers: true,
        McpTransports: [McpTransport.Stdio, McpTransport.Http],
        SupportsPlugins: false,
        SupportsResume: true);

    public async Task<AuthStatus> CheckAuthAsync(IProviderDataReader data, CancellationToken cancellationToken)
    {
        if (!data.IsAvailable)
        {
            return AuthStatus.Unknown("no container runtime is reachable to read the docker-codex-sandbox-data volume");
        }

        var bytes = await data.ReadFileAsync(AuthFile, cancellationToken).ConfigureAwait(false);
        if (bytes is null || bytes.Length == 0)
        {
            return AuthStatus.Missing("no Codex credentials (auth.json) in docker-codex-sandbox-data; sign in with `scc start --provider codex` on a terminal");
        }

        try
        {
            using var doc = JsonDocument.Parse(bytes);
            var root = doc.RootElement;
            var hasKey = root.ValueKind == JsonValueKind.Object &&
                ((root.TryGetProperty("OPENAI_API_KEY", out var key) && key.ValueKind == JsonValueKind.String && key.GetString()!.Length > 0) ||
                 (root.TryGetProperty("tokens", out var tokens) && tokens.ValueKind == JsonValueKind.Object));
            return hasKey
                ? AuthStatus.Ready("Codex credentials present")
                : AuthStatus.Missing("auth.json holds no API key or sign-in tokens; sign in again with `scc start --provider codex`");
        }
        catch (JsonException)
        {
            return AuthStatus.Missing("auth.json is damaged; sign in again with `scc start --provider codex`");
        }
    }

    public AgentLaunchSpec BuildLaunchSpec(AgentLaunchContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        IReadOnlyList<string> argv = context.Resume ? [.. Spec.AgentArgv, "resume", "--last"] : Spec.AgentArgv;
        return new AgentLaunchSpec(
            argv,
            new Dictionary<string, string> { ["CODEX_HOME"] = Spec.DataMountPath },
            context.WorkspacePath,
            [new VolumeMount(Spec.DataVolumeName, Spec.DataMountPath, ReadOnly: false)]);
    }

    public async Task<AuthBootstrapResult> BootstrapAuthAsync(IAuthBootstrapHost host, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (!host.IsInteractive)
        {
            return new AuthBootstrapResult(false, "Codex needs a sign-in, which needs a terminal: run `scc start --provider codex` interactively once.");
        }

        // The browser callback of `codex login` cannot reach into the sandbox; the device flow can.
        var exit = await host.RunInteractiveAsync(["codex", "login", "--device-auth"], cancellationToken).ConfigureAwait(false);
        return exit == 0
            ? new AuthBootstrapResult(true, "Signed in to Codex.")
            : new AuthBootstrapResult(false, $"The Codex sign-in exited with code {exit}; run `scc start --provider codex` to try again.");
    }
}
