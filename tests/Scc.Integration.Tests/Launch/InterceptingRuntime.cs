using Scc.Core.Runtime;

namespace Scc.Integration.Tests.Launch;

/// <summary>One engine call as the decorator saw it: the member name and the object it is about.</summary>
internal sealed record EngineCall(string Member, string? Subject);

/// <summary>
/// A runtime decorator for tests on the real engine: every call goes to the real runtime, with hooks before and
/// after it (e.g. cancel the launch's token at one exact step), a log of the calls, and rewrites of what is created
/// (another image for the agent, another name for the provider data volume) so a test can break or isolate one
/// thing without touching the real images and volumes.
/// </summary>
internal sealed class InterceptingRuntime(IContainerRuntime inner) : IContainerRuntime
{
    private readonly Lock _gate = new();
    private readonly List<EngineCall> _calls = [];

    public IReadOnlyList<EngineCall> Calls
    {
        get
        {
            lock (_gate)
            {
                return [.. _calls];
            }
        }
    }

    /// <summary>Runs before the real call; may cancel the caller's token source or throw.</summary>
    public Func<EngineCall, Task>? Before { get; set; }

    /// <summary>Runs after the real call succeeded; may cancel and throw, as if the answer came too late.</summary>
    public Func<EngineCall, Task>? After { get; set; }

    /// <summary>Inspections it accepts answer "not there" (what a start saw before another start made the object).</summary>
    public Func<EngineCall, bool>? Hide { get; set; }

    /// <summary>Changes a container spec before it is created.</summary>
    public Func<ContainerSpec, ContainerSpec>? RewriteContainer { get; set; }

    /// <summary>Volume names the test replaces (the provider's data volume by a throw-away one).</summary>
    public Dictionary<string, string> VolumeAliases { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Cancels <paramref name="source"/> at the first call that <paramref name="match"/> accepts: before the call (the
    /// engine sees a cancelled request) or after it (the engine did the work; the caller learns of the cancellation
    /// first, the hardest case for a clean-up).
    /// </summary>
    public void CancelAt(CancellationTokenSource source, Func<EngineCall, bool> match, bool afterTheCall)
    {
        var fired = 0;
        Func<EngineCall, Task> hook = call =>
        {
            if (match(call) && Interlocked.Exchange(ref fired, 1) == 0)
            {
                source.Cancel();
                if (afterTheCall)
                {
                    throw new OperationCanceledException(source.Token);
                }
            }

            return Task.CompletedTask;
        };
        if (afterTheCall)
        {
            After = hook;
        }
        else
        {
            Before = hook;
        }
    }

    private bool Hidden(string member, string subject) => Hide?.Invoke(new EngineCall(member, subject)) == true;

    private string Volume(string name) => VolumeAliases.TryGetValue(name, out var alias) ? alias : name;

    private async Task<T> Run<T>(string member, string? subject, Func<Task<T>> call)
    {
        var entry = new EngineCall(member, subject);
        lock (_gate)
        {
            _calls.Add(entry);
        }

        if (Before is { } before)
        {
            await before(entry);
        }

        var result = await call();
        if (After is { } after)
        {
            await after(entry);
        }

        return result;
    }

    private Task Run(string member, string? subject, Func<Task> call) => Run(member, subject, async () =>
    {
        await call();
        return true;
    });

    public Task<EngineProbe> ProbeAsync(CancellationToken cancellationToken) => inner.ProbeAsync(cancellationToken);

    public Task<EngineInfo> GetInfoAsync(CancellationToken cancellationToken) => inner.GetInfoAsync(cancellationToken);

    public Task<ImageInfo?> InspectImageAsync(string reference, CancellationToken cancellationToken) =>
        Run(nameof(InspectImageAsync), reference, () => inner.InspectImageAsync(reference, cancellationToken));

    public Task<bool> ImageExistsAsync(string reference, CancellationToken cancellationToken) =>
        Run(nameof(ImageExistsAsync), reference, () => inner.ImageExistsAsync(reference, cancellationToken));

    public Task<IReadOnlyList<ImageInfo>> ListImagesAsync(LabelSelector? labels, string? reference, CancellationToken cancellationToken) =>
        Run(nameof(ListImagesAsync), reference, () => inner.ListImagesAsync(labels, reference, cancellationToken));

    public Task RemoveImageAsync(string reference, CancellationToken cancellationToken) =>
        Run(nameof(RemoveImageAsync), reference, () => inner.RemoveImageAsync(reference, cancellationToken));

    public Task<bool> RemoveImageIfUnusedAsync(string id, CancellationToken cancellationToken) =>
        Run(nameof(RemoveImageIfUnusedAsync), id, () => inner.RemoveImageIfUnusedAsync(id, cancellationToken));

    public Task<ImageBuildResult> BuildImageAsync(ImageBuildRequest request, IProgress<ImageBuildEvent>? progress, CancellationToken cancellationToken) =>
        Run(nameof(BuildImageAsync), request.Tags.FirstOrDefault(), () => inner.BuildImageAsync(request, progress, cancellationToken));

    public Task<string> CreateContainerAsync(ContainerSpec spec, CancellationToken cancellationToken)
    {
        spec = RewriteContainer?.Invoke(spec) ?? spec;
        spec = spec with
        {
            Mounts = [.. spec.Mounts.Select(m => m.Kind == MountKind.Volume ? m with { Source = Volume(m.Source) } : m)],
        };
        return Run(nameof(CreateContainerAsync), spec.Name, () => inner.CreateContainerAsync(spec, cancellationToken));
    }

    public Task StartContainerAsync(string idOrName, CancellationToken cancellationToken) =>
        Run(nameof(StartContainerAsync), idOrName, () => inner.StartContainerAsync(idOrName, cancellationToken));

    public Task StopContainerAsync(string idOrName, TimeSpan timeout, CancellationToken cancellationToken) =>
        Run(nameof(StopContainerAsync), idOrName, () => inner.StopContainerAsync(idOrName, timeout, cancellationToken));

    public Task RemoveContainerAsync(string idOrName, CancellationToken cancellationToken) =>
        Run(nameof(RemoveContainerAsync), idOrName, () => inner.RemoveContainerAsync(idOrName, cancellationToken));

    public Task<ContainerInfo?> InspectContainerAsync(string idOrName, CancellationToken cancellationToken) =>
        Run(nameof(InspectContainerAsync), idOrName, () => Hidden(nameof(InspectContainerAsync), idOrName) ? Task.FromResult<ContainerInfo?>(null) : inner.InspectContainerAsync(idOrName, cancellationToken));

    public Task<IReadOnlyList<ContainerInfo>> ListContainersAsync(LabelSelector labels, CancellationToken cancellationToken) =>
        Run(nameof(ListContainersAsync), null, () => inner.ListContainersAsync(labels, cancellationToken));

    public Task<long> WaitContainerAsync(string idOrName, CancellationToken cancellationToken) =>
        Run(nameof(WaitContainerAsync), idOrName, () => inner.WaitContainerAsync(idOrName, cancellationToken));

    public Task<ExecResult> ExecAsync(string idOrName, ExecRequest request, CancellationToken cancellationToken) =>
        Run(nameof(ExecAsync), idOrName, () => inner.ExecAsync(idOrName, request, cancellationToken));

    public Task<long> ExecStreamingAsync(string idOrName, ExecRequest request, Stream standardOutput, Stream standardError, CancellationToken cancellationToken) =>
        Run(nameof(ExecStreamingAsync), idOrName, () => inner.ExecStreamingAsync(idOrName, request, standardOutput, standardError, cancellationToken));

    public Task<string> EnsureVolumeAsync(string name, IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken) =>
        Run(nameof(EnsureVolumeAsync), name, () => inner.EnsureVolumeAsync(Volume(name), labels, cancellationToken));

    public Task<VolumeInfo?> InspectVolumeAsync(string name, CancellationToken cancellationToken) =>
        Run(nameof(InspectVolumeAsync), name, () => Hidden(nameof(InspectVolumeAsync), name) ? Task.FromResult<VolumeInfo?>(null) : inner.InspectVolumeAsync(Volume(name), cancellationToken));

    public Task RemoveVolumeAsync(string name, CancellationToken cancellationToken) =>
        Run(nameof(RemoveVolumeAsync), name, () => inner.RemoveVolumeAsync(Volume(name), cancellationToken));

    public Task<IReadOnlyList<VolumeInfo>> ListVolumesAsync(LabelSelector labels, CancellationToken cancellationToken) =>
        Run(nameof(ListVolumesAsync), null, () => inner.ListVolumesAsync(labels, cancellationToken));

    public Task<NetworkInfo> CreateNetworkAsync(NetworkSpec spec, CancellationToken cancellationToken) =>
        Run(nameof(CreateNetworkAsync), spec.Name, () => inner.CreateNetworkAsync(spec, cancellationToken));

    public Task ConnectAsync(string network, string container, IReadOnlyList<string> aliases, CancellationToken cancellationToken) =>
        Run(nameof(ConnectAsync), container, () => inner.ConnectAsync(network, container, aliases, cancellationToken));

    public Task DisconnectAsync(string network, string container, CancellationToken cancellationToken) =>
        Run(nameof(DisconnectAsync), container, () => inner.DisconnectAsync(network, container, cancellationToken));

    public Task RemoveNetworkAsync(string idOrName, CancellationToken cancellationToken) =>
        Run(nameof(RemoveNetworkAsync), idOrName, () => inner.RemoveNetworkAsync(idOrName, cancellationToken));

    public Task<NetworkInfo?> InspectNetworkAsync(string idOrName, CancellationToken cancellationToken) =>
        Run(nameof(InspectNetworkAsync), idOrName, () => Hidden(nameof(InspectNetworkAsync), idOrName) ? Task.FromResult<NetworkInfo?>(null) : inner.InspectNetworkAsync(idOrName, cancellationToken));

    public Task<IReadOnlyList<NetworkInfo>> ListNetworksAsync(LabelSelector labels, CancellationToken cancellationToken) =>
        Run(nameof(ListNetworksAsync), null, () => inner.ListNetworksAsync(labels, cancellationToken));

    public Task PutArchiveAsync(string idOrName, string containerDirectory, Stream tar, CancellationToken cancellationToken) =>
        Run(nameof(PutArchiveAsync), idOrName, () => inner.PutArchiveAsync(idOrName, containerDirectory, tar, cancellationToken));

    public Task WriteFilesAsync(string idOrName, string containerDirectory, IReadOnlyList<ContainerFile> files, CancellationToken cancellationToken) =>
        Run(nameof(WriteFilesAsync), idOrName, () => inner.WriteFilesAsync(idOrName, containerDirectory, files, cancellationToken));

    public Task<Stream?> OpenArchiveAsync(string idOrName, string containerPath, CancellationToken cancellationToken) =>
        Run(nameof(OpenArchiveAsync), idOrName, () => inner.OpenArchiveAsync(idOrName, containerPath, cancellationToken));

    public Task<byte[]?> ReadFileAsync(string idOrName, string containerPath, CancellationToken cancellationToken) =>
        Run(nameof(ReadFileAsync), idOrName, () => inner.ReadFileAsync(idOrName, containerPath, cancellationToken));
}
