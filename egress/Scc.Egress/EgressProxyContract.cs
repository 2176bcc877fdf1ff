namespace Scc.Egress;

/// <summary>
/// The fixed facts about the proxy container that the runtime and the image agree on (docs/egress.md,
/// images/scc-egress-proxy). Changing one means changing the image and the docs together.
/// </summary>
public static class EgressProxyContract
{
    /// <summary>Repository of the proxy image built from images/scc-egress-proxy.</summary>
    public const string ImageRepository = "scc-egress-proxy";

    /// <summary>Port Squid listens on inside the container; the agent's proxy URL uses it.</summary>
    public const int ListenPort = 3128;

    /// <summary>Where the compiled config is mounted (read-only) inside the proxy container.</summary>
    public const string ConfigPath = "/etc/scc-egress/squid.conf";

    /// <summary>Folder of the access log inside the container; mount a host folder (or volume) here to read it.</summary>
    public const string LogDirectory = "/var/log/squid";

    /// <summary>The access log in the <c>scc1</c> format that <see cref="SquidAccessLog"/> parses.</summary>
    public const string AccessLogPath = "/var/log/squid/access.log";

    /// <summary>Writable folder where the entrypoint generates the throw-away TLS peek certificate.</summary>
    public const string StateDirectory = "/var/lib/scc-egress";

    /// <summary>Certificate the entrypoint generates at start (Squid needs one to peek at TLS).</summary>
    public const string CertificatePath = StateDirectory + "/bump.pem";

    /// <summary>Key of <see cref="CertificatePath"/>.</summary>
    public const string KeyPath = StateDirectory + "/bump.key";

    /// <summary>UID:GID of Debian's squid user (<c>proxy</c>), which the container runs as; a mounted log folder
    /// must be writable by it.</summary>
    public const string ProxyUser = "13:13";

    /// <summary>Network alias the proxy gets on the session's internal network; the agent's proxy URL names it.</summary>
    public const string NetworkAlias = "scc-egress";

    /// <summary>Folders that must be writable tmpfs mounts (owned by <see cref="ProxyUser"/>) when the proxy runs
    /// with a read-only root file system, as docs/egress.md recommends.</summary>
    public static IReadOnlyList<string> WritableTmpfs { get; } = [StateDirectory, "/var/spool/squid", "/tmp"];

    /// <summary>
    /// The environment the agent container needs so every HTTP client it may run uses the proxy: both spellings
    /// (curl reads lower case, many others upper case), and empty no-proxy lists so nothing bypasses it.
    /// </summary>
    public static IReadOnlyDictionary<string, string> AgentEnvironment(string proxyHost = NetworkAlias)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(proxyHost);
        var url = $"http://{proxyHost}:{ListenPort}";
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["HTTP_PROXY"] = url,
            ["HTTPS_PROXY"] = url,
            ["http_proxy"] = url,
            ["https_proxy"] = url,
            ["NO_PROXY"] = string.Empty,
            ["no_proxy"] = string.Empty,
        };
    }
}
