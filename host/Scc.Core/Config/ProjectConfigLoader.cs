using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Scc.Core.Config;

/// <summary>A parsed <c>.scc.yaml</c> (null when absent or broken) and what was found wrong with it.</summary>
internal sealed record ProjectLoadResult(ProjectConfig? Config, IReadOnlyList<ConfigDiagnostic> Diagnostics, string Origin)
{
    public bool IsValid => !Diagnostics.Any(d => d.IsError);

    /// <summary>The config, or the errors as one exception: a command that acts on the project refuses an invalid file
    /// rather than run without it (governance itself merges without it, so `scc config explain` can show the rest).</summary>
    public ProjectConfig? GetOrThrow() =>
        IsValid ? Config : throw OrgConfigLoader.Invalid(Origin, Diagnostics.Where(d => d.IsError), "project config",
            "Fix the listed entries of the project config (`scc config validate` checks it again).");
}

/// <summary>
/// Reads <c>.scc.yaml</c> with YamlDotNet's representation model, then walks it by hand so every key is
/// type-checked (line named), unknown keys are warned about, and aliases cannot blow up: the walk counts every
/// node it visits, aliases included, and stops past a budget (billion laughs) or a depth limit.
/// </summary>
internal static class ProjectConfigLoader
{
    public const int MaxBytes = 256 * 1024;
    public const int MaxNodes = 10_000;
    public const int MaxDepth = 16;

    public static ProjectLoadResult LoadWorkspace(string workspace)
    {
        var path = Path.Combine(workspace, ProjectConfig.FileName);
        if (!File.Exists(path))
        {
            return new ProjectLoadResult(null, [], path);
        }

        var info = new FileInfo(path);
        if (info.Length > MaxBytes)
        {
            return new ProjectLoadResult(null, [new ConfigDiagnostic(DiagnosticSeverity.Error, "yaml.too_large",
                $"the file is {info.Length} bytes; the limit is {MaxBytes}", path)], path);
        }

        return Parse(File.ReadAllText(path), path);
    }

    public static ProjectLoadResult Parse(string text, string origin)
    {
        var diagnostics = new List<ConfigDiagnostic>();
        if (text.Length > MaxBytes)
        {
            diagnostics.Add(new ConfigDiagnostic(DiagnosticSeverity.Error, "yaml.too_large", $"the file is longer than {MaxBytes} characters", origin));
            return new ProjectLoadResult(null, diagnostics, origin);
        }

        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            diagnostics.Add(new ConfigDiagnostic(DiagnosticSeverity.Error, "yaml.syntax", "invalid YAML: " + Inner(e).Message, origin, null, (int)e.Start.Line, (int)e.Start.Column));
            return new ProjectLoadResult(null, diagnostics, origin);
        }
        catch (InvalidOperationException e)
        {
            // YamlDotNet's parser reports some unterminated flow collections this way, without a position.
            diagnostics.Add(new ConfigDiagnostic(DiagnosticSeverity.Error, "yaml.syntax", "invalid YAML: " + e.Message, origin));
            return new ProjectLoadResult(null, diagnostics, origin);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" or "~" or "null" })
        {
            return new ProjectLoadResult(new ProjectConfig(), diagnostics, origin);
        }

        if (stream.Documents.Count > 1)
        {
            diagnostics.Add(new ConfigDiagnostic(DiagnosticSeverity.Warning, "yaml.documents", "only the first YAML document is read", origin));
        }

        var reader = new Reader(origin, diagnostics);
        var config = reader.ReadRoot(stream.Documents[0].RootNode);
        return new ProjectLoadResult(diagnostics.Any(d => d.IsError) ? null : config, diagnostics, origin);
    }

    private static Exception Inner(Exception e) => e.InnerException is YamlException inner ? inner : e;

    private sealed class Reader(string origin, List<ConfigDiagnostic> diagnostics)
    {
        private int _visited;
        private bool _budgetExceeded;

        public ProjectConfig ReadRoot(YamlNode root)
        {
            // Walk the whole tree once first: the budget check must see every alias expansion before any value is used.
            if (!WithinBudget(root, 0))
            {
                return new ProjectConfig();
            }

            if (root is not YamlMappingNode map)
            {
                Error(root, "$", "the file must be a mapping of keys to values");
                return new ProjectConfig();
            }

            var config = new ProjectConfig();
            foreach (var (keyNode, value) in map.Children)
            {
                var key = (keyNode as YamlScalarNode)?.Value ?? "";
                var path = "$." + key;
                config = key switch
                {
                    "additional_plugins" => config with { AdditionalPlugins = StringList(value, path) },
                    "additional_mcp_servers" => config with { AdditionalMcpServers = McpServers(value, path) },
                    "network_policy" => config with { NetworkPolicy = NetworkPolicy(value, path) },
                    "session" => config with { Session = Session(value, path) },
                    "egress" => config with { Egress = Egress(value, path) },
                    _ => Unknown(config, keyNode, path),
                };
            }

            return config;
        }

        private bool WithinBudget(YamlNode node, int depth)
        {
            if (_budgetExceeded)
            {
                return false;
            }

            if (++_visited > MaxNodes || depth > MaxDepth)
            {
                _budgetExceeded = true;
                Error(node, "$", depth > MaxDepth
                    ? $"nesting is deeper than {MaxDepth} levels"
                    : $"more than {MaxNodes} values after alias expansion (an alias bomb?)");
                return false;
            }

            return node switch
            {
                YamlMappingNode m => m.Children.All(c => WithinBudget(c.Key, depth + 1) && WithinBudget(c.Value, depth + 1)),
                YamlSequenceNode s => s.Children.All(c => WithinBudget(c, depth + 1)),
                _ => true,
            };
        }

        private ProjectConfig Unknown(ProjectConfig config, YamlNode key, string path)
        {
            Warn(key, path, $"unknown key '{(key as YamlScalarNode)?.Value}' is ignored");
            return config;
        }

        private List<string> StringList(YamlNode node, string path)
        {
            if (node is not YamlSequenceNode seq)
            {
                Error(node, path, "a list of strings is expected");
                return [];
            }

            var list = new List<string>();
            for (var i = 0; i < seq.Children.Count; i++)
            {
                if (Scalar(seq.Children[i], $"{path}[{i}]") is { } value)
                {
                    list.Add(value);
                }
            }

            return list;
        }

        private string? Scalar(YamlNode node, string path)
        {
            if (node is YamlScalarNode { Value: { } value })
            {
                return value;
            }

            Error(node, path, "a string is expected");
            return null;
        }

        private string? NetworkPolicy(YamlNode node, string path)
        {
            var value = Scalar(node, path);
            if (value is not null && !NetworkPolicies.IsKnown(value))
            {
                Error(node, path, $"'{value}' is not a network policy (open, web-egress-enforced, locked-down-web)");
                return null;
            }

            return value;
        }

        private SessionConfig? Session(YamlNode node, string path)
        {
            if (node is not YamlMappingNode map)
            {
                Error(node, path, "a mapping is expected (timeout_hours, auto_resume)");
                return null;
            }

            var session = new SessionConfig();
            foreach (var (keyNode, value) in map.Children)
            {
                var key = (keyNode as YamlScalarNode)?.Value ?? "";
                var at = $"{path}.{key}";
                switch (key)
                {
                    case "timeout_hours":
                        if (value is YamlScalarNode { Style: ScalarStyle.Plain, Value: { } n } && int.TryParse(n, out var hours) && hours is >= 1 and <= 24)
                        {
                            session = session with { TimeoutHours = hours };
                        }
                        else
                        {
                            Error(value, at, "an integer from 1 to 24 is expected");
                        }

                        break;
                    case "auto_resume":
                        session = session with { AutoResume = Bool(value, at) };
                        break;
                    default:
                        Warn(keyNode, at, $"unknown key '{key}' is ignored");
                        break;
                }
            }

            return session;
        }

        private bool? Bool(YamlNode node, string path)
        {
            if (node is YamlScalarNode { Style: ScalarStyle.Plain, Value: { } v })
            {
                if (v is "true" or "True" or "TRUE")
                {
                    return true;
                }

                if (v is "false" or "False" or "FALSE")
                {
                    return false;
                }
            }

            Error(node, path, "true or false is expected");
            return null;
        }

        private EgressConfig? Egress(YamlNode node, string path)
        {
            if (node is not YamlMappingNode map)
            {
                Error(node, path, "a mapping is expected (destinations, sets)");
                return null;
            }

            var egress = new EgressConfig();
            foreach (var (keyNode, value) in map.Children)
            {
                var key = (keyNode as YamlScalarNode)?.Value ?? "";
                var at = $"{path}.{key}";
                switch (key)
                {
                    case "destinations":
                        var destinations = StringList(value, at);
                        for (var i = 0; i < destinations.Count; i++)
                        {
                            if (DestinationSyntax.Check(destinations[i]) is { } problem)
                            {
                                Error(((YamlSequenceNode)value).Children[i], $"{at}[{i}]", problem);
                            }
                        }

                        egress = egress with { Destinations = destinations };
                        break;
                    case "sets":
                        egress = egress with { Sets = StringList(value, at) };
                        break;
                    default:
                        Warn(keyNode, at, key == "private_networks" ? "private_networks may only be set by the org" : $"unknown key '{key}' is ignored");
                        break;
                }
            }

            return egress;
        }

        private List<McpServerSpec> McpServers(YamlNode node, string path)
        {
            if (node is not YamlSequenceNode seq)
            {
                Error(node, path, "a list of MCP servers is expected");
                return [];
            }

            var list = new List<McpServerSpec>();
            for (var i = 0; i < seq.Children.Count; i++)
            {
                var at = $"{path}[{i}]";
                if (seq.Children[i] is not YamlMappingNode map)
                {
                    Error(seq.Children[i], at, "an MCP server mapping is expected (name, type, url or command)");
                    continue;
                }

                var server = new McpServerSpec();
                foreach (var (keyNode, value) in map.Children)
                {
                    var key = (keyNode as YamlScalarNode)?.Value ?? "";
                    var keyPath = $"{at}.{key}";
                    server = key switch
                    {
                        "name" => server with { Name = Scalar(value, keyPath) ?? "" },
                        "type" => server with { Type = McpType(value, keyPath) },
                        "url" => server with { Url = Scalar(value, keyPath) },
                        "command" => server with { Command = Scalar(value, keyPath) },
                        "args" => server with { Args = StringList(value, keyPath) },
                        "env" => server with { Env = StringMap(value, keyPath) },
                        "headers" => server with { Headers = StringMap(value, keyPath) },
                        _ => UnknownIn(server, keyNode, keyPath),
                    };
                }

                var problems = new List<ConfigDiagnostic>();
                OrgConfigInvariants.CheckMcpServer(new SecurityConfig { AllowStdioMcp = true }, "project", server, at, problems);
                foreach (var problem in problems.Where(p => p.Code == "invariant.mcp_no_identifier" || p.Code == "invariant.mcp_bad_url"))
                {
                    Error(map, problem.Path ?? at, problem.Message);
                }

                list.Add(server);
            }

            return list;
        }

        private string McpType(YamlNode node, string path)
        {
            var value = Scalar(node, path);
            if (value is "stdio" or "sse" or "http")
            {
                return value;
            }

            if (value is not null)
            {
                Error(node, path, $"'{value}' is not an MCP server type (stdio, sse, http)");
            }

            return "";
        }

        private Dictionary<string, string>? StringMap(YamlNode node, string path)
        {
            if (node is not YamlMappingNode map)
            {
                Error(node, path, "a mapping of strings is expected");
                return null;
            }

            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (keyNode, value) in map.Children)
            {
                var key = (keyNode as YamlScalarNode)?.Value ?? "";
                if (Scalar(value, $"{path}.{key}") is { } text)
                {
                    result[key] = text;
                }
            }

            return result;
        }

        private T UnknownIn<T>(T value, YamlNode key, string path)
        {
            Warn(key, path, $"unknown key '{(key as YamlScalarNode)?.Value}' is ignored");
            return value;
        }

        private void Error(YamlNode node, string path, string message) =>
            diagnostics.Add(new ConfigDiagnostic(DiagnosticSeverity.Error, "yaml.type", message, origin, path, (int)node.Start.Line, (int)node.Start.Column));

        private void Warn(YamlNode node, string path, string message) =>
            diagnostics.Add(new ConfigDiagnostic(DiagnosticSeverity.Warning, "yaml.unknown_key", message, origin, path, (int)node.Start.Line, (int)node.Start.Column));
    }
}
