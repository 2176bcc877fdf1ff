using System.Text;
using System.Text.Json;
using Scc.Abstractions;

namespace Scc.Plugins.Claude;

/// <summary>
/// Renders <c>~/.claude/settings.json</c>: <c>enabledPlugins</c>, <c>extraKnownMarketplaces</c> and
/// <c>mcpServers</c>. Keys are sorted so the same fragment always gives the same bytes.
/// </summary>
internal sealed class ClaudeSettingsRunner : IAgentRunner
{
    public string ProviderId => ClaudeProvider.Id;

    public RenderedSettings Render(SettingsFragment fragment)
    {
        ArgumentNullException.ThrowIfNull(fragment);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteStartObject("enabledPlugins");
            foreach (var plugin in fragment.EnabledPlugins.Select(p => p.ToString()).Distinct().Order(StringComparer.Ordinal))
            {
                w.WriteBoolean(plugin, true);
            }

            w.WriteEndObject();
            w.WriteStartObject("extraKnownMarketplaces");
            foreach (var m in fragment.Marketplaces.OrderBy(m => m.Name, StringComparer.Ordinal))
            {
                WriteMarketplace(w, m);
            }

            w.WriteEndObject();
            w.WriteStartObject("mcpServers");
            foreach (var s in fragment.McpServers.OrderBy(s => s.Name, StringComparer.Ordinal))
            {
                WriteServer(w, s);
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        return new RenderedSettings(".claude/settings.json", SettingsScope.Home, buffer.ToArray(), "json");
    }

    private static void WriteMarketplace(Utf8JsonWriter w, MarketplaceDefinition m)
    {
        w.WriteStartObject(m.Name);
        w.WriteStartObject("source");
        w.WriteString("source", m.Source);
        switch (m.Source)
        {
            case "github":
                w.WriteString("repo", m.Location);
                break;
            case "directory":
                w.WriteString("path", m.Location);
                break;
            default:
                w.WriteString("url", m.Location);
                break;
        }

        if (m.Ref is not null)
        {
            w.WriteString("ref", m.Ref);
        }

        if (m.Path is not null && m.Source != "directory")
        {
            w.WriteString("path", m.Path);
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteServer(Utf8JsonWriter w, McpServerDefinition s)
    {
        w.WriteStartObject(s.Name);
        switch (s.Transport)
        {
            case McpTransport.Stdio:
                w.WriteString("type", "stdio");
                w.WriteString("command", s.Command);
                w.WriteStartArray("args");
                foreach (var a in s.Args)
                {
                    w.WriteStringValue(a);
                }

                w.WriteEndArray();
                WriteMap(w, "env", s.Env);
                break;
            default:
                w.WriteString("type", s.Transport == McpTransport.Sse ? "sse" : "http");
                w.WriteString("url", s.Url);
                WriteMap(w, "headers", s.Headers);
                break;
        }

        w.WriteEndObject();
    }

    private static void WriteMap(Utf8JsonWriter w, string name, IReadOnlyDictionary<string, string> map)
    {
        w.WriteStartObject(name);
        foreach (var (k, v) in map.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            w.WriteString(k, v);
        }

        w.WriteEndObject();
    }
}
