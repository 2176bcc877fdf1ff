namespace Scc.Abstractions;

/// <summary>
/// Renders provider-native settings from the provider-neutral <see cref="SettingsFragment"/>. Rendering is pure and
/// deterministic: the same fragment gives the same bytes. The host owns merging with existing files and writing.
/// </summary>
public interface IAgentRunner
{
    /// <summary>The provider this runner renders for (matches <see cref="ProviderRuntimeSpec.ProviderId"/>).</summary>
    string ProviderId { get; }

    /// <summary>Renders the settings file.</summary>
    /// <param name="fragment">What the effective configuration enables.</param>
    /// <returns>The file's bytes and where it goes.</returns>
    RenderedSettings Render(SettingsFragment fragment);
}

/// <summary>A provider-native settings file.</summary>
/// <param name="RelativePath">Path relative to <paramref name="Scope"/>.</param>
/// <param name="Scope">Home or workspace.</param>
/// <param name="Content">The file's bytes (UTF-8 without BOM for text formats).</param>
/// <param name="Format">The format, e.g. <c>json</c> or <c>toml</c>.</param>
public sealed record RenderedSettings(string RelativePath, SettingsScope Scope, byte[] Content, string Format);

/// <summary>The provider-neutral settings the host asks a runner to render.</summary>
/// <param name="EnabledPlugins">Agent-side plugins to enable.</param>
/// <param name="McpServers">MCP servers to configure.</param>
/// <param name="Marketplaces">Extra plugin marketplaces to make known.</param>
public sealed record SettingsFragment(
    IReadOnlyList<AgentPluginRef> EnabledPlugins,
    IReadOnlyList<McpServerDefinition> McpServers,
    IReadOnlyList<MarketplaceDefinition> Marketplaces)
{
    /// <summary>A fragment that enables nothing.</summary>
    public static SettingsFragment Empty { get; } = new([], [], []);
}

/// <summary>An agent-side plugin, written <c>name@marketplace</c>.</summary>
/// <param name="Name">Plugin name.</param>
/// <param name="Marketplace">Marketplace name, or <see langword="null"/> for the agent's default.</param>
public sealed record AgentPluginRef(string Name, string? Marketplace)
{
    /// <summary>The <c>name@marketplace</c> form.</summary>
    /// <returns>The reference as text.</returns>
    public override string ToString() => Marketplace is null ? Name : $"{Name}@{Marketplace}";

    /// <summary>Parses <c>name</c> or <c>name@marketplace</c>.</summary>
    /// <param name="text">The reference.</param>
    /// <returns>The parsed reference.</returns>
    public static AgentPluginRef Parse(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        var at = text.LastIndexOf('@');
        return at <= 0 || at == text.Length - 1 ? new AgentPluginRef(text, null) : new AgentPluginRef(text[..at], text[(at + 1)..]);
    }
}

/// <summary>MCP transport types.</summary>
public enum McpTransport
{
    /// <summary>A local process speaking MCP over stdin/stdout.</summary>
    Stdio,

    /// <summary>Streamable HTTP.</summary>
    Http,

    /// <summary>Server-sent events.</summary>
    Sse,
}

/// <summary>An MCP server to configure.</summary>
/// <param name="Name">Identifier, unique within a fragment.</param>
/// <param name="Transport">Transport type.</param>
/// <param name="Command">Program to run (stdio only).</param>
/// <param name="Args">Arguments (stdio only).</param>
/// <param name="Env">Environment variables (stdio only).</param>
/// <param name="Url">Endpoint (http and sse only).</param>
/// <param name="Headers">HTTP headers (http and sse only).</param>
public sealed record McpServerDefinition(
    string Name,
    McpTransport Transport,
    string? Command,
    IReadOnlyList<string> Args,
    IReadOnlyDictionary<string, string> Env,
    string? Url,
    IReadOnlyDictionary<string, string> Headers)
{
    /// <summary>A stdio server.</summary>
    /// <param name="name">Identifier.</param>
    /// <param name="command">Program.</param>
    /// <param name="args">Arguments.</param>
    /// <param name="env">Environment, or null for none.</param>
    /// <returns>The definition.</returns>
    public static McpServerDefinition Stdio(string name, string command, IReadOnlyList<string>? args = null, IReadOnlyDictionary<string, string>? env = null) =>
        new(name, McpTransport.Stdio, command, args ?? [], env ?? new Dictionary<string, string>(), null, new Dictionary<string, string>());

    /// <summary>An http or sse server.</summary>
    /// <param name="name">Identifier.</param>
    /// <param name="transport">Http or sse.</param>
    /// <param name="url">Endpoint.</param>
    /// <param name="headers">Headers, or null for none.</param>
    /// <returns>The definition.</returns>
    public static McpServerDefinition Remote(string name, McpTransport transport, string url, IReadOnlyDictionary<string, string>? headers = null) =>
        new(name, transport, null, [], new Dictionary<string, string>(), url, headers ?? new Dictionary<string, string>());
}

/// <summary>A plugin marketplace.</summary>
/// <param name="Name">Marketplace name.</param>
/// <param name="Source">Source kind: <c>github</c>, <c>git</c>, <c>url</c> or <c>directory</c>.</param>
/// <param name="Location">Repository (<c>owner/name</c>), git URL, URL or path, by <paramref name="Source"/>.</param>
/// <param name="Ref">Optional branch, tag or commit (github and git).</param>
/// <param name="Path">Optional path inside the repository.</param>
public sealed record MarketplaceDefinition(string Name, string Source, string Location, string? Ref = null, string? Path = null);
