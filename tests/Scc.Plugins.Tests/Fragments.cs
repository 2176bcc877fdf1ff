using Scc.Abstractions;

namespace Scc.Plugins.Tests;

/// <summary>The settings fragments every runner is rendered from; each has a golden file per provider.</summary>
public static class Fragments
{
    public static readonly IReadOnlyDictionary<string, SettingsFragment> All = new Dictionary<string, SettingsFragment>
    {
        ["empty"] = SettingsFragment.Empty,
        ["plugins-only"] = new(
            [AgentPluginRef.Parse("code-review@team-tools"), AgentPluginRef.Parse("lint")],
            [],
            [new MarketplaceDefinition("team-tools", "github", "example-org/agent-plugins", Ref: "v2")]),
        ["stdio-env"] = new(
            [],
            [McpServerDefinition.Stdio("filesystem", "npx", ["-y", "@modelcontextprotocol/server-filesystem", "/workspace"], new Dictionary<string, string> { ["LOG_LEVEL"] = "debug", ["API_TOKEN"] = "t0k3n" })],
            []),
        ["http-headers"] = new(
            [],
            [
                McpServerDefinition.Remote("docs", McpTransport.Http, "https://mcp.example.com/mcp", new Dictionary<string, string> { ["X-Team"] = "platform", ["Authorization"] = "Bearer abc" }),
                McpServerDefinition.Remote("events", McpTransport.Sse, "https://mcp.example.com/sse"),
            ],
            []),
        ["quoting"] = new(
            [],
            [
                McpServerDefinition.Stdio("my server", "/opt/tools/run \"x\"", ["a\\b", "tab\there", "line\nbreak"], new Dictionary<string, string> { ["KEY.WITH.DOTS"] = "v=1", ["ünïcode"] = "ü" }),
                McpServerDefinition.Stdio("dotted.name", "tool", [], null),
                McpServerDefinition.Stdio("bare_ok-1", "tool", ["\u0001ctrl"], null),
            ],
            []),
    };
}
