using Docker.DotNet;
using Scc.Core.Paths;
using Scc.Core.Runtime;

namespace Scc.Runtime.Docker;

/// <summary>
/// Creates one Docker client pinned to the API version the daemon speaks. A client that asks for a newer version
/// than the daemon's is refused (Engine 20.10 speaks 1.41), so the daemon's <c>/version</c> is read first with an
/// unversioned request, then every later request carries that version (capped at the newest this library knows).
/// </summary>
internal sealed class DockerClientProvider(IEnvironment environment) : IDisposable
{
    public static readonly Version MinimumApiVersion = new(1, 41);

    public static readonly Version MaximumApiVersion = new(1, 51);

    private readonly object _lock = new();
    private Task<(DockerClient Client, EngineInfo Info)>? _connecting;

    // Read when connecting, not when constructed: an unreadable DOCKER_HOST is then the command's own error (and
    // `scc doctor`'s failed check) instead of an exception while the command's services are built.
    private readonly Lazy<Uri> _endpoint = new(() => DockerEndpoint.Resolve(environment));

    /// <summary>The engine's address; throws the <see cref="Core.Errors.ConfigException"/> of an unreadable DOCKER_HOST.</summary>
    public Uri Endpoint => _endpoint.Value;

    public string EndpointText => DockerEndpoint.Describe(Endpoint);

    public async Task<DockerClient> GetClientAsync(CancellationToken cancellationToken) =>
        (await ConnectedAsync(cancellationToken).ConfigureAwait(false)).Client;

    public async Task<EngineInfo> GetInfoAsync(CancellationToken cancellationToken) =>
        (await ConnectedAsync(cancellationToken).ConfigureAwait(false)).Info;

    /// <summary>
    /// Starts the connection (version negotiation, the client's first request) on the thread pool without waiting for
    /// it. Whoever asks for the client next waits for that attempt; if it failed, they get its error.
    /// </summary>
    public void Warm() => ConnectedAsync(CancellationToken.None).ContinueWith(
        static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    public void Dispose()
    {
        if (_connecting is { IsCompletedSuccessfully: true } connected)
        {
            connected.Result.Client.Dispose();
        }
    }

    /// <summary>
    /// One connection attempt at a time, shared by every caller; a caller's token only stops its own wait. An attempt
    /// that failed or was cancelled is not kept: the next caller makes a new one.
    /// </summary>
    private Task<(DockerClient Client, EngineInfo Info)> ConnectedAsync(CancellationToken cancellationToken)
    {
        Task<(DockerClient Client, EngineInfo Info)> attempt;
        lock (_lock)
        {
            if (_connecting is null || _connecting.IsFaulted || _connecting.IsCanceled)
            {
                _connecting = Task.Run(ConnectAsync, CancellationToken.None);
            }

            attempt = _connecting;
        }

        return attempt.IsCompletedSuccessfully ? attempt : attempt.WaitAsync(cancellationToken);
    }

    /// <summary>The version to pin to: the daemon's, capped at what this library knows, never below the daemon's minimum.</summary>
    internal static Version Negotiate(Version daemon, Version? daemonMinimum)
    {
        var chosen = daemon < MaximumApiVersion ? daemon : MaximumApiVersion;
        return daemonMinimum is not null && chosen < daemonMinimum ? daemonMinimum : chosen;
    }

    internal static Version? ParseApiVersion(string? text) =>
        Version.TryParse(text, out var v) ? new Version(v.Major, Math.Max(0, v.Minor)) : null;

    /// <summary>One attempt, shared by every caller, so no caller's token cancels it.</summary>
    private async Task<(DockerClient Client, EngineInfo Info)> ConnectAsync()
    {
        global::Docker.DotNet.Models.VersionResponse version;
        using (var probe = new DockerClientBuilder().WithEndpoint(Endpoint).WithTimeout(TimeSpan.FromSeconds(30)).Build())
        {
            try
            {
                version = await probe.System.GetVersionAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (DockerErrors.Map(e, EndpointText, "report its version") is { } mapped)
            {
                throw mapped;
            }
        }

        var daemonApi = ParseApiVersion(version.APIVersion)
            ?? throw ContainerRuntimeException.EngineError("report its version", $"unreadable API version '{version.APIVersion}'");
        if (daemonApi < MinimumApiVersion)
        {
            throw ContainerRuntimeException.ApiVersionUnsupported(EndpointText, version.APIVersion, MinimumApiVersion.ToString());
        }

        var pinned = Negotiate(daemonApi, ParseApiVersion(version.MinAPIVersion));

        // Long timeout: image builds and waits stream for minutes; cancellation is by token.
        var client = new DockerClientBuilder()
            .WithEndpoint(Endpoint)
            .WithApiVersion(pinned)
            .WithTimeout(Timeout.InfiniteTimeSpan)
            .Build();
        var info = new EngineInfo(
            EndpointText,
            version.Version ?? "unknown",
            pinned.ToString(2),
            version.MinAPIVersion ?? string.Empty,
            version.Os ?? string.Empty,
            version.Arch ?? string.Empty);
        return (client, info);
    }
}
