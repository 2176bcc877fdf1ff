using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Scc.Abstractions;

namespace Scc.Samples.Gemini;

/// <summary>Renders <c>~/.gemini/settings.json</c> (its <c>mcpServers</c> section) with the plugin's own Json.NET 12.</summary>
internal sealed class GeminiSettingsRunner : IAgentRunner
{
    public string ProviderId => GeminiProvider.Id;

    public RenderedSettings Render(SettingsFragment fragment)
    {
        var servers = new JObject();
        foreach (var s in fragment.McpServers.OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            servers[s.Name] = s.Transport switch
            {
                McpTransport.Stdio => new JObject
                {
                    ["command"] = s.Command,
                    ["args"] = new JArray(s.Args),
                    ["env"] = Sorted(s.Env),
                },
                McpTransport.Http => new JObject { ["httpUrl"] = s.Url, ["headers"] = Sorted(s.Headers) },
                _ => new JObject { ["url"] = s.Url, ["headers"] = Sorted(s.Headers) },
            };
        }

        var root = new JObject { ["mcpServers"] = servers };
        var text = root.ToString(Formatting.Indented).Replace("\r\n", "\n", StringComparison.Ordinal) + "\n";
        return new RenderedSettings(".gemini/settings.json", SettingsScope.Home, new UTF8Encoding(false).GetBytes(text), "json");
    }

    private static JObject Sorted(IReadOnlyDictionary<string, string> map)
    {
        var obj = new JObject();
        foreach (var (k, v) in map.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            obj[k] = v;
        }

        return obj;
    }
}
