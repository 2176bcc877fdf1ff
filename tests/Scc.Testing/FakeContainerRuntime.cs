using System.Collections.Concurrent;
using System.Formats.Tar;
using Scc.Core.Runtime;

namespace Scc.Testing;

/// <summary>
/// An in-memory engine for unit tests of code that uses the runtime interfaces: containers, images, volumes,
/// networks and files behave like the real engine's (names unique, missing images refused, labels filter), exec
/// answers come from <see cref="ExecHandler"/>, builds from <see cref="BuildHandler"/>. <see cref="Calls"/> records
/// every operation in order so a test can assert what happened (and what was cleaned up).
/// </summary>
internal sealed class FakeContainerRuntime : IContainerRuntime
{
    private readonly object _gate = new();
    private int _nextId;

    public FakeContainerRuntime(params string[] images)
    {
        foreach (var image in images)
        {
            AddImage(image);
        }
    }

    public List<string> Calls { get; } = [];

    /// <summary>Null: the engine is up. Set to make every call (and the probe) fail with it, e.g. daemon not running.</summary>
    public ContainerRuntimeException? Failure { get; set; }

    public EngineInfo Info { get; set; } = new("/var/run/docker.sock", "20.10.24", "1.41", "1.12", "linux", "amd64");

    public Dictionary<string, ImageInfo> Images { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, FakeContainer> Containers { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, VolumeInfo> Volumes { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, NetworkInfo> Networks { get; } = new(StringComparer.Ordinal);

    /// <summary>Answers execs; the default runs nothing and exits 0.</summary>
    public Func<FakeContainer, ExecRequest, ExecResult> ExecHandler { get; set; } = (_, _) => new ExecResult(0, string.Empty, string.Empty);

    /// <summary>Runs inside every network create before the fake checks it, e.g. to let another process win a race.</summary>
    public Action<NetworkSpec>? BeforeCreateNetwork { get; set; }

    /// <summary>Answers builds: report progress, throw to fail. The default succeeds and adds the image.</summary>
    public Action<ImageBuildRequest, IProgress<ImageBuildEvent>?> BuildHandler { get; set; } = (_, _) => { };

    public void AddImage(string reference, IReadOnlyDictionary<string, string>? labels = null) =>
        Images[reference] = new ImageInfo($"sha256:{reference.GetHashCode():x8}", [reference], labels ?? new Dictionary<string, string>(), DateTimeOffset.UnixEpoch, 1);

    public Task<EngineProbe> ProbeAsync(CancellationToken cancellationToken) =>
        Task.FromResult(Failure is null ? EngineProbe.Ok(Info) : EngineProbe.Failed(Failure));

    public Task<EngineInfo> GetInfoAsync(CancellationToken cancellationToken) => Run("info", () => Info);

    public Task<ImageInfo?> InspectImageAsync(string reference, CancellationToken cancellationToken) =>
        Run($"inspect-image {reference}", () => Images.GetValueOrDefault(reference));

    public Task<bool> ImageExistsAsync(string reference, CancellationToken cancellationToken) =>
        Run($"image-exists {reference}", () => Images.ContainsKey(reference));

    public Task<IReadOnlyList<ImageInfo>> ListImagesAsync(LabelSelector? labels, string? reference, CancellationToken cancellationToken) =>
        Run<IReadOnlyList<ImageInfo>>("list-images", () => Images
            .Where(i => (labels is null || labels.Matches(i.Value.Labels)) && (reference is null || i.Key == reference))
            .Select(i => i.Value)
            .ToList());

    public Task RemoveImageAsync(string reference, CancellationToken cancellationToken) =>
        Run($"remove-image {reference}", () => Images.Remove(reference));

    public Task<bool> RemoveImageIfUnusedAsync(string id, CancellationToken cancellationToken) =>
        Run($"remove-unused-image {id}", () =>
        {
            var tagged = Images.Where(i => i.Value.Id == id).Select(i => i.Key).ToList();
            if (tagged.Count > 0 || Containers.Values.Any(c => c.Spec.Image == id))
            {
                return false;
            }

            return true;
        });

    public Task<ImageBuildResult> BuildImageAsync(ImageBuildRequest request, IProgress<ImageBuildEvent>? progress, CancellationToken cancellationToken) =>
        Run($"build {string.Join(',', request.Tags)}", () =>
        {
            BuildHandler(request, progress);
            foreach (var tag in request.Tags)
            {
                AddImage(tag, request.Labels);
            }

            return new ImageBuildResult(Images[request.Tags[0]].Id, request.Tags);
        });

    public Task<string> CreateContainerAsync(ContainerSpec spec, CancellationToken cancellationToken) =>
        Run($"create {spec.Name}", () =>
        {
            if (!Images.ContainsKey(spec.Image))
            {
                throw ContainerRuntimeException.ImageMissing(spec.Image);
            }

            if (Containers.ContainsKey(spec.Name))
            {
                throw ContainerRuntimeException.NameConflict("container", spec.Name);
            }

            foreach (var network in spec.Networks.Where(n => n != ContainerSpec.NoNetwork && !Networks.ContainsKey(n)))
            {
                throw ContainerRuntimeException.NetworkNotFound(network);
            }

            // Like the engine: a named volume that is not there is made by the creation, with the mount's labels.
            foreach (var mount in spec.Mounts.Where(m => m.Kind == MountKind.Volume))
            {
                Volumes.TryAdd(mount.Source, new VolumeInfo(mount.Source, mount.VolumeLabels ?? new Dictionary<string, string>(), null));
            }

            var id = $"c{Interlocked.Increment(ref _nextId):D4}";
            Containers[spec.Name] = new FakeContainer(id, spec);
            return id;
        });

    public Task StartContainerAsync(string idOrName, CancellationToken cancellationToken) =>
        Run($"start {idOrName}", () => Find(idOrName).Running = true);

    public Task StopContainerAsync(string idOrName, TimeSpan timeout, CancellationToken cancellationToken) =>
        Run($"stop {idOrName}", () =>
        {
            if (TryFind(idOrName) is { } c)
            {
                c.Running = false;
            }
        });

    public Task RemoveContainerAsync(string idOrName, CancellationToken cancellationToken) =>
        Run($"remove {idOrName}", () =>
        {
            if (TryFind(idOrName) is { } c)
            {
                Containers.Remove(c.Spec.Name);
            }
        });

    public Task<ContainerInfo?> InspectContainerAsync(string idOrName, CancellationToken cancellationToken) =>
        Run($"inspect {idOrName}", () => TryFind(idOrName)?.ToInfo());

    public Task<IReadOnlyList<ContainerInfo>> ListContainersAsync(LabelSelector labels, CancellationToken cancellationToken) =>
        Run<IReadOnlyList<ContainerInfo>>("list-containers", () => Containers.Values
            .Where(c => labels.Matches(c.Spec.Labels))
            .Select(c => c.ToInfo())
            .OrderBy(c => c.Name, StringComparer.Ordinal)
            .ToList());

    public Task<long> WaitContainerAsync(string idOrName, CancellationToken cancellationToken) =>
        Run($"wait {idOrName}", () =>
        {
            Find(idOrName).Running = false;
            return 0L;
        });

    public Task<ExecResult> ExecAsync(string idOrName, ExecRequest request, CancellationToken cancellationToken) =>
        Run($"exec {idOrName} {string.Join(' ', request.Argv)}", () =>
        {
            var c = Find(idOrName);
            c.Execs.Add(request);
            return ExecHandler(c, request);
        });

    public async Task<long> ExecStreamingAsync(string idOrName, ExecRequest request, Stream standardOutput, Stream standardError, CancellationToken cancellationToken)
    {
        var result = await ExecAsync(idOrName, request, cancellationToken).ConfigureAwait(false);
        await standardOutput.WriteAsync(System.Text.Encoding.UTF8.GetBytes(result.StandardOutput), cancellationToken).ConfigureAwait(false);
        await standardError.WriteAsync(System.Text.Encoding.UTF8.GetBytes(result.StandardError), cancellationToken).ConfigureAwait(false);
        return result.ExitCode;
    }

    public Task<string> EnsureVolumeAsync(string name, IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken) =>
        Run($"ensure-volume {name}", () =>
        {
            Volumes.TryAdd(name, new VolumeInfo(name, labels, null));
            return name;
        });

    public Task<VolumeInfo?> InspectVolumeAsync(string name, CancellationToken cancellationToken) =>
        Run($"inspect-volume {name}", () => Volumes.GetValueOrDefault(name));

    public Task RemoveVolumeAsync(string name, CancellationToken cancellationToken) =>
        Run($"remove-volume {name}", () => Volumes.Remove(name));

    public Task<IReadOnlyList<VolumeInfo>> ListVolumesAsync(LabelSelector labels, CancellationToken cancellationToken) =>
        Run<IReadOnlyList<VolumeInfo>>("list-volumes", () => Volumes.Values.Where(v => labels.Matches(v.Labels)).ToList());

    public Task<NetworkInfo> CreateNetworkAsync(NetworkSpec spec, CancellationToken cancellationToken) =>
        Run($"create-network {spec.Name}", () =>
        {
            BeforeCreateNetwork?.Invoke(spec);
            if (Networks.ContainsKey(spec.Name))
            {
                throw ContainerRuntimeException.NameConflict("network", spec.Name);
            }

            if (spec.Subnet is { } subnet && Networks.Values.Any(n => n.Subnets.Any(s => Overlaps(s, subnet))))
            {
                throw ContainerRuntimeException.SubnetConflict(spec.Name, "Pool overlaps with other one on this address space");
            }

            var network = new NetworkInfo($"n{Interlocked.Increment(ref _nextId):D4}", spec.Name, spec.Internal, spec.Labels, [])
            {
                Subnets = spec.Subnet is null ? [] : [spec.Subnet],
            };
            Networks[spec.Name] = network;
            return network;
        });

    public Task ConnectAsync(string network, string container, IReadOnlyList<string> aliases, CancellationToken cancellationToken) =>
        Run($"connect {network} {container}", () =>
        {
            if (!Networks.ContainsKey(network))
            {
                throw ContainerRuntimeException.NetworkNotFound(network);
            }

            Find(container).ExtraNetworks.Add(network);
        });

    public Task DisconnectAsync(string network, string container, CancellationToken cancellationToken) =>
        Run($"disconnect {network} {container}", () => Find(container).ExtraNetworks.Remove(network));

    public Task RemoveNetworkAsync(string idOrName, CancellationToken cancellationToken) =>
        Run($"remove-network {idOrName}", () =>
        {
            var key = Networks.FirstOrDefault(n => n.Key == idOrName || n.Value.Id == idOrName).Key;
            if (key is not null)
            {
                Networks.Remove(key);
            }
        });

    public Task<NetworkInfo?> InspectNetworkAsync(string idOrName, CancellationToken cancellationToken) =>
        Run($"inspect-network {idOrName}", () => Networks.Values.FirstOrDefault(n => n.Name == idOrName || n.Id == idOrName));

    /// <summary>When set, only networks it accepts are listed (a network being created elsewhere, not listed yet).</summary>
    public Func<NetworkInfo, bool>? Listed { get; set; }

    public Task<IReadOnlyList<NetworkInfo>> ListNetworksAsync(LabelSelector labels, CancellationToken cancellationToken) =>
        Run<IReadOnlyList<NetworkInfo>>("list-networks", () => Networks.Values.Where(n => labels.Matches(n.Labels) && (Listed?.Invoke(n) ?? true)).ToList());

    public async Task PutArchiveAsync(string idOrName, string containerDirectory, Stream tar, CancellationToken cancellationToken)
    {
        var entries = new List<ContainerFile>();
        using (var reader = new TarReader(tar, leaveOpen: true))
        {
            while (await reader.GetNextEntryAsync(copyData: true, cancellationToken).ConfigureAwait(false) is { } entry)
            {
                byte[]? content = null;
                if (entry.DataStream is { } data)
                {
                    using var buffer = new MemoryStream();
                    await data.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
                    content = buffer.ToArray();
                }
                else if (entry.EntryType != TarEntryType.Directory)
                {
                    content = [];
                }

                entries.Add(new ContainerFile(entry.Name.TrimEnd('/'), content, entry.Uid, entry.Gid, entry.Mode));
            }
        }

        await Run($"put-archive {idOrName} {containerDirectory}", () =>
        {
            var c = Find(idOrName);
            foreach (var e in entries)
            {
                c.Files[Join(containerDirectory, e.RelativePath)] = e;
            }
        }).ConfigureAwait(false);
    }

    public async Task WriteFilesAsync(string idOrName, string containerDirectory, IReadOnlyList<ContainerFile> files, CancellationToken cancellationToken)
    {
        using var tar = TarArchives.FromFiles(files);
        await PutArchiveAsync(idOrName, containerDirectory, tar, cancellationToken).ConfigureAwait(false);
    }

    public Task<Stream?> OpenArchiveAsync(string idOrName, string containerPath, CancellationToken cancellationToken) =>
        Run<Stream?>($"open-archive {idOrName} {containerPath}", () =>
        {
            var c = Find(idOrName);
            var prefix = containerPath.TrimEnd('/');
            var matches = c.Files.Where(f => f.Key == prefix || f.Key.StartsWith(prefix + "/", StringComparison.Ordinal)).OrderBy(f => f.Key, StringComparer.Ordinal).ToList();
            if (matches.Count == 0)
            {
                return null;
            }

            // Like the engine: entries are named from the last segment of the requested path.
            var parent = Path.GetDirectoryName(prefix) ?? "/";
            var files = matches.Select(f => f.Value with { RelativePath = Path.GetRelativePath(parent, f.Key) }).ToList();
            return TarArchives.FromFiles(files);
        });

    public Task<byte[]?> ReadFileAsync(string idOrName, string containerPath, CancellationToken cancellationToken) =>
        Run($"read {idOrName} {containerPath}", () => Find(idOrName).Files.TryGetValue(containerPath, out var f) ? f.Content : null);

    private static string Join(string folder, string relative) => "/" + Path.Join(folder, relative).Trim('/');

    private static bool Overlaps(string a, string b)
    {
        var x = System.Net.IPNetwork.Parse(a);
        var y = System.Net.IPNetwork.Parse(b);
        return x.Contains(y.BaseAddress) || y.Contains(x.BaseAddress);
    }

    private FakeContainer Find(string idOrName) => TryFind(idOrName) ?? throw ContainerRuntimeException.ContainerNotFound(idOrName);

    private FakeContainer? TryFind(string idOrName) =>
        Containers.TryGetValue(idOrName, out var byName) ? byName : Containers.Values.FirstOrDefault(c => c.Id == idOrName);

    private Task Run(string call, Action action) => Run(call, () =>
    {
        action();
        return true;
    });

    private Task<T> Run<T>(string call, Func<T> action)
    {
        lock (_gate)
        {
            Calls.Add(call);
            if (Failure is not null)
            {
                return Task.FromException<T>(Failure);
            }

            try
            {
                return Task.FromResult(action());
            }
            catch (Exception e)
            {
                return Task.FromException<T>(e);
            }
        }
    }
}

/// <summary>A container of <see cref="FakeContainerRuntime"/>: its spec, state, execs and the files placed in it.</summary>
internal sealed class FakeContainer(string id, ContainerSpec spec)
{
    public string Id { get; } = id;

    public ContainerSpec Spec { get; } = spec;

    public bool Running { get; set; }

    /// <summary>Not running: "created" (never started, the default) or "exited".</summary>
    public string StoppedState { get; set; } = "created";

    public DateTimeOffset Created { get; set; } = DateTimeOffset.UnixEpoch;

    public List<string> ExtraNetworks { get; } = [];

    public List<ExecRequest> Execs { get; } = [];

    /// <summary>Absolute path → what was written there (folders have null content).</summary>
    public ConcurrentDictionary<string, ContainerFile> Files { get; } = new(StringComparer.Ordinal);

    public ContainerInfo ToInfo() => new(
        Id,
        Spec.Name,
        Spec.Image,
        Running ? "running" : StoppedState,
        Running,
        Running ? null : 0,
        Spec.Labels,
        [.. Spec.Networks.Concat(ExtraNetworks)],
        Created);
}
