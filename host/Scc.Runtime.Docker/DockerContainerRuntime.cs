using Docker.DotNet;
using Docker.DotNet.Models;
using Scc.Core.Runtime;

namespace Scc.Runtime.Docker;

/// <summary>
/// <see cref="IContainerRuntime"/> on the Docker Engine API (Docker.DotNet.Enhanced). Split by capability over
/// partial files; this one holds the engine probe and the shared error handling.
/// </summary>
internal sealed partial class DockerContainerRuntime(DockerClientProvider clients) : IContainerRuntime
{
    public async Task<EngineProbe> ProbeAsync(CancellationToken cancellationToken)
    {
        try
        {
            return EngineProbe.Ok(await GetInfoAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (ContainerRuntimeException e)
        {
            return EngineProbe.Failed(e);
        }
        catch (Core.Errors.ConfigException e)
        {
            // DOCKER_HOST is not an address: nothing was asked.
            return new EngineProbe(false, null, null, e.Message) { FailureAction = e.Action };
        }
    }

    public Task<EngineInfo> GetInfoAsync(CancellationToken cancellationToken) => clients.GetInfoAsync(cancellationToken);

    /// <summary>Runs one engine call and maps its failures; <paramref name="subject"/> names the object for messages.</summary>
    private async Task<T> CallAsync<T>(string operation, string? subject, Func<DockerClient, Task<T>> call, CancellationToken cancellationToken)
    {
        var client = await clients.GetClientAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await call(client).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && DockerErrors.Map(e, clients.EndpointText, operation, subject) is { } mapped)
        {
            throw mapped;
        }
    }

    private Task CallAsync(string operation, string? subject, Func<DockerClient, Task> call, CancellationToken cancellationToken) =>
        CallAsync<bool>(
            operation,
            subject,
            async c =>
            {
                await call(c).ConfigureAwait(false);
                return true;
            },
            cancellationToken);

    /// <summary>
    /// After a cancelled create: the engine does not stop a create when the client goes away, so the object may
    /// appear a moment later. Looks for it for a short while and removes it; best effort (`scc prune` finds
    /// anything left by its labels).
    /// </summary>
    private static async Task ReapAfterCancelAsync(Func<Task<bool>> tryRemove)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            try
            {
                if (await tryRemove().ConfigureAwait(false))
                {
                    return;
                }
            }
            catch (ContainerRuntimeException)
            {
                return;
            }

            await Task.Delay(50, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static IDictionary<string, IDictionary<string, bool>> LabelFilters(LabelSelector? labels, string? name = null)
    {
        var filters = new Dictionary<string, IDictionary<string, bool>>(StringComparer.Ordinal);
        if (labels is not null && labels.Labels.Count > 0)
        {
            filters["label"] = labels.ToFilters().ToDictionary(f => f, _ => true, StringComparer.Ordinal);
        }

        if (name is not null)
        {
            filters["name"] = new Dictionary<string, bool>(StringComparer.Ordinal) { [name] = true };
        }

        return filters;
    }

    private static IReadOnlyDictionary<string, string> Labels(IDictionary<string, string>? labels) =>
        labels is null ? new Dictionary<string, string>() : new Dictionary<string, string>(labels, StringComparer.Ordinal);

    private static bool IsNotFound(DockerApiException e) => e.StatusCode == System.Net.HttpStatusCode.NotFound;
}
