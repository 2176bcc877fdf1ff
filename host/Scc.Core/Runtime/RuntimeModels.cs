namespace Scc.Core.Runtime;

/// <summary>What the engine says about itself. <see cref="ApiVersion"/> is the version the client is pinned to.</summary>
internal sealed record EngineInfo(
    string Endpoint,
    string Version,
    string ApiVersion,
    string MinApiVersion,
    string Os,
    string Arch);

/// <summary>The outcome of probing the engine: a value, because <c>scc doctor</c> reports it rather than failing.</summary>
internal sealed record EngineProbe(bool Reachable, EngineInfo? Info, RuntimeErrorKind? FailureKind, string? FailureMessage)
{
    public static EngineProbe Ok(EngineInfo info) => new(true, info, null, null);

    public static EngineProbe Failed(ContainerRuntimeException error) => new(false, null, error.Kind, error.Message) { FailureAction = error.Action };

    /// <summary>What to do about the failure (the typed error's action).</summary>
    public string? FailureAction { get; init; }
}

internal sealed record ImageInfo(string Id, IReadOnlyList<string> Tags, IReadOnlyDictionary<string, string> Labels, DateTimeOffset? Created, long Size);

/// <summary>
/// An image build from a folder on the host. The folder is sent as a tar stream; <paramref name="Dockerfile"/> is
/// relative to it.
/// </summary>
internal sealed record ImageBuildRequest(
    string ContextDirectory,
    IReadOnlyList<string> Tags,
    string Dockerfile = "Dockerfile",
    IReadOnlyDictionary<string, string>? BuildArgs = null,
    IReadOnlyDictionary<string, string>? Labels = null,
    bool NoCache = false);

internal enum ImageBuildEventKind
{
    /// <summary>A new build step started (<c>Step 3/7 : RUN …</c>).</summary>
    Step,

    /// <summary>Output of the current step.</summary>
    Output,

    /// <summary>The build failed; <see cref="ImageBuildEvent.Text"/> is the engine's error.</summary>
    Error,
}

/// <summary>One line of build progress. Step numbers are null when the engine did not report them.</summary>
internal sealed record ImageBuildEvent(ImageBuildEventKind Kind, string Text, int? Step, int? StepCount);

internal sealed record ImageBuildResult(string ImageId, IReadOnlyList<string> Tags);

internal enum MountKind
{
    Bind,

    Volume,

    Tmpfs,
}

/// <summary>A mount into a container. For a bind, <paramref name="Source"/> is a host path; for a volume, its name.</summary>
internal sealed record MountSpec(MountKind Kind, string Source, string Target, bool ReadOnly = false)
{
    /// <summary>
    /// For a named volume: the labels it gets when this mount creates it (the engine creates a missing named volume
    /// when the container is created); an existing volume keeps its own.
    /// </summary>
    public IReadOnlyDictionary<string, string>? VolumeLabels { get; init; }

    public static MountSpec Bind(string hostPath, string target, bool readOnly = false) => new(MountKind.Bind, hostPath, target, readOnly);

    public static MountSpec Volume(string name, string target, bool readOnly = false) => new(MountKind.Volume, name, target, readOnly);

    /// <summary>A named volume that the container's creation makes, labelled, when it is not there yet.</summary>
    public static MountSpec Volume(string name, string target, IReadOnlyDictionary<string, string> labels, bool readOnly = false) =>
        new(MountKind.Volume, name, target, readOnly) { VolumeLabels = labels };

    public static MountSpec Tmpfs(string target) => new(MountKind.Tmpfs, string.Empty, target);

    /// <summary>Equal mounts, the volume labels compared by content.</summary>
    public bool Equals(MountSpec? other) =>
        other is not null
        && (Kind, Source, Target, ReadOnly) == (other.Kind, other.Source, other.Target, other.ReadOnly)
        && (VolumeLabels is null
            ? other.VolumeLabels is null
            : other.VolumeLabels is not null && VolumeLabels.Count == other.VolumeLabels.Count
              && VolumeLabels.All(l => other.VolumeLabels.TryGetValue(l.Key, out var v) && v == l.Value));

    public override int GetHashCode() => HashCode.Combine(Kind, Source, Target, ReadOnly);
}

/// <summary>
/// Everything needed to create a container. <see cref="Networks"/>: the first is the one the container is created on,
/// the others are connected before it starts; empty means the engine's default bridge; the single entry
/// <see cref="ContainerSpec.NoNetwork"/> means no network at all.
/// </summary>
internal sealed record ContainerSpec(string Image, string Name)
{
    public const string NoNetwork = "none";

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary><c>uid</c>, <c>uid:gid</c> or a user name; null keeps the image's user.</summary>
    public string? User { get; init; }

    public string? WorkingDirectory { get; init; }

    /// <summary>Null keeps the image's command.</summary>
    public IReadOnlyList<string>? Command { get; init; }

    /// <summary>Null keeps the image's entrypoint; empty clears it.</summary>
    public IReadOnlyList<string>? Entrypoint { get; init; }

    public IReadOnlyList<MountSpec> Mounts { get; init; } = [];

    public IReadOnlyList<string> Networks { get; init; } = [];

    /// <summary>Extra names other containers on the same user network can use for this one.</summary>
    public IReadOnlyList<string> NetworkAliases { get; init; } = [];

    /// <summary>
    /// Upstream resolvers for the engine's DNS (on a user network the container still asks the engine's embedded
    /// resolver, which answers container names itself and forwards the rest here). Empty: the engine's default.
    /// </summary>
    public IReadOnlyList<string> Dns { get; init; } = [];

    /// <summary>Resolver options written to the container's resolv.conf (<c>timeout:1</c>, …).</summary>
    public IReadOnlyList<string> DnsOptions { get; init; } = [];

    public IReadOnlyList<string> CapDrop { get; init; } = [];

    public IReadOnlyList<string> CapAdd { get; init; } = [];

    public IReadOnlyList<string> SecurityOptions { get; init; } = [];

    public long? PidsLimit { get; init; }

    public long? MemoryBytes { get; init; }

    public bool ReadOnlyRootFilesystem { get; init; }

    /// <summary>Run a minimal init as PID 1 so zombies are reaped and signals are forwarded.</summary>
    public bool Init { get; init; }

    public bool Tty { get; init; }

    public bool OpenStdin { get; init; }

    public string? Hostname { get; init; }
}

internal sealed record ContainerInfo(
    string Id,
    string Name,
    string Image,
    string State,
    bool Running,
    long? ExitCode,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyList<string> Networks,
    DateTimeOffset Created)
{
    /// <summary>The container's IPv4 address on each network it is attached to (empty while stopped).</summary>
    public IReadOnlyDictionary<string, string> Addresses { get; init; } = new Dictionary<string, string>();

    public string? Label(string key) => Labels.TryGetValue(key, out var value) ? value : null;
}

internal sealed record ExecRequest(IReadOnlyList<string> Argv)
{
    public string? User { get; init; }

    public string? WorkingDirectory { get; init; }

    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Bytes written to the process's stdin, which is then closed; null attaches no stdin.</summary>
    public byte[]? StandardInput { get; init; }
}

internal sealed record ExecResult(long ExitCode, string StandardOutput, string StandardError);

internal sealed record VolumeInfo(string Name, IReadOnlyDictionary<string, string> Labels, string? CreatedAt);

internal sealed record NetworkSpec(string Name)
{
    /// <summary>An internal network has no route off the host: its containers reach only each other.</summary>
    public bool Internal { get; init; }

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    public string Driver { get; init; } = "bridge";

    /// <summary>The IPv4 subnet (CIDR) to give the network; null lets the engine pick one from its default pools.</summary>
    public string? Subnet { get; init; }

    /// <summary>Driver options (<c>docker network create -o</c>).</summary>
    public IReadOnlyDictionary<string, string> Options { get; init; } = new Dictionary<string, string>();
}

internal sealed record NetworkInfo(
    string Id,
    string Name,
    bool Internal,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyList<string> ContainerIds)
{
    /// <summary>The subnets of the network's IPAM config, as the engine reports them.</summary>
    public IReadOnlyList<string> Subnets { get; init; } = [];

    /// <summary>When the engine created it (null when it does not say).</summary>
    public DateTimeOffset? Created { get; init; }
}

/// <summary>
/// A file (or, with null <paramref name="Content"/>, a folder) to place in a container with its owner and mode:
/// settings files must belong to the agent user and be 0600, the safety policy to root and read-only.
/// <paramref name="RelativePath"/> is relative to the upload folder. Missing parent folders that are not listed are
/// created by the engine as root 0755, so list a folder the agent must own. A listed folder that exists already
/// takes the listed owner and mode.
/// </summary>
internal sealed record ContainerFile(string RelativePath, byte[]? Content, int Uid, int Gid, UnixFileMode Mode)
{
    public static ContainerFile Folder(string relativePath, int uid, int gid, UnixFileMode mode) => new(relativePath, null, uid, gid, mode);

    public bool IsFolder => Content is null;
}

/// <summary>
/// Selects objects by label: a null value matches any object carrying the key, otherwise key and value must match.
/// All entries must match.
/// </summary>
internal sealed record LabelSelector(IReadOnlyDictionary<string, string?> Labels)
{
    public static LabelSelector Has(string key) => new(new Dictionary<string, string?> { [key] = null });

    public static LabelSelector Of(params (string Key, string? Value)[] pairs) =>
        new(pairs.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal));

    public bool Matches(IReadOnlyDictionary<string, string>? labels) =>
        Labels.All(l => labels is not null && labels.TryGetValue(l.Key, out var v) && (l.Value is null || l.Value == v));

    /// <summary>The engine's filter syntax: <c>key</c> or <c>key=value</c>.</summary>
    public IEnumerable<string> ToFilters() => Labels.Select(l => l.Value is null ? l.Key : $"{l.Key}={l.Value}");
}
