using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Scc.Abstractions;

namespace Scc.TestPlugins.QuickAgent;

/// <summary>
/// A provider for tests of the attached start: always signed in, no egress, and an agent that says whether it has a
/// terminal, waits a moment (so the test can look at the process tree) and exits 7. The image and the data volume
/// come from SCC_TEST_QUICK_IMAGE and SCC_TEST_QUICK_VOLUME, so a test uses its own throw-away ones.
/// </summary>
public sealed class QuickAgentPlugin : ISccPlugin
{
    public void ConfigureServices(IServiceCollection services)
    {
        services.AddSingleton<IAgentProvider, QuickAgentProvider>();
        services.AddSingleton<IAgentRunner, QuickAgentRunner>();
    }
}

internal sealed class QuickAgentProvider : IAgentProvider
{
    public const string Id = "quick";

    public ProviderRuntimeSpec Spec { get; } = new(
        ProviderId: Id,
        DisplayName: "Quick test agent",
        ImageReference: Environment.GetEnvironmentVariable("SCC_TEST_QUICK_IMAGE") ?? "scc-test-quick",
        ConfigDirectory: ".quick",
        SettingsPath: ".quick/settings.json",
        SettingsScope: SettingsScope.Home,
        DataVolumeName: Environment.GetEnvironmentVariable("SCC_TEST_QUICK_VOLUME") ?? "scc-test-quick-data",
        DataMountPath: "/home/agent/.quick-data",
        RequiredEgressDestinations: [],
        ImageBuildContext: "image",
        AgentArgv: ["sh", "-c", "if [ -t 0 ] && [ -t 1 ]; then echo quick-agent-on-a-tty; fi; echo \"quick-agent-session=$SCC_SESSION\"; sleep 5; exit 7"],
        VersionArgv: ["true"]);

    public ProviderCapabilities Capabilities { get; } = new(false, [], false, false);

    public Task<AuthStatus> CheckAuthAsync(IProviderDataReader data, CancellationToken cancellationToken) =>
        Task.FromResult(AuthStatus.Ready("the quick test agent needs no sign-in"));

    public AgentLaunchSpec BuildLaunchSpec(AgentLaunchContext context) =>
        new(Spec.AgentArgv, new Dictionary<string, string>(), context.WorkspacePath, [new VolumeMount(Spec.DataVolumeName, Spec.DataMountPath, ReadOnly: false)]);

    public Task<AuthBootstrapResult> BootstrapAuthAsync(IAuthBootstrapHost host, CancellationToken cancellationToken) =>
        Task.FromResult(new AuthBootstrapResult(true, "nothing to sign in to"));
}

internal sealed class QuickAgentRunner : IAgentRunner
{
    public string ProviderId => QuickAgentProvider.Id;

    public RenderedSettings Render(SettingsFragment fragment) => new(".quick/settings.json", SettingsScope.Home, Encoding.UTF8.GetBytes("{}\n"), "json");
}
