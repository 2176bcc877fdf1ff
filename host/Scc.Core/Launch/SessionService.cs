using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Scc.Core.Audit;
using Scc.Core.Errors;
using Scc.Core.Runtime;

namespace Scc.Core.Launch;

internal sealed record SessionInfo(string SessionId, string Provider, string Workspace, string Container, string State, bool Running, DateTimeOffset Created);

internal sealed record PruneResult(IReadOnlyList<string> Containers, IReadOnlyList<string> Networks)
{
    /// <summary>Session volumes (a safety policy) whose session is gone.</summary>
    public IReadOnlyList<string> Volumes { get; init; } = [];
}

/// <summary>
/// Sessions are the containers labelled <c>scc.managed</c> with role <c>agent</c>. Stopping one records
/// <c>launch.stopped</c>, moves the container's <c>safety.check</c> events into the audit log, and removes the
/// container and everything else labelled with its session (proxy, network).
/// </summary>
internal sealed class SessionService(IContainerRuntime runtime, IAuditLog audit, TimeProvider time)
{
    public const string SafetyEventsPath = "/run/scc/audit/safety.jsonl";

    /// <summary>
    /// How long a container that is created but not started yet counts as another scc's start in progress (prune
    /// leaves it, and its session's network, alone); a start takes seconds, an image build happens before.
    /// </summary>
    public static readonly TimeSpan StartGrace = TimeSpan.FromMinutes(2);

    public async Task<IReadOnlyList<SessionInfo>> ListAsync(CancellationToken cancellationToken)
    {
        var containers = await runtime.ListContainersAsync(LabelSelector.Of((SessionLabels.Managed, SessionLabels.ManagedValue), (SessionLabels.Role, "agent")), cancellationToken).ConfigureAwait(false);
        return [.. containers
            .Select(c => new SessionInfo(
                c.Label(SessionLabels.Session) ?? c.Name,
                c.Label(SessionLabels.Provider) ?? "?",
                c.Label(SessionLabels.Workspace) ?? "?",
                c.Name,
                c.State,
                c.Running,
                c.Created))
            .OrderBy(s => s.Created)];
    }

    /// <summary>Finds a session by session id, container name, or a unique prefix of either.</summary>
    public async Task<SessionInfo> FindAsync(string key, CancellationToken cancellationToken)
    {
        var all = await ListAsync(cancellationToken).ConfigureAwait(false);
        var exact = all.Where(s => s.SessionId == key || s.Container == key).ToList();
        var matches = exact.Count > 0 ? exact : [.. all.Where(s => s.SessionId.StartsWith(key, StringComparison.Ordinal) || s.Container.StartsWith(key, StringComparison.Ordinal))];
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new NotFoundException($"No session \"{key}\".", "See `scc list`."),
            _ => throw new UsageException($"\"{key}\" matches {matches.Count} sessions: {string.Join(", ", matches.Select(m => m.SessionId))}.", "Give more of the session id."),
        };
    }

    public async Task<IReadOnlyList<SessionInfo>> StopAllAsync(string reason, CancellationToken cancellationToken)
    {
        var all = await ListAsync(cancellationToken).ConfigureAwait(false);
        foreach (var s in all)
        {
            await StopAsync(s.Container, reason, cancellationToken).ConfigureAwait(false);
        }

        return all;
    }

    public async Task StopAsync(string container, string reason, CancellationToken cancellationToken)
    {
        var info = await runtime.InspectContainerAsync(container, cancellationToken).ConfigureAwait(false);
        if (info is null)
        {
            return;
        }

        var session = info.Label(SessionLabels.Session) ?? info.Name;
        var events = await CollectSafetyEventsAsync(info.Name, session, cancellationToken).ConfigureAwait(false);
        events.AddRange(await CollectEgressEventsAsync(session, cancellationToken).ConfigureAwait(false));
        events.Add(AuditEvent.Info("launch.stopped", session, new JsonObject
        {
            ["session"] = session,
            ["container"] = info.Name,
            ["provider"] = info.Label(SessionLabels.Provider),
            ["workspace"] = info.Label(SessionLabels.Workspace),
            ["reason"] = reason,
        }));
        audit.Append(events);
        await runtime.StopContainerAsync(info.Name, TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
        await runtime.RemoveContainerAsync(info.Name, cancellationToken).ConfigureAwait(false);
        await RemoveSessionAsync(session, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes what a session left (its containers, as the caller found them, and its network).</summary>
    public async Task RemoveSessionContainersAsync(SessionIdentity identity, IEnumerable<ContainerInfo?> found, CancellationToken cancellationToken)
    {
        foreach (var old in found.OfType<ContainerInfo>())
        {
            await StopAsync(old.Name, "replaced by a new session", cancellationToken).ConfigureAwait(false);
        }

        // What a crashed start may have left, each a no-op when absent: the network apart, the policy volume after
        // the files container that mounts it.
        await Task.WhenAll(runtime.RemoveNetworkAsync(identity.NetworkName, cancellationToken), RemoveFilesAndPolicyAsync()).ConfigureAwait(false);

        async Task RemoveFilesAndPolicyAsync()
        {
            await runtime.RemoveContainerAsync(identity.FilesContainerName, cancellationToken).ConfigureAwait(false);
            await runtime.RemoveVolumeAsync(identity.PolicyVolumeName, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The provider data volume outlives sessions (it keeps the sign-in), so a failed or cancelled start leaves it,
    /// unless that start created it (its <see cref="SessionLabels.CreatedBy"/> label names the session): then it is
    /// removed. A volume another session mounted meanwhile stays (the engine refuses to remove it).
    /// </summary>
    public async Task RemoveVolumeIfCreatedByAsync(string volume, string sessionId, CancellationToken cancellationToken)
    {
        try
        {
            var info = await runtime.InspectVolumeAsync(volume, cancellationToken).ConfigureAwait(false);
            if (info is not null && info.Labels.TryGetValue(SessionLabels.CreatedBy, out var creator) && creator == sessionId)
            {
                await runtime.RemoveVolumeAsync(volume, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (ContainerRuntimeException)
        {
            // Best effort, after a failure that is being reported: in use by a session that started meanwhile (then it
            // is that session's volume now), or the engine is gone (the empty volume is harmless; reused next time).
        }
    }

    public async Task<PruneResult> PruneAsync(bool dryRun, CancellationToken cancellationToken)
    {
        var managed = await runtime.ListContainersAsync(SessionLabels.AllManaged, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();

        // Another scc may be starting a session right now: its containers are created, not started yet, and its
        // network may have no container at all for a moment. Those are not leftovers.
        bool Starting(ContainerInfo c) => c.State == "created" && now - c.Created < StartGrace;
        var containers = managed.Where(c => !c.Running && !Starting(c)).ToList();
        var liveSessions = managed.Where(c => c.Running || Starting(c)).Select(c => c.Label(SessionLabels.Session)).ToHashSet();
        var networks = (await runtime.ListNetworksAsync(SessionLabels.AllManaged, cancellationToken).ConfigureAwait(false))
            .Where(n => !liveSessions.Contains(n.Labels.TryGetValue(SessionLabels.Session, out var s) ? s : null))
            .Where(n => n.Created is not { } created || now - created >= StartGrace)
            .ToList();
        var volumes = (await runtime.ListVolumesAsync(SessionLabels.AllManaged, cancellationToken).ConfigureAwait(false))
            .Where(v => v.Labels.TryGetValue(SessionLabels.Role, out var role) && role == SessionLabels.PolicyRole)
            .Where(v => !liveSessions.Contains(v.Labels.TryGetValue(SessionLabels.Session, out var s) ? s : null))
            .ToList();
        if (!dryRun)
        {
            foreach (var c in containers)
            {
                if (c.Label(SessionLabels.Role) == "agent")
                {
                    await StopAsync(c.Name, "pruned", cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await runtime.RemoveContainerAsync(c.Name, cancellationToken).ConfigureAwait(false);
                }
            }

            foreach (var n in networks)
            {
                foreach (var id in n.ContainerIds)
                {
                    await runtime.RemoveContainerAsync(id, cancellationToken).ConfigureAwait(false);
                }

                await runtime.RemoveNetworkAsync(n.Name, cancellationToken).ConfigureAwait(false);
            }

            foreach (var v in volumes)
            {
                try
                {
                    await runtime.RemoveVolumeAsync(v.Name, cancellationToken).ConfigureAwait(false);
                }
                catch (ContainerRuntimeException)
                {
                    // In use: a session started with it meanwhile.
                }
            }
        }

        return new PruneResult([.. containers.Select(c => c.Name)], [.. networks.Select(n => n.Name)]) { Volumes = [.. volumes.Select(v => v.Name)] };
    }

    /// <summary>
    /// Everything labelled with <paramref name="session"/>: its containers (agent, files, proxy), then its networks,
    /// then its volumes (after the containers that mount them). What a stop removes, and what a failed start made:
    /// by label, not by name, so a start that raced another one of the same workspace (same names) removes only its
    /// own objects.
    /// </summary>
    public async Task RemoveSessionAsync(string session, CancellationToken cancellationToken)
    {
        foreach (var c in await runtime.ListContainersAsync(SessionLabels.ForSession(session), cancellationToken).ConfigureAwait(false))
        {
            await runtime.RemoveContainerAsync(c.Name, cancellationToken).ConfigureAwait(false);
        }

        foreach (var n in await runtime.ListNetworksAsync(SessionLabels.ForSession(session), cancellationToken).ConfigureAwait(false))
        {
            await runtime.RemoveNetworkAsync(n.Name, cancellationToken).ConfigureAwait(false);
        }

        // After the containers that mount it.
        foreach (var v in await runtime.ListVolumesAsync(SessionLabels.ForSession(session), cancellationToken).ConfigureAwait(false))
        {
            await runtime.RemoveVolumeAsync(v.Name, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Proxy denials become egress.denied events, and the topology's removal egress.teardown.</summary>
    private async Task<List<AuditEvent>> CollectEgressEventsAsync(string session, CancellationToken cancellationToken)
    {
        var events = new List<AuditEvent>();
        foreach (var proxy in (await runtime.ListContainersAsync(SessionLabels.ForSession(session), cancellationToken).ConfigureAwait(false)).Where(c => c.Label(SessionLabels.Role) == "proxy"))
        {
            byte[]? log = null;
            try
            {
                log = await runtime.ReadFileAsync(proxy.Name, Scc.Egress.EgressProxyContract.AccessLogPath, cancellationToken).ConfigureAwait(false);
            }
            catch (ContainerRuntimeException)
            {
            }

            foreach (var denial in log is null ? [] : Scc.Egress.SquidAccessLog.Denials(Encoding.UTF8.GetString(log).Split('\n')))
            {
                events.Add(AuditEvent.Warning("egress.denied", denial.Host, new JsonObject
                {
                    ["session"] = session,
                    ["host"] = denial.Host,
                    ["port"] = denial.Port,
                    ["time"] = denial.Time.ToString("O"),
                }));
            }

            events.Add(AuditEvent.Info("egress.teardown", session, new JsonObject { ["session"] = session, ["proxy"] = proxy.Name }));
        }

        return events;
    }

    private async Task<List<AuditEvent>> CollectSafetyEventsAsync(string container, string session, CancellationToken cancellationToken)
    {
        var events = new List<AuditEvent>();
        byte[]? bytes;
        try
        {
            bytes = await runtime.ReadFileAsync(container, SafetyEventsPath, cancellationToken).ConfigureAwait(false);
        }
        catch (ContainerRuntimeException)
        {
            return events;
        }

        if (bytes is null)
        {
            return events;
        }

        foreach (var line in Encoding.UTF8.GetString(bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            JsonObject data;
            try
            {
                data = JsonNode.Parse(line) as JsonObject ?? new JsonObject { ["raw"] = line };
            }
            catch (JsonException)
            {
                data = new JsonObject { ["raw"] = line, ["problem"] = "not JSON: written by something other than the evaluator" };
            }

            data["session"] = session;
            var blocked = data["verdict"]?.ToString() is "block" or "blocked";
            events.Add(new AuditEvent("safety.check", blocked ? AuditSeverity.Warning : AuditSeverity.Info, data["tool"]?.ToString() ?? "unknown", data));
        }

        return events;
    }
}
