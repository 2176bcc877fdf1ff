namespace Scc.Core.Runtime;

// Small interfaces, one capability each, so a command or a service asks only for what it uses and a test fake stays
// small. Every member throws ContainerRuntimeException for an engine failure (never the client library's types).

/// <summary>Reachability and version of the engine.</summary>
internal interface IEngineInfoProvider
{
    /// <summary>Never throws for an unreachable engine: <c>scc doctor</c> reports that as a value.</summary>
    Task<EngineProbe> ProbeAsync(CancellationToken cancellationToken);

    /// <summary>Throws <see cref="ContainerRuntimeException"/> (daemon not running, …) when the engine does not answer.</summary>
    Task<EngineInfo> GetInfoAsync(CancellationToken cancellationToken);
}

internal interface IImageStore
{
    /// <summary>Null when no image has that reference.</summary>
    Task<ImageInfo?> InspectImageAsync(string reference, CancellationToken cancellationToken);

    Task<bool> ImageExistsAsync(string reference, CancellationToken cancellationToken);

    Task<IReadOnlyList<ImageInfo>> ListImagesAsync(LabelSelector? labels, string? reference, CancellationToken cancellationToken);

    Task RemoveImageAsync(string reference, CancellationToken cancellationToken);

    /// <summary>
    /// Removes an image by id unless something still needs it (a container, a child image, a tag): then the engine
    /// refuses and this returns false. True when it was removed (or was gone already).
    /// </summary>
    Task<bool> RemoveImageIfUnusedAsync(string id, CancellationToken cancellationToken);
}

internal interface IImageBuilder
{
    /// <summary>
    /// Builds from a folder. Progress gets every step and output line. A failed build throws
    /// <see cref="ImageBuildFailedException"/>, which names the failing step.
    /// </summary>
    Task<ImageBuildResult> BuildImageAsync(ImageBuildRequest request, IProgress<ImageBuildEvent>? progress, CancellationToken cancellationToken);
}

internal interface IContainerLifecycle
{
    /// <summary>Creates (does not start) the container and connects its extra networks. Returns the container id.</summary>
    Task<string> CreateContainerAsync(ContainerSpec spec, CancellationToken cancellationToken);

    Task StartContainerAsync(string idOrName, CancellationToken cancellationToken);

    /// <summary>A container that is already stopped is not an error.</summary>
    Task StopContainerAsync(string idOrName, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>Removes the container (forced, anonymous volumes too). A container that does not exist is not an error.</summary>
    Task RemoveContainerAsync(string idOrName, CancellationToken cancellationToken);

    /// <summary>Null when no container has that id or name.</summary>
    Task<ContainerInfo?> InspectContainerAsync(string idOrName, CancellationToken cancellationToken);

    /// <summary>Running and stopped containers carrying the labels.</summary>
    Task<IReadOnlyList<ContainerInfo>> ListContainersAsync(LabelSelector labels, CancellationToken cancellationToken);

    /// <summary>Waits until the container stops and returns its exit code.</summary>
    Task<long> WaitContainerAsync(string idOrName, CancellationToken cancellationToken);
}

internal interface IContainerExec
{
    /// <summary>Runs argv in a running container and collects its output. A non-zero exit is a value, not an error.</summary>
    Task<ExecResult> ExecAsync(string idOrName, ExecRequest request, CancellationToken cancellationToken);

    /// <summary>Runs argv and copies its output to the given streams as it comes. Returns the exit code.</summary>
    Task<long> ExecStreamingAsync(string idOrName, ExecRequest request, Stream standardOutput, Stream standardError, CancellationToken cancellationToken);
}

internal interface IVolumeStore
{
    /// <summary>Creates the volume when missing (labels apply only on creation). Returns its name.</summary>
    Task<string> EnsureVolumeAsync(string name, IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken);

    /// <summary>Null when no volume has that name (asking never creates it, unlike mounting it).</summary>
    Task<VolumeInfo?> InspectVolumeAsync(string name, CancellationToken cancellationToken);

    /// <summary>A volume that does not exist is not an error.</summary>
    Task RemoveVolumeAsync(string name, CancellationToken cancellationToken);

    Task<IReadOnlyList<VolumeInfo>> ListVolumesAsync(LabelSelector labels, CancellationToken cancellationToken);
}

internal interface INetworkStore
{
    /// <summary>Creates a network; a network of the same name is a name conflict (the engine alone would allow duplicates).</summary>
    Task<NetworkInfo> CreateNetworkAsync(NetworkSpec spec, CancellationToken cancellationToken);

    Task ConnectAsync(string network, string container, IReadOnlyList<string> aliases, CancellationToken cancellationToken);

    Task DisconnectAsync(string network, string container, CancellationToken cancellationToken);

    /// <summary>A network that does not exist is not an error.</summary>
    Task RemoveNetworkAsync(string idOrName, CancellationToken cancellationToken);

    /// <summary>Null when no network has that id or exact name.</summary>
    Task<NetworkInfo?> InspectNetworkAsync(string idOrName, CancellationToken cancellationToken);

    Task<IReadOnlyList<NetworkInfo>> ListNetworksAsync(LabelSelector labels, CancellationToken cancellationToken);
}

internal interface IContainerFiles
{
    /// <summary>Extracts a tar stream into a folder of the container (the folder must exist). Owner and mode come from the tar.</summary>
    Task PutArchiveAsync(string idOrName, string containerDirectory, Stream tar, CancellationToken cancellationToken);

    /// <summary>Writes files with their owner and mode below a folder of the container (works on a stopped container too).</summary>
    Task WriteFilesAsync(string idOrName, string containerDirectory, IReadOnlyList<ContainerFile> files, CancellationToken cancellationToken);

    /// <summary>A tar stream of a path of the container (a folder comes with everything below it); null when it does not exist.</summary>
    Task<Stream?> OpenArchiveAsync(string idOrName, string containerPath, CancellationToken cancellationToken);

    /// <summary>Reads one regular file; null when the path does not exist.</summary>
    Task<byte[]?> ReadFileAsync(string idOrName, string containerPath, CancellationToken cancellationToken);
}

/// <summary>The whole runtime, for the composition root and the adapters; services take the small interfaces.</summary>
internal interface IContainerRuntime
    : IEngineInfoProvider, IImageStore, IImageBuilder, IContainerLifecycle, IContainerExec, IVolumeStore, INetworkStore, IContainerFiles;
