using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Docker.DotNet;
using Scc.Core.Runtime;

namespace Scc.Runtime.Docker;

/// <summary>Maps Docker.DotNet and transport exceptions to <see cref="ContainerRuntimeException"/>.</summary>
internal static class DockerErrors
{
    /// <summary>The mapped exception, or null when the exception is not an engine failure (a bug or a cancellation).</summary>
    public static ContainerRuntimeException? Map(Exception exception, string endpoint, string operation, string? subject = null)
    {
        switch (exception)
        {
            case ContainerRuntimeException mapped:
                return mapped;
            case OperationCanceledException:
                return null;
            case DockerApiException api:
                return MapApi(api, operation, subject);
            case UnauthorizedAccessException:
                return ContainerRuntimeException.PermissionDenied(endpoint, exception);
        }

        if (FindSocketError(exception) is { } socket)
        {
            return socket.SocketErrorCode is SocketError.AccessDenied
                ? ContainerRuntimeException.PermissionDenied(endpoint, exception)
                : ContainerRuntimeException.DaemonNotRunning(endpoint, exception);
        }

        return exception is HttpRequestException or IOException or TimeoutException
            ? ContainerRuntimeException.DaemonNotRunning(endpoint, exception)
            : null;
    }

    public static string EngineMessage(DockerApiException api)
    {
        var body = api.ResponseBody?.Trim() ?? string.Empty;
        if (body.StartsWith('{'))
        {
            try
            {
                using var doc = JsonDocument.Parse(body);
                if (doc.RootElement.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String)
                {
                    return message.GetString() ?? body;
                }
            }
            catch (JsonException)
            {
                // Not JSON after all: show the body as it is.
            }
        }

        return body.Length > 0 ? body : api.StatusCode.ToString();
    }

    private static ContainerRuntimeException MapApi(DockerApiException api, string operation, string? subject)
    {
        var message = EngineMessage(api);
        if (IsOutOfDisk(message))
        {
            return ContainerRuntimeException.OutOfDisk(message, api);
        }

        if (api is DockerImageNotFoundException
            || (api.StatusCode == HttpStatusCode.NotFound && message.Contains("image", StringComparison.OrdinalIgnoreCase)))
        {
            return ContainerRuntimeException.ImageMissing(subject ?? ExtractImage(message), api);
        }

        if (api is DockerContainerNotFoundException
            || (api.StatusCode == HttpStatusCode.NotFound && message.Contains("container", StringComparison.OrdinalIgnoreCase)))
        {
            return ContainerRuntimeException.ContainerNotFound(subject ?? message, api);
        }

        if (api is DockerNetworkNotFoundException
            || (api.StatusCode == HttpStatusCode.NotFound && message.Contains("network", StringComparison.OrdinalIgnoreCase)))
        {
            return ContainerRuntimeException.NetworkNotFound(subject ?? message, api);
        }

        if (api.StatusCode == HttpStatusCode.Conflict && message.Contains("already in use", StringComparison.OrdinalIgnoreCase))
        {
            return ContainerRuntimeException.NameConflict(operation.Contains("network", StringComparison.Ordinal) ? "network" : "container", subject ?? message, api);
        }

        // "Pool overlaps with other one on this address space" (a network created with an explicit subnet).
        if (operation.Contains("network", StringComparison.Ordinal) && message.Contains("overlaps", StringComparison.OrdinalIgnoreCase))
        {
            return ContainerRuntimeException.SubnetConflict(subject ?? "network", message, api);
        }

        if (api.StatusCode == HttpStatusCode.BadRequest && message.Contains("client version", StringComparison.OrdinalIgnoreCase))
        {
            return ContainerRuntimeException.EngineError(operation, message + " (the API version negotiation failed)", api);
        }

        return ContainerRuntimeException.EngineError(operation, message, api);
    }

    private static bool IsOutOfDisk(string message) =>
        message.Contains("no space left on device", StringComparison.OrdinalIgnoreCase)
        || message.Contains("disk quota exceeded", StringComparison.OrdinalIgnoreCase);

    private static string ExtractImage(string message)
    {
        // "No such image: scc-base:latest"
        var colon = message.LastIndexOf(": ", StringComparison.Ordinal);
        return colon >= 0 ? message[(colon + 2)..].Trim() : message;
    }

    private static SocketException? FindSocketError(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is SocketException socket)
            {
                return socket;
            }

            if (e is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions)
                {
                    if (FindSocketError(inner) is { } found)
                    {
                        return found;
                    }
                }
            }
        }

        return null;
    }
}
