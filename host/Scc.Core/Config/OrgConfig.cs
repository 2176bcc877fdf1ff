using System.Text.Json.Serialization;

namespace Scc.Core.Config;

// Properties use `set`, not `init`: the System.Text.Json source generator assigns every init-only property
// (default when the key is absent), which would null out the empty-list defaults below.
/// <summary>
/// The org config (SCC org-config format, schema_version 1.0.0, plus scc's optional additions). Property names map
/// to snake_case keys. Everything except <see cref="SchemaVersion"/> and <see cref="Organization"/> is optional;
/// absent lists are empty, except the allow-lists where null means "everything" and [] means "nothing".
/// </summary>
internal sealed record OrgConfig
{
    [JsonPropertyName("$schema")]
    public string? Schema { get; set; }

    public string SchemaVersion { get; set; } = "";

    public string? MinCliVersion { get; set; }

    public OrganizationInfo Organization { get; set; } = new();

    public IReadOnlyDictionary<string, MarketplaceSpec> Marketplaces { get; set; } = new Dictionary<string, MarketplaceSpec>();

    public SecurityConfig Security { get; set; } = new();

    public DefaultsConfig Defaults { get; set; } = new();

    public DelegationConfig Delegation { get; set; } = new();

    public IReadOnlyDictionary<string, TeamProfile> Profiles { get; set; } = new Dictionary<string, TeamProfile>();

    /// <summary>scc: named egress destination sets, referenced by name from an egress block's <c>sets</c>.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> DestinationSets { get; set; } = new Dictionary<string, IReadOnlyList<string>>();

    public StatsConfig? Stats { get; set; }

    /// <summary>The built-in org used in standalone mode: safe defaults, nothing to set up.</summary>
    public static OrgConfig Standalone { get; } = new()
    {
        SchemaVersion = OrgConfigLoader.SupportedSchemaVersion,
        Organization = new OrganizationInfo { Name = "Standalone", Id = "standalone" },
    };
}

internal sealed record OrganizationInfo
{
    public string Name { get; set; } = "";

    public string Id { get; set; } = "";

    public string? Contact { get; set; }
}

/// <summary>A marketplace source: github (owner/repo), git (url), url (https manifest) or directory (path).</summary>
internal sealed record MarketplaceSpec
{
    public string Source { get; set; } = "";

    public string? Owner { get; set; }

    public string? Repo { get; set; }

    public string? Branch { get; set; }

    public string? Path { get; set; }

    public string? Url { get; set; }

    public IReadOnlyDictionary<string, string>? Headers { get; set; }

    public string? MaterializationMode { get; set; }
}

internal sealed record SecurityConfig
{
    /// <summary>Case-insensitive globs over plugin refs (<c>name@marketplace</c>); final at every layer.</summary>
    public IReadOnlyList<string> BlockedPlugins { get; set; } = [];

    /// <summary>Case-insensitive globs over MCP server name, URL, host and command.</summary>
    public IReadOnlyList<string> BlockedMcpServers { get; set; } = [];

    public bool AllowStdioMcp { get; set; }

    public IReadOnlyList<string> AllowedStdioPrefixes { get; set; } = [];

    public SafetyNetConfig? SafetyNet { get; set; }

    /// <summary>scc: provider ids that may run; null = every provider.</summary>
    public IReadOnlyList<string>? AllowedProviders { get; set; }

    /// <summary>scc: which third-party provider plugins the host may load (read by the plugin host).</summary>
    public ProviderPluginPolicy ProviderPlugins { get; set; } = new();
}

internal sealed record SafetyNetConfig
{
    public string? Action { get; set; }

    public bool? BlockForcePush { get; set; }

    public bool? BlockResetHard { get; set; }

    public bool? BlockBranchForceDelete { get; set; }

    public bool? BlockCheckoutRestore { get; set; }

    public bool? BlockClean { get; set; }

    public bool? BlockStashDestructive { get; set; }

    /// <summary>scc: the engine's own rule keys; wins over the six older keys above.</summary>
    public IReadOnlyDictionary<string, bool>? Rules { get; set; }
}

internal sealed record ProviderPluginPolicy
{
    /// <summary>Plugins that may load: by id, optionally pinned to a publisher and to the hash of the whole plugin folder (`scc plugins verify`).</summary>
    /// <remarks>Null when the key is absent (no allow list: any plugin not blocked may load); [] allows no user plugin.</remarks>
    public IReadOnlyList<ProviderPluginAllow>? Allow { get; set; }

    /// <summary>Case-insensitive globs over plugin ids; a block wins over an allow.</summary>
    public IReadOnlyList<string> Block { get; set; } = [];
}

internal sealed record ProviderPluginAllow
{
    public string Id { get; set; } = "";

    public string? Publisher { get; set; }

    public string? Sha256 { get; set; }
}

internal sealed record SessionConfig
{
    public int? TimeoutHours { get; set; }

    public bool? AutoResume { get; set; }
}

/// <summary>scc: egress destinations (exact hosts, <c>*.domain</c>, <c>host:port</c>) and named sets.</summary>
internal sealed record EgressConfig
{
    public IReadOnlyList<string> Destinations { get; set; } = [];

    public IReadOnlyList<string> Sets { get; set; } = [];

    /// <summary>Org defaults only: CIDR ranges a destination may resolve into.</summary>
    public IReadOnlyList<string> PrivateNetworks { get; set; } = [];
}

internal sealed record DefaultsConfig
{
    public IReadOnlyList<string>? AllowedPlugins { get; set; }

    public IReadOnlyList<string>? AllowedMcpServers { get; set; }

    /// <summary>scc: what teams and projects may add as egress destinations; null = anything.</summary>
    public IReadOnlyList<string>? AllowedDestinations { get; set; }

    public IReadOnlyList<string> EnabledPlugins { get; set; } = [];

    public IReadOnlyList<string> DisabledPlugins { get; set; } = [];

    public IReadOnlyList<string> ExtraMarketplaces { get; set; } = [];

    public int? CacheTtlHours { get; set; }

    public string? NetworkPolicy { get; set; }

    public SessionConfig Session { get; set; } = new();

    public EgressConfig? Egress { get; set; }
}

internal sealed record DelegationConfig
{
    public TeamsDelegation Teams { get; set; } = new();

    public ProjectsDelegation Projects { get; set; } = new();
}

internal sealed record TeamsDelegation
{
    /// <summary>Team-name globs allowed to add plugins.</summary>
    public IReadOnlyList<string> AllowAdditionalPlugins { get; set; } = [];

    public IReadOnlyList<string> AllowAdditionalMcpServers { get; set; } = [];

    /// <summary>scc: team-name globs allowed to add egress destinations.</summary>
    public IReadOnlyList<string> AllowAdditionalDestinations { get; set; } = [];
}

internal sealed record ProjectsDelegation
{
    /// <summary>Master switch: without it no team can delegate to projects.</summary>
    public bool InheritTeamDelegation { get; set; }
}

internal sealed record TeamProfile
{
    public string? Description { get; set; }

    public IReadOnlyList<string> AdditionalPlugins { get; set; } = [];

    public IReadOnlyList<McpServerSpec> AdditionalMcpServers { get; set; } = [];

    public string? NetworkPolicy { get; set; }

    public SessionConfig Session { get; set; } = new();

    public TeamDelegation? Delegation { get; set; }

    public ConfigSourceSpec? ConfigSource { get; set; }

    public TrustGrant? Trust { get; set; }

    public EgressConfig? Egress { get; set; }

    /// <summary>Federated team file only: plugins the team file enables (treated as additions).</summary>
    public IReadOnlyList<string> EnabledPlugins { get; set; } = [];

    /// <summary>Federated team file only: globs of org default plugins the team turns off.</summary>
    public IReadOnlyList<string> DisabledPlugins { get; set; } = [];

    public IReadOnlyDictionary<string, MarketplaceSpec> Marketplaces { get; set; } = new Dictionary<string, MarketplaceSpec>();

    [JsonIgnore]
    public bool IsFederated => ConfigSource is not null;
}

internal sealed record TeamDelegation
{
    public bool AllowProjectOverrides { get; set; }
}

internal sealed record TrustGrant
{
    public bool? InheritOrgMarketplaces { get; set; }

    public bool? AllowAdditionalMarketplaces { get; set; }

    public IReadOnlyList<string> MarketplaceSourcePatterns { get; set; } = [];
}

/// <summary>An MCP server: <c>stdio</c> (command, args, env) or <c>sse</c>/<c>http</c> (url, headers).</summary>
internal sealed record McpServerSpec
{
    public string Name { get; set; } = "";

    public string Type { get; set; } = "";

    public string? Url { get; set; }

    public string? Command { get; set; }

    public IReadOnlyList<string>? Args { get; set; }

    public IReadOnlyDictionary<string, string>? Env { get; set; }

    public IReadOnlyDictionary<string, string>? Headers { get; set; }

    /// <summary>The host of <see cref="Url"/>, or null.</summary>
    [JsonIgnore]
    public string? Host => Uri.TryCreate(Url, UriKind.Absolute, out var uri) ? uri.Host : null;
}

internal sealed record StatsConfig
{
    public bool? Enabled { get; set; }

    public string? UserIdentityMode { get; set; }

    public int? RetentionDays { get; set; }
}
