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

    private readonly SemaphoreSlim _gate = new(1, 1);
    private DockerClient? _client;
    private EngineInfo? _info;

    public Uri Endpoint { get; } = DockerEndpoint.Resolve(environment);

    public string EndpointText => DockerEndpoint.Describe(Endpoint);

    public async Task<DockerClient> GetClientAsync(CancellationToken cancellationToken) =>
        _client ?? (await ConnectAsync(cancellationToken).ConfigureAwait(false)).Client;

    public async Task<EngineInfo> GetInfoAsync(CancellationToken cancellationToken) =>
        _info ?? (await ConnectAsync(cancellationToken).ConfigureAwait(false)).Info;

    public void Dispose()
    {
        _client?.Dispose();
        _gate.Dispose();
    }

    /// <summary>The version to pin to: the daemon's, capped at what this library knows, never below the daemon's minimum.</summary>
    internal static Version Negotiate(Version daemon, Version? daemonMinimum)
    {
        var chosen = daemon < MaximumApiVersion ? daemon : MaximumApiVersion;
        return daemonMinimum is not null && chosen < daemonMinimum ? daemonMinimum : chosen;
    }

    internal static Version? ParseApiVersion(string? text) =>
        Version.TryParse(text, out var v) ? new Version(v.Major, Math.Max(0, v.Minor)) : null;

    private async Task<(DockerClient Client, EngineInfo Info)> ConnectAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_client is not null && _info is not null)
            {
                return (_client, _info);
            }

            using var probe = new DockerClientBuilder().WithEndpoint(Endpoint).WithTimeout(TimeSpan.FromSeconds(30)).Build();
            global::Docker.DotNet.Models.VersionResponse version;
            try
            {
                version = await probe.System.GetVersionAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (DockerErrors.Map(e, EndpointText, "report its version") is { } mapped)
            {
                throw mapped;
            }

            var daemonApi = ParseApiVersion(version.APIVersion)
                ?? throw ContainerRuntimeException.EngineError("report its version", $"unreadable API version '{version.APIVersion}'");
            if (daemonApi < MinimumApiVersion)
            {
                throw ContainerRuntimeException.ApiVersionUnsupported(EndpointText, version.APIVersion, MinimumApiVersion.ToString());
            }

            var pinned = Negotiate(daemonApi, ParseApiVersion(version.MinAPIVersion));

            // Long timeout: image builds and waits stream for minutes; cancellation is by token.
            _client = new DockerClientBuilder()
                .WithEndpoint(Endpoint)
                .WithApiVersion(pinned)
                .WithTimeout(Timeout.InfiniteTimeSpan)
                .Build();
            _info = new EngineInfo(
                EndpointText,
                version.Version ?? "unknown",
                pinned.ToString(2),
                version.MinAPIVersion ?? string.Empty,
                version.Os ?? string.Empty,
                version.Arch ?? string.Empty);
            return (_client, _info);
        }
        finally
        {
            _gate.Release();
        }
    }
}
