using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Scc.Core.Audit;
using Scc.Core.Config;
using Scc.Core.Errors;
using Scc.Core.Runtime;
using Scc.Egress;

namespace Scc.Core.Launch;

/// <summary>
/// The per-session topology of <c>web-egress-enforced</c> (DESIGN.md §7): an internal network with no route out,
/// the Squid proxy on it (alias <see cref="ProxyAlias"/>) and on the egress network, and the agent only on the
/// internal network. Everything is labelled with the session and removed with it.
/// </summary>
internal sealed class EgressTopology(IContainerRuntime runtime, IAuditLog audit, UserConfigStore userConfig, TimeProvider? time = null)
{
    public const string ProxyAlias = "scc-egress";
    public const string DefaultEgressNetwork = "bridge";
    public static readonly string ProxyUrl = $"http://{ProxyAlias}:{EgressProxyContract.ListenPort}";
    private const string Entrypoint = "/usr/local/bin/scc-egress-entrypoint";
    private const string InlineConfigPath = "/tmp/squid.conf";
    private const int MaxInlineConfigBytes = 96 * 1024;
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// An internal network still gives the host an address on its bridge (the gateway), and engine 20.10 gives the
    /// containers a default route to it: the agent could reach every address of the host (a resolver on 0.0.0.0:53
    /// carries DNS out, a proxy on the host carries everything), because the engine isolates internal networks only
    /// in the FORWARD chain. Without an address on the bridge the host is not on the network at all; the agent
    /// reaches only the proxy, at layer 2, and the engine's embedded DNS (inside the container) still answers the
    /// proxy's alias.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> InternalNetworkOptions =
        new Dictionary<string, string> { ["com.docker.network.bridge.inhibit_ipv4"] = "true" };

    // Another scc process may take the chosen subnet between the listing and the create; the engine then refuses ours.
    private const int SubnetAttempts = 8;

    // Proxies whose start is still in flight, so a teardown (the agent's creation failed meanwhile) can wait for it.
    private readonly ConcurrentDictionary<string, Task> _starting = new(StringComparer.Ordinal);

    /// <summary>
    /// Creates the network; returns a task that creates, connects and starts the proxy and completes when it accepts
    /// connections, so the agent's container is created, prepared and started while the engine sets up the proxy
    /// (its start on two networks is the slowest engine call of an enforced launch). Await it before the agent runs.
    /// </summary>
    public async Task<Task> SetUpAsync(SessionIdentity identity, string sessionId, string squidConfig, string? egressNetwork, CancellationToken cancellationToken)
    {
        var labels = new Dictionary<string, string>(identity.Labels(sessionId, "egress"));
        var outside = string.IsNullOrWhiteSpace(egressNetwork) ? DefaultEgressNetwork : egressNetwork;
        var pool = SessionSubnetPool.ParsePool(userConfig.Load().Runtime.SessionSubnetPool);
        if (await runtime.InspectNetworkAsync(outside, cancellationToken).ConfigureAwait(false) is null)
        {
            throw new ConfigException($"The egress network \"{outside}\" (runtime.egress_network) does not exist.", "Create it, or remove runtime.egress_network from the user config to use the default bridge.");
        }

        // A failed create made nothing of this session's (one cancelled in flight is reaped by the adapter); the
        // caller removes what the session made, by its label.
        await CreateNetworkAsync(new NetworkSpec(identity.NetworkName) { Internal = true, Labels = labels, Options = InternalNetworkOptions }, pool, cancellationToken).ConfigureAwait(false);

        // A config that fits in the environment is handed over there and written to /tmp by the entrypoint: one
        // engine round trip (an archive upload) less on every enforced start. Larger ones are uploaded.
        var inline = Encoding.UTF8.GetByteCount(squidConfig) <= MaxInlineConfigBytes;
        var proxy = new ContainerSpec(ImageProvisioner.ProxyImage, identity.ProxyContainerName)
        {
            Labels = new Dictionary<string, string>(identity.Labels(sessionId, "proxy")),
            Networks = [identity.NetworkName],
            NetworkAliases = [ProxyAlias],
            CapDrop = ["ALL"],
            SecurityOptions = ["no-new-privileges:true"],
            PidsLimit = 256,
            MemoryBytes = 512L * 1024 * 1024,

            // The image prepares its state, spool and log folders for the squid user; only /tmp is a tmpfs.
            Mounts = [MountSpec.Tmpfs("/tmp")],
            Environment = inline
                ? new Dictionary<string, string> { ["SCC_EGRESS_CONFIG_TEXT"] = squidConfig, ["SCC_EGRESS_CONFIG"] = InlineConfigPath }
                : new Dictionary<string, string>(),
            Entrypoint = inline ? ["sh", "-c", $"printf '%s' \"$SCC_EGRESS_CONFIG_TEXT\" > {InlineConfigPath} && unset SCC_EGRESS_CONFIG_TEXT && exec {Entrypoint}"] : null,
        };
        var ready = ReadyAsync(proxy, inline);
        _starting[proxy.Name] = ready;
        return ready;

        // Everything after the network: the agent's container needs only the network, so the caller creates,
        // prepares and starts it meanwhile; a failure here surfaces where the caller awaits the task.
        async Task ReadyAsync(ContainerSpec proxy, bool inline)
        {
            await Task.Yield();
            await runtime.CreateContainerAsync(proxy, cancellationToken).ConfigureAwait(false);
            if (!inline)
            {
                await runtime.WriteFilesAsync(proxy.Name, "/etc/scc-egress", [new ContainerFile("squid.conf", Encoding.UTF8.GetBytes(squidConfig), 0, 0, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead)], cancellationToken).ConfigureAwait(false);
            }

            await runtime.ConnectAsync(outside, proxy.Name, [], cancellationToken).ConfigureAwait(false);
            await runtime.StartContainerAsync(identity.ProxyContainerName, cancellationToken).ConfigureAwait(false);
            await WaitReadyAsync(identity.ProxyContainerName, outside, cancellationToken).ConfigureAwait(false);
            _starting.TryRemove(identity.ProxyContainerName, out _);
            audit.Append([AuditEvent.Info("egress.setup", sessionId, new JsonObject
            {
                ["session"] = sessionId,
                ["network"] = identity.NetworkName,
                ["proxy"] = identity.ProxyContainerName,
                ["egress_network"] = outside,
            })]);
        }
    }

    /// <summary>
    /// Waits (up to 10 s) for a proxy start of <paramref name="identity"/> still in flight: removing a container the
    /// engine is starting races. Its failure is not reported here (the launch failed already, or reports it itself).
    /// </summary>
    public async Task WaitForProxyStartAsync(SessionIdentity identity)
    {
        if (_starting.TryRemove(identity.ProxyContainerName, out var pending))
        {
            try
            {
                await pending.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // The caller's to report, or moot.
            }
        }
    }

    /// <summary>Creates the network on a free /28 of the pool (<see cref="SessionSubnetPool"/>); returns its subnet.</summary>
    public async Task<string> CreateNetworkAsync(NetworkSpec spec, IPNetwork pool, CancellationToken cancellationToken)
    {
        // Subnets the engine refused in this call: another start may be creating a network there right now, which
        // the listing does not show yet. They are tried again only when nothing else is free.
        var refused = new List<IPNetwork>();
        for (var attempt = 1; ; attempt++)
        {
            var networks = await runtime.ListNetworksAsync(new LabelSelector(new Dictionary<string, string?>()), cancellationToken).ConfigureAwait(false);
            var used = SessionSubnetPool.ParseUsed(networks.SelectMany(n => n.Subnets)).ToList();
            var start = Random.Shared.Next(SessionSubnetPool.Capacity(pool));
            var subnet = SessionSubnetPool.Choose(pool, [.. used, .. refused], start)
                ?? SessionSubnetPool.Choose(pool, used, start)
                ?? throw SessionSubnetPool.Exhausted(pool);
            try
            {
                await runtime.CreateNetworkAsync(spec with { Subnet = subnet.ToString() }, cancellationToken).ConfigureAwait(false);
                return subnet.ToString();
            }
            catch (ContainerRuntimeException e) when (e.Kind == RuntimeErrorKind.SubnetConflict && attempt < SubnetAttempts)
            {
                // Taken meanwhile: list again and pick another, after a moment (a refusal is quicker than the
                // create that caused it, so without one all the attempts could pass before that create is listed).
                refused.Add(subnet);
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(10, 40) * attempt), time ?? TimeProvider.System, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task WaitReadyAsync(string proxy, string outside, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + ReadyTimeout;
        var info = await runtime.InspectContainerAsync(proxy, cancellationToken).ConfigureAwait(false);

        // A TCP connect from here to the proxy's address on its outside network costs well under a millisecond,
        // against ~100 ms for an exec in the container; where this host cannot reach container addresses (a remote
        // engine, a VM), fall back to the exec. Squid logs the probe once (NONE_NONE ERR_CLIENT_GONE from the host's
        // address on that network), which is not a denial.
        IPAddress? address = info is not null && info.Addresses.TryGetValue(outside, out var a) && IPAddress.TryParse(a, out var ip) ? ip : null;
        while (true)
        {
            if (info is not { Running: true })
            {
                var log = await runtime.ReadFileAsync(proxy, EgressProxyContract.LogDirectory + "/cache.log", cancellationToken).ConfigureAwait(false);
                var tail = log is null ? string.Empty : string.Join(" | ", Encoding.UTF8.GetString(log).Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(3));
                throw new ToolException($"The egress proxy stopped while starting (exit code {info?.ExitCode}). {tail}", "The agent was not started; run `scc doctor`, or `scc images build` to rebuild the proxy image.");
            }

            var accepting = address is null ? null : await ProbeFromHostAsync(address, cancellationToken).ConfigureAwait(false);
            if (accepting is null)
            {
                address = null;
                var probe = await runtime.ExecAsync(proxy, new ExecRequest(["bash", "-c", $"exec 3<>/dev/tcp/127.0.0.1/{EgressProxyContract.ListenPort}"]), cancellationToken).ConfigureAwait(false);
                accepting = probe.ExitCode == 0;
            }

            if (accepting == true)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new ToolException($"The egress proxy did not accept connections within {ReadyTimeout.TotalSeconds:F0} s.", "The agent was not started; see `scc doctor`.");
            }

            await Task.Delay(address is null ? 100 : 15, cancellationToken).ConfigureAwait(false);

            // Not accepting yet: make sure Squid has not exited (a config it refused) before probing again.
            info = await runtime.InspectContainerAsync(proxy, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>True: accepting; false: refused (Squid not listening yet); null: this host cannot reach the address.</summary>
    private static async Task<bool?> ProbeFromHostAsync(IPAddress ip, CancellationToken cancellationToken)
    {
        using var socket = new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMilliseconds(500));
        try
        {
            await socket.ConnectAsync(new IPEndPoint(ip, EgressProxyContract.ListenPort), timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return false;
        }
        catch (SocketException)
        {
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }
}
