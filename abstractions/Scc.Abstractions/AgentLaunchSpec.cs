namespace Scc.Abstractions;

/// <summary>Facts about one launch that the host has decided before asking the provider for its launch spec.</summary>
/// <param name="WorkspacePath">Absolute path of the workspace inside the container.</param>
/// <param name="HomePath">Absolute path of the agent user's home directory inside the container.</param>
/// <param name="Resume">Whether the user asked to resume the previous conversation.</param>
public sealed record AgentLaunchContext(string WorkspacePath, string HomePath, bool Resume);

/// <summary>How a provider wants its agent started.</summary>
/// <param name="Argv">The agent command (first element is the program).</param>
/// <param name="Environment">Environment variables the agent needs (never secrets read from the host).</param>
/// <param name="WorkingDirectory">Absolute working directory inside the container.</param>
/// <param name="Mounts">Volumes the provider needs besides the workspace (usually its data volume).</param>
public sealed record AgentLaunchSpec(
    IReadOnlyList<string> Argv,
    IReadOnlyDictionary<string, string> Environment,
    string WorkingDirectory,
    IReadOnlyList<VolumeMount> Mounts);

/// <summary>A named Docker volume mounted into the agent container.</summary>
/// <param name="VolumeName">The volume's name.</param>
/// <param name="ContainerPath">Absolute mount point inside the container.</param>
/// <param name="ReadOnly">Whether the mount is read-only.</param>
public sealed record VolumeMount(string VolumeName, string ContainerPath, bool ReadOnly);
