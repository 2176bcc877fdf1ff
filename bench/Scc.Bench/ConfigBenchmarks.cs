using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Scc.Core.Config;
using Scc.Core.Governance;

namespace Scc.Bench;

/// <summary>
/// Issue 4 item 10: load, validate (JSON Schema + invariants) and merge an org config with 200 teams, 1,000 plugin
/// patterns and 500 MCP servers, then render <c>config explain --json</c> for one team. Target: median ≤ 50 ms.
/// Run: dotnet run -c Release --project bench/Scc.Bench -- --filter '*ConfigBenchmarks*'
/// </summary>
[MemoryDiagnoser]
public class ConfigBenchmarks
{
    private string _orgJson = "";
    private ProjectConfig _project = new();

    [GlobalSetup]
    public void Setup()
    {
        _orgJson = LargeOrg.Build(teams: 200, pluginPatterns: 1000, mcpServers: 500);
        _project = new ProjectConfig { AdditionalPlugins = ["proj-1@m", "blocked-3-x@m"], NetworkPolicy = "open" };
    }

    [Benchmark]
    public int LoadValidateMergeExplain()
    {
        var org = OrgConfigLoader.Parse(_orgJson, "bench-org.json").GetOrThrow();
        var effective = ConfigMerger.Merge(org, "team-117", org.Profiles["team-117"], _project);
        return ConfigExplainer.ToJson(effective, [], "bench-org.json").ToJsonString().Length;
    }
}

/// <summary>Builds a large, valid org config deterministically.</summary>
public static class LargeOrg
{
    public static string Build(int teams, int pluginPatterns, int mcpServers)
    {
        var blocked = Enumerable.Range(0, pluginPatterns / 2).Select(i => $"blocked-{i}-*").ToList();
        var allowed = Enumerable.Range(0, pluginPatterns - blocked.Count).Select(i => $"allowed-{i}-*@m").Append("team-*").Append("proj-*").ToList();
        var text = new StringBuilder();
        using (var stream = new MemoryStream())
        {
            using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
            {
                w.WriteStartObject();
                w.WriteString("schema_version", "1.0.0");
                w.WriteStartObject("organization");
                w.WriteString("name", "Bench Org");
                w.WriteString("id", "bench-org");
                w.WriteEndObject();
                w.WriteStartObject("security");
                Strings(w, "blocked_plugins", blocked);
                Strings(w, "blocked_mcp_servers", Enumerable.Range(0, 50).Select(i => $"*.evil{i}.example.com"));
                w.WriteBoolean("allow_stdio_mcp", true);
                Strings(w, "allowed_stdio_prefixes", ["/opt/mcp", "/usr/local/bin"]);
                w.WriteEndObject();
                w.WriteStartObject("defaults");
                Strings(w, "allowed_plugins", allowed);
                Strings(w, "allowed_mcp_servers", ["*.corp.example.com", "/opt/mcp/*"]);
                Strings(w, "enabled_plugins", Enumerable.Range(0, 20).Select(i => $"allowed-{i}-base@m"));
                w.WriteString("network_policy", "web-egress-enforced");
                w.WriteEndObject();
                w.WriteStartObject("delegation");
                w.WriteStartObject("teams");
                Strings(w, "allow_additional_plugins", ["team-*"]);
                Strings(w, "allow_additional_mcp_servers", ["team-*"]);
                w.WriteEndObject();
                w.WriteStartObject("projects");
                w.WriteBoolean("inherit_team_delegation", true);
                w.WriteEndObject();
                w.WriteEndObject();
                w.WriteStartObject("profiles");
                var server = 0;
                for (var t = 0; t < teams; t++)
                {
                    w.WriteStartObject($"team-{t}");
                    w.WriteString("description", $"Team {t}");
                    Strings(w, "additional_plugins", Enumerable.Range(0, 5).Select(i => $"team-{t}-plugin-{i}@m"));
                    w.WriteStartArray("additional_mcp_servers");
                    var perTeam = mcpServers / teams + (t < mcpServers % teams ? 1 : 0);
                    for (var s = 0; s < perTeam; s++, server++)
                    {
                        w.WriteStartObject();
                        w.WriteString("name", $"mcp-{server}");
                        if (server % 5 == 0)
                        {
                            w.WriteString("type", "stdio");
                            w.WriteString("command", $"/opt/mcp/server-{server}");
                        }
                        else
                        {
                            w.WriteString("type", "http");
                            w.WriteString("url", $"https://mcp{server}.corp.example.com/mcp");
                        }

                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                    w.WriteStartObject("delegation");
                    w.WriteBoolean("allow_project_overrides", true);
                    w.WriteEndObject();
                    w.WriteEndObject();
                }

                w.WriteEndObject();
                w.WriteEndObject();
            }

            text.Append(Encoding.UTF8.GetString(stream.ToArray()));
        }

        return text.ToString();
    }

    private static void Strings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }
}
