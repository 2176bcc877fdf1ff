namespace Scc.Core.Runtime;

/// <summary>
/// Builds the hardened container for an agent session (DESIGN.md §6, docs/runtime.md). Pure: the same request gives
/// the same plan, so <c>scc start --dry-run</c> shows exactly what would run.
/// </summary>
internal static class SandboxPlanBuilder
{
    /// <summary>The home the image prepares for the agent; scc hands it to the agent's uid before start.</summary>
    public const string AgentHome = "/home/agent";

    /// <summary>The agent user the image creates (uid 1000); scc renumbers it to the workspace owner.</summary>
    public const string AgentUserName = "agent";

    /// <summary>
    /// No capability at all. The agent runs as an unprivileged uid from the first process on: nothing in the
    /// container changes users (no CAP_SETUID/SETGID), changes owners (no CAP_CHOWN/FOWNER), bypasses permissions
    /// (no CAP_DAC_OVERRIDE), binds low ports (no CAP_NET_BIND_SERVICE) or uses raw sockets (no CAP_NET_RAW, so no
    /// ping and no spoofing). Files scc places (settings, policy, account) are written by the engine, not from inside.
    /// </summary>
    public static readonly IReadOnlyList<string> CapAdd = [];

    public static readonly IReadOnlyList<string> CapDrop = ["ALL"];

    /// <summary>no-new-privileges: a setuid binary (su, sudo, passwd) cannot raise the agent's privileges.</summary>
    public static readonly IReadOnlyList<string> SecurityOptions = ["no-new-privileges:true"];

    /// <summary>
    /// Enforced mode's resolver: the engine's embedded DNS still answers container names (the proxy's alias), but
    /// forwards every other name to 127.0.0.1 inside the container, where nothing listens (binding port 53 needs a
    /// capability the agent lacks). So the agent cannot resolve external names, and a DNS query cannot carry data out.
    /// Short timeouts make such lookups fail in about a second instead of twenty.
    /// </summary>
    public static readonly IReadOnlyList<string> EnforcedDns = ["127.0.0.1"];

    public static readonly IReadOnlyList<string> EnforcedDnsOptions = ["timeout:1", "attempts:1"];

    /// <summary>The main process keeps the container up; the agent itself runs as an exec so `scc exec` and attach work alike.</summary>
    public static readonly IReadOnlyList<string> KeepAlive = ["sleep", "infinity"];

    /// <summary>Where the evaluator reads the safety policy (<c>safety-policy.json</c>).</summary>
    public const string PolicyDirectory = "/etc/scc";

    public static SandboxContainerPlan Build(SandboxRequest request)
    {
        var identity = request.Identity;
        var provider = request.Provider;
        var warnings = new List<string>();
        var workspace = identity.Workspace;

        if (request.Owner.IsRoot)
        {
            warnings.Add(
                $"The workspace {workspace} belongs to root, so the agent runs as uid 0 (with no capabilities and no-new-privileges) "
                + "to be able to write it; a workspace owned by your own user keeps the agent unprivileged.");
        }

        var mounts = new List<MountSpec>
        {
            // Same path inside as outside: absolute paths in output, configs and git worktree links stay true.
            MountSpec.Bind(workspace, workspace),
            // Both volumes are made by the container's creation when missing, labelled: the data volume as this
            // session's (a start that fails removes it only then), the policy volume as the session's own.
            MountSpec.Volume(provider.DataVolumeName, provider.DataMountPath, SessionLabels.DataVolume(provider.ProviderId, request.SessionId)),

            // The session's safety policy, read-only whoever the agent is (written by the start, DESIGN.md §6).
            MountSpec.Volume(identity.PolicyVolumeName, PolicyDirectory, identity.Labels(request.SessionId, SessionLabels.PolicyRole), readOnly: true),
        };
        foreach (var m in request.Launch.Mounts)
        {
            if (m.VolumeName.Contains('/', StringComparison.Ordinal) || m.VolumeName.StartsWith('.'))
            {
                throw new ArgumentException($"The provider asked to mount '{m.VolumeName}', which is not a volume name; only named volumes may be added.");
            }

            if (mounts.All(x => x.Target != m.ContainerPath))
            {
                mounts.Add(MountSpec.Volume(m.VolumeName, m.ContainerPath, m.ReadOnly));
            }
        }

        EnsureNoEngineSocket(mounts);

        var environment = new Dictionary<string, string>(request.Environment, StringComparer.Ordinal)
        {
            ["HOME"] = AgentHome,
            ["USER"] = request.Owner.IsRoot ? "root" : AgentUserName,
            ["LOGNAME"] = request.Owner.IsRoot ? "root" : AgentUserName,
            ["SCC_SESSION"] = request.SessionId,
            ["SCC_PROVIDER"] = identity.ProviderId,
            ["SCC_WORKSPACE"] = workspace,
        };

        var networks = request.Network.Mode switch
        {
            SandboxNetworkMode.Open => Array.Empty<string>(),
            SandboxNetworkMode.None => [ContainerSpec.NoNetwork],
            SandboxNetworkMode.Enforced => [Required(request.Network.InternalNetwork, "internal network")],
            _ => throw new ArgumentOutOfRangeException(nameof(request), request.Network.Mode, "unknown network mode"),
        };

        if (request.Network.Mode == SandboxNetworkMode.Enforced)
        {
            var proxy = Required(request.Network.ProxyUrl, "proxy URL");

            // Both spellings: curl reads only the lower-case http_proxy, node tools often only the upper-case ones.
            environment["HTTP_PROXY"] = proxy;
            environment["HTTPS_PROXY"] = proxy;
            environment["http_proxy"] = proxy;
            environment["https_proxy"] = proxy;
            environment["NO_PROXY"] = string.Empty;
            environment["no_proxy"] = string.Empty;
        }

        foreach (var (key, value) in request.Launch.Environment)
        {
            environment[key] = value;
        }

        var user = $"{request.Owner.Uid}:{request.Owner.Gid}";
        var workdir = string.IsNullOrEmpty(request.Launch.WorkingDirectory) ? workspace : request.Launch.WorkingDirectory;
        var container = new ContainerSpec(provider.ImageReference, identity.ContainerName)
        {
            Labels = identity.Labels(request.SessionId, "agent"),
            Environment = environment,
            User = user,
            WorkingDirectory = workdir,
            Command = KeepAlive,
            Entrypoint = [],
            Mounts = mounts,
            Networks = networks,
            Dns = request.Network.Mode == SandboxNetworkMode.Enforced ? EnforcedDns : [],
            DnsOptions = request.Network.Mode == SandboxNetworkMode.Enforced ? EnforcedDnsOptions : [],
            CapDrop = CapDrop,
            CapAdd = CapAdd,
            SecurityOptions = SecurityOptions,
            PidsLimit = request.Limits.PidsLimit,
            MemoryBytes = request.Limits.MemoryBytes,
            Init = true,
            Tty = false,
            OpenStdin = false,
            Hostname = Truncate(identity.ContainerName, 63),
        };

        var argv = request.Launch.Argv.Count > 0 ? request.Launch.Argv : provider.AgentArgv;
        var exec = new ExecRequest(argv) { User = user, WorkingDirectory = workdir, Environment = request.Launch.Environment };
        return new SandboxContainerPlan(container, request.Owner.Uid, request.Owner.Gid, AgentHome, exec, warnings);
    }

    private static void EnsureNoEngineSocket(IEnumerable<MountSpec> mounts)
    {
        foreach (var m in mounts)
        {
            if (m.Source.Contains("docker.sock", StringComparison.Ordinal) || m.Target.Contains("docker.sock", StringComparison.Ordinal)
                || m.Source.EndsWith("podman.sock", StringComparison.Ordinal) || m.Target is "/var/run" or "/run")
            {
                throw new InvalidOperationException($"Refusing to mount {m.Source} at {m.Target}: the engine socket never enters a sandbox.");
            }
        }
    }

    private static string Required(string? value, string what) =>
        string.IsNullOrEmpty(value) ? throw new ArgumentException($"The enforced network mode needs the {what}.") : value;

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max].TrimEnd('-');
}
