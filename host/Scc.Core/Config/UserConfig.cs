using System.Text.Json.Serialization;

namespace Scc.Core.Config;

/// <summary>Where the org config comes from: a local path or an https URL, and how to authenticate.</summary>
/// <param name="Source">A file path or an <c>https://</c> URL.</param>
/// <param name="Auth"><c>env:VAR</c> or <c>command:CMD</c> (command only for a local config), or null.</param>
/// <param name="AuthHeader">The header the token goes in; null means <c>Authorization: Bearer</c>.</param>
internal sealed record OrgSourceSetting(
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("auth")] string? Auth = null,
    [property: JsonPropertyName("auth_header")] string? AuthHeader = null);

/// <summary>Machine-local runtime settings (corporate CAs, the network the egress proxy reaches out on).</summary>
internal sealed record RuntimeSettings
{
    /// <summary>PEM files added to the image trust store at build time (TLS-inspecting proxies).</summary>
    [JsonPropertyName("extra_ca_certificates")]
    public IReadOnlyList<string> ExtraCaCertificates { get; set; } = [];

    /// <summary>The Docker network the egress proxy uses to reach out; null = the default bridge.</summary>
    [JsonPropertyName("egress_network")]
    public string? EgressNetwork { get; set; }

    /// <summary>
    /// The private IPv4 range (CIDR) the per-session internal networks take their /28 from; null =
    /// <see cref="Launch.SessionSubnetPool.DefaultPool"/>.
    /// </summary>
    [JsonPropertyName("session_subnet_pool")]
    public string? SessionSubnetPool { get; set; }
}

// Properties use `set`, not `init`: the System.Text.Json source generator assigns every init-only property
// (default when the key is absent), which would null out the empty-list defaults below.
/// <summary>
/// The user's own preferences at <c>$XDG_CONFIG_HOME/scc/config.json</c>. Everything is optional: a missing file
/// is the same as <see cref="Default"/> (standalone is decided by <see cref="Standalone"/> or by having no org).
/// </summary>
internal sealed record UserConfig
{
    public const string ProviderAsk = "ask";

    public static UserConfig Default { get; } = new();

    [JsonPropertyName("config_version")]
    public int ConfigVersion { get; set; } = 1;

    [JsonPropertyName("org_source")]
    public OrgSourceSetting? OrgSource { get; set; }

    [JsonPropertyName("selected_team")]
    public string? SelectedTeam { get; set; }

    /// <summary>A provider id, or <see cref="ProviderAsk"/> to be asked each time; null = not chosen yet.</summary>
    [JsonPropertyName("provider")]
    public string? Provider { get; set; }

    [JsonPropertyName("standalone")]
    public bool Standalone { get; set; }

    /// <summary>Workspace path → team, overriding <see cref="SelectedTeam"/> inside that workspace.</summary>
    [JsonPropertyName("workspace_teams")]
    public IReadOnlyDictionary<string, string> WorkspaceTeams { get; set; } = new Dictionary<string, string>();

    /// <summary>Workspace path → the provider last used there.</summary>
    [JsonPropertyName("workspace_providers")]
    public IReadOnlyDictionary<string, string> WorkspaceProviders { get; set; } = new Dictionary<string, string>();

    [JsonPropertyName("runtime")]
    public RuntimeSettings Runtime { get; set; } = new();

    /// <summary>True when there is no org to follow: the built-in safe defaults apply.</summary>
    [JsonIgnore]
    public bool IsStandalone => Standalone || OrgSource is null;

    /// <summary>The team that applies in <paramref name="workspace"/>: its pin, else the selected team.</summary>
    public string? TeamFor(string? workspace) =>
        workspace is not null && WorkspaceTeams.TryGetValue(NormalizeWorkspace(workspace), out var pinned) ? pinned : SelectedTeam;

    public string? ProviderFor(string? workspace) =>
        workspace is not null && WorkspaceProviders.TryGetValue(NormalizeWorkspace(workspace), out var last) ? last : null;

    public UserConfig WithWorkspaceTeam(string workspace, string team) =>
        this with { WorkspaceTeams = With(WorkspaceTeams, NormalizeWorkspace(workspace), team) };

    public UserConfig WithWorkspaceProvider(string workspace, string provider) =>
        this with { WorkspaceProviders = With(WorkspaceProviders, NormalizeWorkspace(workspace), provider) };

    /// <summary>Pins are keyed by the full path without a trailing separator, so <c>/a/b/</c> and <c>/a/b</c> agree.</summary>
    public static string NormalizeWorkspace(string workspace) =>
        Path.TrimEndingDirectorySeparator(Path.GetFullPath(workspace));

    private static Dictionary<string, string> With(IReadOnlyDictionary<string, string> map, string key, string value)
    {
        var copy = new Dictionary<string, string>(map, StringComparer.Ordinal) { [key] = value };
        return copy;
    }
}

[JsonSourceGenerationOptions(
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(UserConfig))]
internal sealed partial class UserConfigJsonContext : JsonSerializerContext;
