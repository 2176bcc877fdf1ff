namespace Scc.Abstractions;

/// <summary>Where a provider's settings file lives inside the container.</summary>
public enum SettingsScope
{
    /// <summary>Relative to the agent user's home directory (<c>/home/agent</c>).</summary>
    Home,

    /// <summary>Relative to the workspace mounted into the container.</summary>
    Workspace,
}

/// <summary>
/// Everything the host needs to know to build, start and configure one provider's sandbox. A plugin returns one
/// spec per provider; the host validates it (see the contract tests) before using it.
/// </summary>
/// <param name="ProviderId">Stable lower-case id (<c>[a-z][a-z0-9-]*</c>), the same as the plugin manifest's id.</param>
/// <param name="DisplayName">Name shown to people.</param>
/// <param name="ImageReference">The agent image, e.g. <c>scc-agent-example</c>; built from <paramref name="ImageBuildContext"/>.</param>
/// <param name="ConfigDirectory">The provider's configuration folder name, e.g. <c>.example</c>.</param>
/// <param name="SettingsPath">Path of the provider-native settings file, relative to <paramref name="SettingsScope"/>.</param>
/// <param name="SettingsScope">Whether <paramref name="SettingsPath"/> is relative to the home directory or the workspace.</param>
/// <param name="DataVolumeName">Docker volume that keeps the provider's credentials and state across sessions.</param>
/// <param name="DataMountPath">Absolute path inside the container where <paramref name="DataVolumeName"/> is mounted.</param>
/// <param name="RequiredEgressDestinations">Hosts the agent must reach to work at all (its API), in egress destination syntax.</param>
/// <param name="ImageBuildContext">Folder, relative to the plugin folder, holding the <c>Dockerfile</c> of the agent image.</param>
/// <param name="AgentArgv">The command that starts the agent inside the container.</param>
/// <param name="VersionArgv">A command that prints the agent's version without credentials; checked when the image is built.</param>
public sealed record ProviderRuntimeSpec(
    string ProviderId,
    string DisplayName,
    string ImageReference,
    string ConfigDirectory,
    string SettingsPath,
    SettingsScope SettingsScope,
    string DataVolumeName,
    string DataMountPath,
    IReadOnlyList<string> RequiredEgressDestinations,
    string ImageBuildContext,
    IReadOnlyList<string> AgentArgv,
    IReadOnlyList<string> VersionArgv);
