using System.Text;
using Scc.Abstractions;
using Scc.Core.Errors;
using Scc.Core.Runtime;

namespace Scc.Core.Launch;

/// <summary>
/// Writes what a session needs before the agent runs: the safety policy (root-owned, read-only, in the session's
/// policy volume that the agent's container mounts read-only at <c>/etc/scc</c>) and the provider settings (the
/// agent's, 0600). Whatever lives in a volume (the policy; settings inside the provider data volume) is written
/// through a short-lived container that is created, never started, and removed: that runs while the engine creates
/// and starts the agent's container, which then needs no archive upload of its own unless its uid is not the image's
/// (account, home) or the settings live elsewhere (the workspace). The agent's container only keeps itself up
/// (<see cref="SandboxPlanBuilder.KeepAlive"/>) and the agent runs later as an exec, so nothing of it runs before
/// the start has written all of this.
/// </summary>
internal sealed class SessionFiles(IContainerRuntime runtime)
{
    public const string PolicyFile = "safety-policy.json";
    private const string DataRoot = "scc-data";
    private const string PolicyRoot = "scc-policy";
    private const UnixFileMode ReadOnlyAll = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode PrivateFolder = Private | UnixFileMode.UserExecute;
    private const UnixFileMode SystemFolder = PrivateFolder | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    /// <summary>The settings file's path inside the provider data volume, or null when it lives elsewhere.</summary>
    public static string? SettingsInDataVolume(LaunchPlan plan)
    {
        if (plan.Settings.Scope != SettingsScope.Home)
        {
            return null;
        }

        var file = $"{plan.Sandbox.Home.TrimEnd('/')}/{plan.Settings.RelativePath}";
        var data = plan.Provider.DataMountPath.TrimEnd('/') + "/";
        return file.StartsWith(data, StringComparison.Ordinal) ? file[data.Length..] : null;
    }

    /// <summary>Whether the agent's container itself needs an upload before it starts.</summary>
    public static bool ContainerNeedsPreparing(LaunchPlan plan) =>
        plan.Sandbox.AgentUid != SandboxPreparer.ImageAgentUid || SettingsInDataVolume(plan) is null;

    /// <summary>The policy, and the settings when they live in the data volume, through a created-only container.</summary>
    /// <param name="plan">The session.</param>
    /// <param name="thenRead">
    /// Runs once the files are written, with a reader of the data volume through the same container (a detached start's
    /// sign-in check), before the container goes.
    /// </param>
    /// <param name="cancellationToken">Cancels the writes.</param>
    public async Task WriteVolumesAsync(LaunchPlan plan, Func<IProviderDataReader, Task>? thenRead, CancellationToken cancellationToken)
    {
        var (uid, gid) = (plan.Sandbox.AgentUid, plan.Sandbox.AgentGid);
        var files = new List<ContainerFile>
        {
            ContainerFile.Folder(PolicyRoot, 0, 0, SystemFolder),
            new($"{PolicyRoot}/{PolicyFile}", Encoding.UTF8.GetBytes(plan.SafetyPolicyJson), 0, 0, ReadOnlyAll),

            // The data volume is the agent's, whatever uid it has in this session.
            ContainerFile.Folder(DataRoot, uid, gid, PrivateFolder),
        };
        if (SettingsInDataVolume(plan) is { } settings)
        {
            var parts = settings.Split('/');
            for (var i = 1; i < parts.Length; i++)
            {
                files.Add(ContainerFile.Folder($"{DataRoot}/{string.Join('/', parts[..i])}", uid, gid, PrivateFolder));
            }

            files.Add(new ContainerFile($"{DataRoot}/{settings}", plan.Settings.Content, uid, gid, Private));
        }

        // The volumes are made by whichever container is created first, this one or the agent's, with the same
        // labels (the sandbox plan's mounts say which).
        var name = plan.Identity.FilesContainerName;
        var mounts = plan.Sandbox.Container.Mounts;
        await Wrap(plan, () => ScratchContainer.UseAsync(
            runtime,
            plan.Provider.ImageReference,
            name,
            plan.Identity.Labels(plan.SessionId, "files"),
            [VolumeAt(plan.Provider.DataVolumeName, "/" + DataRoot), VolumeAt(plan.Identity.PolicyVolumeName, "/" + PolicyRoot)],
            async () =>
            {
                // If another start of this workspace made the policy volume a moment ago (the two raced past the
                // lookups), it is that session's, and this start must not write its policy there.
                if (await runtime.InspectVolumeAsync(plan.Identity.PolicyVolumeName, cancellationToken).ConfigureAwait(false) is { } policy
                    && (!policy.Labels.TryGetValue(SessionLabels.Session, out var owner) || owner != plan.SessionId))
                {
                    throw new ContainerRuntimeException(
                        RuntimeErrorKind.NameConflict,
                        $"Another start of {plan.Provider.DisplayName} in {plan.Workspace} is under way (session {owner ?? "unknown"}).",
                        "Wait for it, then `scc start --resume` attaches to it, or `scc start --fresh` replaces it.",
                        ExitCodes.Tool);
                }

                await runtime.WriteFilesAsync(name, "/", files, cancellationToken).ConfigureAwait(false);
                if (thenRead is not null)
                {
                    await thenRead(new DataVolumeReader(runtime, name)).ConfigureAwait(false);
                }

                return true;
            },
            cancellationToken)).ConfigureAwait(false);

        MountSpec VolumeAt(string volume, string target) =>
            mounts.First(m => m.Kind == MountKind.Volume && m.Source == volume) with { Target = target, ReadOnly = false };
    }

    /// <summary>
    /// The agent's container, created and not started: the account and home for a uid other than the image's, the
    /// wrappers' audit folder, and the settings when they are not in the data volume (the workspace).
    /// </summary>
    public async Task PrepareContainerAsync(LaunchPlan plan, CancellationToken cancellationToken)
    {
        var (uid, gid) = (plan.Sandbox.AgentUid, plan.Sandbox.AgentGid);
        var files = new List<ContainerFile>
        {
            // The wrappers run as the agent and append their safety.check events here, whatever uid the agent has.
            ContainerFile.Folder(SessionService.SafetyEventsPath[..SessionService.SafetyEventsPath.LastIndexOf('/')], uid, gid, PrivateFolder),
        };
        if (SettingsInDataVolume(plan) is null)
        {
            var root = plan.Settings.Scope == SettingsScope.Home ? plan.Sandbox.Home : plan.Workspace;
            var parts = plan.Settings.RelativePath.Split('/');
            for (var i = 1; i < parts.Length; i++)
            {
                var folder = string.Join('/', parts[..i]);
                if (plan.Settings.Scope == SettingsScope.Workspace && Directory.Exists(Path.Combine(plan.Workspace, folder)))
                {
                    continue; // never change the owner or mode of a folder the user already has
                }

                files.Add(ContainerFile.Folder($"{root}/{folder}", uid, gid, PrivateFolder));
            }

            files.Add(new ContainerFile($"{root}/{plan.Settings.RelativePath}", plan.Settings.Content, uid, gid, Private));
        }

        await Wrap(plan, () => new SandboxPreparer(runtime).PrepareAsync(plan.Identity.ContainerName, plan.Sandbox, plan.Provider.DataMountPath, cancellationToken, files)).ConfigureAwait(false);
    }

    /// <summary>The data volume as the files container mounts it (read-write, but only read through this).</summary>
    private sealed class DataVolumeReader(IContainerRuntime runtime, string container) : IProviderDataReader
    {
        public bool IsAvailable => true;

        public Task<byte[]?> ReadFileAsync(string relativePath, CancellationToken cancellationToken) =>
            runtime.ReadFileAsync(container, VolumeDataReaderFactory.PathInVolume("/" + DataRoot, relativePath), cancellationToken);
    }

    private static async Task Wrap(LaunchPlan plan, Func<Task> write)
    {
        try
        {
            await write().ConfigureAwait(false);
        }
        catch (ContainerRuntimeException ex) when (ex.Kind != RuntimeErrorKind.NameConflict) // a racing start: its own message
        {
            throw new ToolException(
                $"Writing the {plan.Provider.DisplayName} settings or the safety policy into the sandbox failed: {ex.Message}",
                ex.Kind == RuntimeErrorKind.OutOfDisk
                    ? $"{ex.Action} The sandbox was removed.".TrimStart()
                    : $"The image {plan.Provider.ImageReference} or the data volume {plan.Provider.DataVolumeName} may be damaged or older than this scc: rebuild the image with `scc images build --provider {plan.Provider.ProviderId}` (and see `scc doctor`), then start again. The sandbox was removed.",
                ex);
        }
    }
}
