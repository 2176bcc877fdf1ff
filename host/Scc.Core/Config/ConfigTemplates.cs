namespace Scc.Core.Config;

/// <summary>Starter files: org config templates (the tested samples) and a commented <c>.scc.yaml</c>.</summary>
internal static class ConfigTemplates
{
    public static readonly IReadOnlyList<string> OrgTemplates = ["minimal", "teams", "strict"];

    public static string Org(string template)
    {
        var name = $"Scc.Core.Config.Templates.{template}.json";
        using var stream = typeof(ConfigTemplates).Assembly.GetManifestResourceStream(name)
            ?? throw new ArgumentException($"There is no org template '{template}'.", nameof(template));
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public const string Project = """
        # .scc.yaml: what this project asks for on top of the org and team config.
        # Additions are applied only where the org and your team delegate them; anything the org blocks stays
        # blocked. `scc config explain` shows what applies and why; `scc config validate` fails on refused requests.

        # Plugins to enable (plugin@marketplace).
        # additional_plugins:
        #   - api-docs@company-plugins

        # MCP servers: sse/http with a url, or stdio with an absolute command.
        # additional_mcp_servers:
        #   - name: tickets
        #     type: http
        #     url: https://tickets.example.com/mcp

        # Network policy: open < web-egress-enforced < locked-down-web. A project may only tighten it.
        # network_policy: web-egress-enforced

        # Session settings (applied only when the team allows project overrides).
        # session:
        #   timeout_hours: 8
        #   auto_resume: false

        # Extra egress destinations for web-egress-enforced: host, *.domain or host:port; sets named by the org.
        # egress:
        #   destinations:
        #     - api.example.com
        #   sets: []

        """;
}
