using Docker.DotNet;
using Docker.DotNet.Models;
using Scc.Core.Runtime;
using NetworkSpec = Scc.Core.Runtime.NetworkSpec;
using VolumeInfo = Scc.Core.Runtime.VolumeInfo;

namespace Scc.Runtime.Docker;

// Volumes and networks.
internal sealed partial class DockerContainerRuntime
{
    public Task<string> EnsureVolumeAsync(string name, IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken) =>
        CallAsync(
            "create the volume",
            name,
            async c =>
            {
                // Create is idempotent in the engine: an existing volume of that name is returned as it is.
                var r = await c.Volumes.CreateAsync(
                    new VolumesCreateParameters { Name = name, Labels = new Dictionary<string, string>(labels, StringComparer.Ordinal) },
                    cancellationToken).ConfigureAwait(false);
                return r.Name;
            },
            cancellationToken);

    public Task<VolumeInfo?> InspectVolumeAsync(string name, CancellationToken cancellationToken) =>
        CallAsync<VolumeInfo?>(
            "inspect the volume",
            name,
            async c =>
            {
                try
                {
                    var v = await c.Volumes.InspectAsync(name, cancellationToken).ConfigureAwait(false);
                    return new VolumeInfo(v.Name, Labels(v.Labels), v.CreatedAt);
                }
                catch (DockerApiException e) when (IsNotFound(e))
                {
                    return null;
                }
            },
            cancellationToken);

    public Task RemoveVolumeAsync(string name, CancellationToken cancellationToken) =>
        CallAsync(
            "remove the volume",
            name,
            async c =>
            {
                try
                {
                    await c.Volumes.RemoveAsync(name, force: true, cancellationToken).ConfigureAwait(false);
                }
                catch (DockerApiException e) when (IsNotFound(e))
                {
                    // Gone already.
                }
            },
            cancellationToken);

    public Task<IReadOnlyList<VolumeInfo>> ListVolumesAsync(LabelSelector labels, CancellationToken cancellationToken) =>
        CallAsync<IReadOnlyList<VolumeInfo>>(
            "list volumes",
            null,
            async c =>
            {
                var r = await c.Volumes.ListAsync(new VolumesListParameters { Filters = LabelFilters(labels) }, cancellationToken).ConfigureAwait(false);
                return (r.Volumes ?? [])
                    .Select(v => new VolumeInfo(v.Name, Labels(v.Labels), v.CreatedAt))
                    .OrderBy(v => v.Name, StringComparer.Ordinal)
                    .ToList();
            },
            cancellationToken);

    public async Task<NetworkInfo> CreateNetworkAsync(NetworkSpec spec, CancellationToken cancellationToken)
    {
        // Engines before API 1.44 happily create a second network of the same name; a name must mean one network.
        if (await InspectNetworkAsync(spec.Name, cancellationToken).ConfigureAwait(false) is not null)
        {
            throw ContainerRuntimeException.NameConflict("network", spec.Name);
        }

        string id;
        try
        {
            id = await CreateNetworkCoreAsync(spec, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl-C may land after the engine made the network: remove it if it is the one we asked for.
            await ReapAfterCancelAsync(async () =>
            {
                if (await InspectNetworkAsync(spec.Name, CancellationToken.None).ConfigureAwait(false) is { } made
                    && spec.Labels.All(l => made.Labels.TryGetValue(l.Key, out var v) && v == l.Value))
                {
                    await RemoveNetworkAsync(made.Id, CancellationToken.None).ConfigureAwait(false);
                    return true;
                }

                return false;
            }).ConfigureAwait(false);
            throw;
        }

        return await InspectNetworkAsync(id, cancellationToken).ConfigureAwait(false)
            ?? throw ContainerRuntimeException.NetworkNotFound(spec.Name);
    }

    private Task<string> CreateNetworkCoreAsync(NetworkSpec spec, CancellationToken cancellationToken) =>
        CallAsync(
            "create the network",
            spec.Name,
            async c => (await c.Networks.CreateNetworkAsync(
                new NetworksCreateParameters
                {
                    Name = spec.Name,
                    Driver = spec.Driver,
                    Internal = spec.Internal,
                    Labels = new Dictionary<string, string>(spec.Labels, StringComparer.Ordinal),
                    Options = spec.Options.Count == 0 ? null! : new Dictionary<string, string>(spec.Options, StringComparer.Ordinal),
                    IPAM = spec.Subnet is null ? null! : new IPAM { Config = [new IPAMConfig { Subnet = spec.Subnet }] },
                },
                cancellationToken).ConfigureAwait(false)).ID,
            cancellationToken);

    public async Task ConnectAsync(string network, string container, IReadOnlyList<string> aliases, CancellationToken cancellationToken)
    {
        // The client library returns quietly when the engine answers 404 for the network, so check first.
        _ = await InspectNetworkAsync(network, cancellationToken).ConfigureAwait(false)
            ?? throw ContainerRuntimeException.NetworkNotFound(network);
        await CallAsync(
            "connect the container to the network",
            network,
            c => c.Networks.ConnectNetworkAsync(
                network,
                new NetworkConnectParameters
                {
                    Container = container,
                    EndpointConfig = aliases.Count == 0 ? null! : new EndpointSettings { Aliases = [.. aliases] },
                },
                cancellationToken),
            cancellationToken).ConfigureAwait(false);
    }

    public Task DisconnectAsync(string network, string container, CancellationToken cancellationToken) =>
        CallAsync(
            "disconnect the container from the network",
            network,
            c => c.Networks.DisconnectNetworkAsync(network, new NetworkDisconnectParameters { Container = container, Force = true }, cancellationToken),
            cancellationToken);

    public Task RemoveNetworkAsync(string idOrName, CancellationToken cancellationToken) =>
        CallAsync(
            "remove the network",
            idOrName,
            async c =>
            {
                try
                {
                    await c.Networks.DeleteNetworkAsync(idOrName, cancellationToken).ConfigureAwait(false);
                }
                catch (DockerApiException e) when (IsNotFound(e))
                {
                    // Gone already.
                }
            },
            cancellationToken);

    public Task<NetworkInfo?> InspectNetworkAsync(string idOrName, CancellationToken cancellationToken) =>
        CallAsync<NetworkInfo?>(
            "inspect the network",
            idOrName,
            async c =>
            {
                try
                {
                    var r = await c.Networks.InspectNetworkAsync(idOrName, cancellationToken).ConfigureAwait(false);

                    // The engine also matches an id prefix or a partial name; only an exact match counts.
                    return r.ID == idOrName || r.Name == idOrName ? ToNetworkInfo(r) : null;
                }
                catch (DockerApiException e) when (IsNotFound(e))
                {
                    return null;
                }
            },
            cancellationToken);

    public Task<IReadOnlyList<NetworkInfo>> ListNetworksAsync(LabelSelector labels, CancellationToken cancellationToken) =>
        CallAsync<IReadOnlyList<NetworkInfo>>(
            "list networks",
            null,
            async c =>
            {
                var list = await c.Networks.ListNetworksAsync(new NetworksListParameters { Filters = LabelFilters(labels) }, cancellationToken).ConfigureAwait(false);
                return list.Select(ToNetworkInfo).OrderBy(n => n.Name, StringComparer.Ordinal).ToList();
            },
            cancellationToken);

    private static NetworkInfo ToNetworkInfo(NetworkResponse r) => new(
        r.ID,
        r.Name,
        r.Internal,
        Labels(r.Labels),
        r.Containers?.Keys.Order(StringComparer.Ordinal).ToList() ?? [])
    {
        Subnets = r.IPAM?.Config?.Select(c => c.Subnet).Where(s => !string.IsNullOrEmpty(s)).ToList() ?? [],
        Created = r.Created == default ? null : new DateTimeOffset(DateTime.SpecifyKind(r.Created, DateTimeKind.Utc)),
    };
}
