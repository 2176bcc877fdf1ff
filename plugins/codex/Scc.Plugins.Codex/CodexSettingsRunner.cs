using System.Globalization;
using System.Text;
using Scc.Abstractions;

namespace Scc.Plugins.Codex;

/// <summary>
/// Renders <c>&lt;workspace&gt;/.codex/config.toml</c>: <c>cli_auth_credentials_store = "file"</c> and one
/// <c>[mcp_servers.&lt;name&gt;]</c> table per server (command/args/env for stdio; url and http_headers for http).
/// Written by hand rather than with a serializer so the plugin needs nothing but the ABI, and kept deterministic
/// by sorting names and keys. Codex has no SSE transport; such servers are listed in a comment, not dropped silently.
/// </summary>
internal sealed class CodexSettingsRunner : IAgentRunner
{
    public string ProviderId => CodexProvider.Id;

    public RenderedSettings Render(SettingsFragment fragment)
    {
        ArgumentNullException.ThrowIfNull(fragment);
        var sb = new StringBuilder();
        sb.Append("# Written by scc for this sandbox; changes are replaced at the next start.\n");
        sb.Append("cli_auth_credentials_store = \"file\"\n");
        foreach (var s in fragment.McpServers.OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            var table = "mcp_servers." + Key(s.Name);
            switch (s.Transport)
            {
                case McpTransport.Stdio:
                    sb.Append('\n').Append('[').Append(table).Append("]\n");
                    sb.Append("command = ").Append(Str(s.Command ?? string.Empty)).Append('\n');
                    sb.Append("args = [").Append(string.Join(", ", s.Args.Select(Str))).Append("]\n");
                    if (s.Env.Count > 0)
                    {
                        sb.Append('\n').Append('[').Append(table).Append(".env]\n");
                        AppendMap(sb, s.Env);
                    }

                    break;
                case McpTransport.Http:
                    sb.Append('\n').Append('[').Append(table).Append("]\n");
                    sb.Append("url = ").Append(Str(s.Url ?? string.Empty)).Append('\n');
                    if (s.Headers.Count > 0)
                    {
                        sb.Append('\n').Append('[').Append(table).Append(".http_headers]\n");
                        AppendMap(sb, s.Headers);
                    }

                    break;
                default:
                    sb.Append("\n# MCP server ").Append(Str(s.Name)).Append(" uses SSE, which Codex does not support; it is not configured.\n");
                    break;
            }
        }

        return new RenderedSettings(".codex/config.toml", SettingsScope.Workspace, new UTF8Encoding(false).GetBytes(sb.ToString()), "toml");
    }

    private static void AppendMap(StringBuilder sb, IReadOnlyDictionary<string, string> map)
    {
        foreach (var (k, v) in map.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            sb.Append(Key(k)).Append(" = ").Append(Str(v)).Append('\n');
        }
    }

    /// <summary>A bare key when TOML allows one (A-Za-z0-9_-), a quoted key otherwise.</summary>
    internal static string Key(string key) =>
        key.Length > 0 && key.All(c => c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '-') ? key : Str(key);

    /// <summary>A TOML basic string with every character TOML requires escaped.</summary>
    internal static string Str(string value)
    {
        var sb = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\b': sb.Append("\\b"); break;
                case '\t': sb.Append("\\t"); break;
                case '\n': sb.Append("\\n"); break;
                case '\f': sb.Append("\\f"); break;
                case '\r': sb.Append("\\r"); break;
                default:
                    if (c < 0x20 || c == 0x7F)
                    {
                        sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        return sb.Append('"').ToString();
    }
}
