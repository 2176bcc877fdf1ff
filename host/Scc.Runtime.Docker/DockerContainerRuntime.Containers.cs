using Docker.DotNet;
using Docker.DotNet.Models;
using Scc.Core.Runtime;
using ContainerSpec = Scc.Core.Runtime.ContainerSpec;

namespace Scc.Runtime.Docker;

internal sealed partial class DockerContainerRuntime
{
    public async Task<string> CreateContainerAsync(ContainerSpec spec, CancellationToken cancellationToken)
    {
        var parameters = ToCreateParameters(spec);
        var response = await CallAsync(
            "create a container",
            spec.Name,
            async c =>
            {
                try
                {
                    return await c.Containers.CreateContainerAsync(parameters, cancellationToken).ConfigureAwait(false);
                }
                catch (DockerApiException e) when (IsNotFound(e))
                {
                    // Create answers 404 only for a missing image; a missing network comes back as a 404 too.
                    var message = DockerErrors.EngineMessage(e);
                    throw message.Contains("network", StringComparison.OrdinalIgnoreCase)
                        ? ContainerRuntimeException.NetworkNotFound(message, e)
                        : ContainerRuntimeException.ImageMissing(spec.Image, e);
                }
                catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.Conflict)
                {
                    throw ContainerRuntimeException.NameConflict("container", spec.Name, e);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    // Ctrl-C may land after the engine made the container: leave nothing half-made behind.
                    await RemoveIfOursAsync(spec).ConfigureAwait(false);
                    throw;
                }
            },
            cancellationToken).ConfigureAwait(false);

        try
        {
            // API 1.41 attaches only one network at create time; the others join before start.
            foreach (var network in spec.Networks.Skip(1))
            {
                await ConnectAsync(network, response.ID, spec.NetworkAliases, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            // Leave nothing half-made behind.
            await RemoveContainerAsync(response.ID, CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        return response.ID;
    }

    public Task StartContainerAsync(string idOrName, CancellationToken cancellationToken) =>
        CallAsync("start the container", idOrName, c => c.Containers.StartContainerAsync(idOrName, new ContainerStartParameters(), cancellationToken), cancellationToken);

    public Task StopContainerAsync(string idOrName, TimeSpan timeout, CancellationToken cancellationToken) =>
        CallAsync(
            "stop the container",
            idOrName,
            async c =>
            {
                try
                {
                    // False means "already stopped", which is what the caller wants.
                    await c.Containers.StopContainerAsync(
                        idOrName,
                        new ContainerStopParameters { WaitBeforeKillSeconds = (uint)Math.Max(0, timeout.TotalSeconds) },
                        cancellationToken).ConfigureAwait(false);
                }
                catch (DockerContainerNotFoundException)
                {
                    // Gone already.
                }
            },
            cancellationToken);

    public Task RemoveContainerAsync(string idOrName, CancellationToken cancellationToken) =>
        CallAsync(
            "remove the container",
            idOrName,
            async c =>
            {
                try
                {
                    await c.Containers.RemoveContainerAsync(idOrName, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, cancellationToken)
                        .ConfigureAwait(false);
                }
                catch (DockerApiException e) when (IsNotFound(e))
                {
                    // Gone already.
                }
                catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.Conflict
                    && DockerErrors.EngineMessage(e).Contains("already in progress", StringComparison.OrdinalIgnoreCase))
                {
                    // Another remover got there first.
                }
            },
            cancellationToken);

    public Task<ContainerInfo?> InspectContainerAsync(string idOrName, CancellationToken cancellationToken) =>
        CallAsync<ContainerInfo?>(
            "inspect the container",
            idOrName,
            async c =>
            {
                try
                {
                    var r = await c.Containers.InspectContainerAsync(idOrName, cancellationToken).ConfigureAwait(false);
                    return new ContainerInfo(
                        r.ID,
                        r.Name.TrimStart('/'),
                        r.Config?.Image ?? r.Image,
                        r.State?.Status ?? "unknown",
                        r.State?.Running ?? false,
                        r.State is { Running: false } s ? s.ExitCode : null,
                        Labels(r.Config?.Labels),
                        r.NetworkSettings?.Networks?.Keys.Order(StringComparer.Ordinal).ToList() ?? [],
                        new DateTimeOffset(DateTime.SpecifyKind(r.Created, DateTimeKind.Utc)))
                    {
                        Addresses = Addresses(r.NetworkSettings?.Networks),
                    };
                }
                catch (DockerApiException e) when (IsNotFound(e))
                {
                    return null;
                }
            },
            cancellationToken);

    public Task<IReadOnlyList<ContainerInfo>> ListContainersAsync(LabelSelector labels, CancellationToken cancellationToken) =>
        CallAsync<IReadOnlyList<ContainerInfo>>(
            "list containers",
            null,
            async c =>
            {
                var list = await c.Containers.ListContainersAsync(
                    new ContainersListParameters { All = true, Filters = LabelFilters(labels) },
                    cancellationToken).ConfigureAwait(false);
                return list
                    .Select(r => new ContainerInfo(
                        r.ID,
                        r.Names?.FirstOrDefault()?.TrimStart('/') ?? r.ID,
                        r.Image,
                        r.State ?? "unknown",
                        string.Equals(r.State, "running", StringComparison.Ordinal),
                        null,
                        Labels(r.Labels),
                        r.NetworkSettings?.Networks?.Keys.Order(StringComparer.Ordinal).ToList() ?? [],
                        new DateTimeOffset(DateTime.SpecifyKind(r.Created, DateTimeKind.Utc)))
                    {
                        Addresses = Addresses(r.NetworkSettings?.Networks),
                    })
                    .OrderBy(i => i.Name, StringComparer.Ordinal)
                    .ToList();
            },
            cancellationToken);

    public Task<long> WaitContainerAsync(string idOrName, CancellationToken cancellationToken) =>
        CallAsync(
            "wait for the container",
            idOrName,
            async c => (await c.Containers.WaitContainerAsync(idOrName, cancellationToken).ConfigureAwait(false)).StatusCode,
            cancellationToken);

    private Task RemoveIfOursAsync(ContainerSpec spec) => ReapAfterCancelAsync(async () =>
    {
        if (await InspectContainerAsync(spec.Name, CancellationToken.None).ConfigureAwait(false) is { } made
            && spec.Labels.All(l => made.Label(l.Key) == l.Value))
        {
            await RemoveContainerAsync(made.Id, CancellationToken.None).ConfigureAwait(false);
            return true;
        }

        return false;
    });

    internal static CreateContainerParameters ToCreateParameters(ContainerSpec spec)
    {
        // The client's models are annotated non-null, but a null member is simply left out of the request.
        var host = new HostConfig
        {
            Mounts = spec.Mounts.Select(ToMount).ToList(),
            CapDrop = [.. spec.CapDrop],
            CapAdd = [.. spec.CapAdd],
            SecurityOpt = [.. spec.SecurityOptions],
            DNS = spec.Dns.Count > 0 ? [.. spec.Dns] : null!,
            DNSOptions = spec.DnsOptions.Count > 0 ? [.. spec.DnsOptions] : null!,
            PidsLimit = spec.PidsLimit,
            Memory = spec.MemoryBytes ?? 0,

            // Equal to Memory: no swap on top of the limit, so the limit means what it says.
            MemorySwap = spec.MemoryBytes ?? 0,
            ReadonlyRootfs = spec.ReadOnlyRootFilesystem,
            Init = spec.Init ? true : null,
            NetworkMode = spec.Networks.Count > 0 ? spec.Networks[0] : null!,
        };

        var parameters = new CreateContainerParameters
        {
            Name = spec.Name,
            Image = spec.Image,
            Labels = new Dictionary<string, string>(spec.Labels, StringComparer.Ordinal),
            Env = spec.Environment.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}={e.Value}").ToList(),
            User = spec.User!,
            WorkingDir = spec.WorkingDirectory!,
            Cmd = spec.Command?.ToList()!,
            Entrypoint = spec.Entrypoint?.ToList()!,
            Tty = spec.Tty,
            OpenStdin = spec.OpenStdin,
            AttachStdin = spec.OpenStdin,
            AttachStdout = true,
            AttachStderr = true,
            Hostname = spec.Hostname!,
            HostConfig = host,
        };

        if (spec.Networks.Count > 0 && spec.Networks[0] != ContainerSpec.NoNetwork && spec.NetworkAliases.Count > 0)
        {
            parameters.NetworkingConfig = new NetworkingConfig
            {
                EndpointsConfig = new Dictionary<string, EndpointSettings>(StringComparer.Ordinal)
                {
                    [spec.Networks[0]] = new EndpointSettings { Aliases = [.. spec.NetworkAliases] },
                },
            };
        }

        return parameters;
    }

    private static Dictionary<string, string> Addresses(IDictionary<string, EndpointSettings>? networks) =>
        networks?.Where(n => !string.IsNullOrEmpty(n.Value?.IPAddress)).ToDictionary(n => n.Key, n => n.Value.IPAddress, StringComparer.Ordinal)
        ?? new Dictionary<string, string>(StringComparer.Ordinal);

    private static Mount ToMount(MountSpec m) => m.Kind switch
    {
        MountKind.Bind => new Mount { Type = "bind", Source = m.Source, Target = m.Target, ReadOnly = m.ReadOnly },
        MountKind.Volume => new Mount
        {
            Type = "volume",
            Source = m.Source,
            Target = m.Target,
            ReadOnly = m.ReadOnly,
            VolumeOptions = m.VolumeLabels is { } labels ? new VolumeOptions { Labels = new Dictionary<string, string>(labels, StringComparer.Ordinal) } : null!,
        },
        MountKind.Tmpfs => new Mount { Type = "tmpfs", Target = m.Target },
        _ => throw new ArgumentOutOfRangeException(nameof(m), m.Kind, "unknown mount kind"),
    };
}
