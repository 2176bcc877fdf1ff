using Newtonsoft.Json.Linq;
using Scc.Abstractions;

namespace Scc.Samples.Gemini;

internal sealed class GeminiProvider : IAgentProvider
{
    internal const string Id = "gemini";

    public ProviderRuntimeSpec Spec { get; } = new(
        ProviderId: Id,
        DisplayName: "Gemini CLI",
        ImageReference: "scc-agent-gemini",
        ConfigDirectory: ".gemini",
        SettingsPath: ".gemini/settings.json",
        SettingsScope: SettingsScope.Home,
        DataVolumeName: "docker-gemini-sandbox-data",
        DataMountPath: "/home/agent/.gemini",
        RequiredEgressDestinations: ["generativelanguage.googleapis.com", "cloudcode-pa.googleapis.com", "oauth2.googleapis.com"],
        ImageBuildContext: "image",
        AgentArgv: ["gemini", "--yolo"],
        VersionArgv: ["gemini", "--version"]);

    public ProviderCapabilities Capabilities { get; } = new(
        SupportsMcpServers: true,
        McpTransports: [McpTransport.Stdio, McpTransport.Http, McpTransport.Sse],
        SupportsPlugins: false,
        SupportsResume: false);

    public async Task<AuthStatus> CheckAuthAsync(IProviderDataReader data, CancellationToken cancellationToken)
    {
        if (!data.IsAvailable)
        {
            return AuthStatus.Unknown("no container runtime is reachable to read the docker-gemini-sandbox-data volume");
        }

        var creds = await data.ReadFileAsync("oauth_creds.json", cancellationToken).ConfigureAwait(false);
        if (creds is null || creds.Length == 0)
        {
            return AuthStatus.Missing("no Gemini sign-in (oauth_creds.json) in docker-gemini-sandbox-data; run `scc start --provider gemini` on a terminal");
        }

        try
        {
            return JObject.Parse(System.Text.Encoding.UTF8.GetString(creds)).HasValues
                ? AuthStatus.Ready("Gemini sign-in present")
                : AuthStatus.Missing("oauth_creds.json is empty; sign in again");
        }
        catch (Newtonsoft.Json.JsonException)
        {
            return AuthStatus.Missing("oauth_creds.json is damaged; sign in again");
        }
    }

    public AgentLaunchSpec BuildLaunchSpec(AgentLaunchContext context) => new(
        Spec.AgentArgv,
        new Dictionary<string, string>(),
        context.WorkspacePath,
        [new VolumeMount(Spec.DataVolumeName, Spec.DataMountPath, ReadOnly: false)]);

    public async Task<AuthBootstrapResult> BootstrapAuthAsync(IAuthBootstrapHost host, CancellationToken cancellationToken)
    {
        if (!host.IsInteractive)
        {
            return new AuthBootstrapResult(false, "Gemini needs a sign-in, which needs a terminal: run `scc start --provider gemini` interactively once.");
        }

        var exit = await host.RunInteractiveAsync(["gemini"], cancellationToken).ConfigureAwait(false);
        return new AuthBootstrapResult(exit == 0, exit == 0 ? "Signed in to Gemini." : $"The Gemini sign-in exited with code {exit}.");
    }
}
