using System.Runtime.Loader;
using System.Text;
using System.Text.Json;
using Scc.Abstractions;
using Tomlyn;
using Tomlyn.Model;

namespace Scc.Plugins.Tests;

public sealed class RendererTests
{
    private static IAgentRunner Runner(string id) => PluginFixture.Catalog.FindProvider(id)!.Value.Runner;

    [Fact]
    public void ClaudeRender_PluginsAndMarketplace_InClaudeShape()
    {
        var settings = Runner("claude").Render(Fragments.All["plugins-only"]);
        using var doc = JsonDocument.Parse(settings.Content);
        var root = doc.RootElement;
        root.GetProperty("enabledPlugins").GetProperty("code-review@team-tools").GetBoolean().ShouldBeTrue();
        root.GetProperty("enabledPlugins").GetProperty("lint").GetBoolean().ShouldBeTrue();
        var source = root.GetProperty("extraKnownMarketplaces").GetProperty("team-tools").GetProperty("source");
        source.GetProperty("source").GetString().ShouldBe("github");
        source.GetProperty("repo").GetString().ShouldBe("example-org/agent-plugins");
        settings.RelativePath.ShouldBe(".claude/settings.json");
    }

    [Fact]
    public void ClaudeRender_StdioAndHttp_ServersCarryEnvAndHeaders()
    {
        var stdio = JsonDocument.Parse(Runner("claude").Render(Fragments.All["stdio-env"]).Content).RootElement.GetProperty("mcpServers").GetProperty("filesystem");
        stdio.GetProperty("type").GetString().ShouldBe("stdio");
        stdio.GetProperty("env").GetProperty("API_TOKEN").GetString().ShouldBe("t0k3n");
        var http = JsonDocument.Parse(Runner("claude").Render(Fragments.All["http-headers"]).Content).RootElement.GetProperty("mcpServers");
        http.GetProperty("docs").GetProperty("headers").GetProperty("Authorization").GetString().ShouldBe("Bearer abc");
        http.GetProperty("events").GetProperty("type").GetString().ShouldBe("sse");
    }

    [Fact]
    public void CodexRender_Empty_OnlyFileCredentialStore()
    {
        var toml = TomlSerializer.Deserialize<TomlTable>(Encoding.UTF8.GetString(Runner("codex").Render(SettingsFragment.Empty).Content))!;
        toml["cli_auth_credentials_store"].ShouldBe("file");
        toml.ContainsKey("mcp_servers").ShouldBeFalse();
    }

    [Fact]
    public void CodexRender_StdioWithEnv_TablesParseBackToSameValues()
    {
        var toml = TomlSerializer.Deserialize<TomlTable>(Encoding.UTF8.GetString(Runner("codex").Render(Fragments.All["stdio-env"]).Content))!;
        var server = (TomlTable)((TomlTable)toml["mcp_servers"])["filesystem"];
        server["command"].ShouldBe("npx");
        ((TomlArray)server["args"]).Select(a => (string)a!).ShouldBe(["-y", "@modelcontextprotocol/server-filesystem", "/workspace"]);
        ((TomlTable)server["env"])["API_TOKEN"].ShouldBe("t0k3n");
    }

    [Fact]
    public void CodexRender_HttpHeaders_UrlAndHttpHeadersSseSkippedVisibly()
    {
        var text = Encoding.UTF8.GetString(Runner("codex").Render(Fragments.All["http-headers"]).Content);
        var servers = (TomlTable)TomlSerializer.Deserialize<TomlTable>(text)!["mcp_servers"];
        var docs = (TomlTable)servers["docs"];
        docs["url"].ShouldBe("https://mcp.example.com/mcp");
        ((TomlTable)docs["http_headers"])["Authorization"].ShouldBe("Bearer abc");
        servers.ContainsKey("events").ShouldBeFalse();
        text.ShouldContain("\"events\" uses SSE");
    }

    [Fact]
    public void CodexRender_NamesThatNeedQuoting_RoundTripExactly()
    {
        var text = Encoding.UTF8.GetString(Runner("codex").Render(Fragments.All["quoting"]).Content);
        var servers = (TomlTable)TomlSerializer.Deserialize<TomlTable>(text)!["mcp_servers"];
        servers.Keys.Order(StringComparer.Ordinal).ShouldBe(["bare_ok-1", "dotted.name", "my server"]);
        var odd = (TomlTable)servers["my server"];
        odd["command"].ShouldBe("/opt/tools/run \"x\"");
        ((TomlArray)odd["args"]).Select(a => (string)a!).ShouldBe(["a\\b", "tab\there", "line\nbreak"]);
        var env = (TomlTable)odd["env"];
        env["KEY.WITH.DOTS"].ShouldBe("v=1");
        env["ünïcode"].ShouldBe("ü");
        ((TomlArray)((TomlTable)servers["bare_ok-1"])["args"])[0].ShouldBe("\u0001ctrl");
    }

    [Fact]
    public void SamplePlugin_PrivateDependency_IsolatedFromHostCopy()
    {
        var provider = PluginFixture.Catalog.FindProvider("gemini")!.Value.Provider;
        var pluginContext = AssemblyLoadContext.GetLoadContext(provider.GetType().Assembly)!;
        pluginContext.ShouldNotBe(AssemblyLoadContext.Default);

        // Rendering uses the plugin's Json.NET, which makes the plugin context load it.
        Runner("gemini").Render(Fragments.All["stdio-env"]).Content.ShouldNotBeEmpty();
        var pluginCopy = pluginContext.Assemblies.Single(a => a.GetName().Name == "Newtonsoft.Json");
        var hostCopy = typeof(Newtonsoft.Json.JsonConvert).Assembly;

        pluginCopy.GetName().Version!.Major.ShouldBe(12);
        hostCopy.GetName().Version!.Major.ShouldBe(13);
        AssemblyLoadContext.GetLoadContext(hostCopy).ShouldBe(AssemblyLoadContext.Default);

        // The ABI itself is shared, so the plugin's types are the host's types.
        typeof(IAgentProvider).Assembly.ShouldBeSameAs(provider.GetType().GetInterfaces().Single(i => i.Name == nameof(IAgentProvider)).Assembly);
    }
}
