using System.Text.Json;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Scc.Core.Errors;

namespace Scc.Core.Config;

/// <summary>The outcome of reading a config: the model when it is usable, and every diagnostic found.</summary>
internal sealed record OrgConfigLoadResult(OrgConfig? Config, IReadOnlyList<ConfigDiagnostic> Diagnostics, string Origin)
{
    public bool IsValid => Config is not null && !Diagnostics.Any(d => d.IsError);

    public IEnumerable<ConfigDiagnostic> Errors => Diagnostics.Where(d => d.IsError);

    public IEnumerable<ConfigDiagnostic> Warnings => Diagnostics.Where(d => !d.IsError);

    /// <summary>The config, or a <see cref="ConfigException"/> listing every error with its location.</summary>
    public OrgConfig GetOrThrow() => IsValid ? Config! : throw OrgConfigLoader.Invalid(Origin, Errors);
}

/// <summary>A parsed federated team file (or its diagnostics).</summary>
internal sealed record TeamFileLoadResult(TeamProfile? Profile, IReadOnlyList<ConfigDiagnostic> Diagnostics, string Origin)
{
    public bool IsValid => Profile is not null && !Diagnostics.Any(d => d.IsError);

    public TeamProfile GetOrThrow() =>
        IsValid ? Profile! : throw OrgConfigLoader.Invalid(Origin, Diagnostics.Where(d => d.IsError), "team config");
}

/// <summary>
/// Reads an org config from text: strict JSON (line and column on a syntax error), the schema version, the
/// minimum scc version, the JSON Schema (path and line per error), then the semantic invariants. Pure: no I/O
/// except <see cref="LoadFile"/>.
/// </summary>
internal static class OrgConfigLoader
{
    public const string SupportedSchemaVersion = "1.0.0";

    private static readonly HashSet<string> KnownRootKeys =
        ["$schema", "schema_version", "min_cli_version", "organization", "marketplaces", "security", "defaults", "delegation", "profiles", "destination_sets", "stats"];

    private static readonly HashSet<string> KnownOrganizationKeys = ["name", "id", "contact"];

    private static readonly HashSet<string> KnownProfileKeys =
        ["description", "additional_plugins", "additional_mcp_servers", "network_policy", "session", "delegation", "config_source", "trust", "egress"];

    public static OrgConfigLoadResult LoadFile(string path, Version? cliVersion = null)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ConfigException($"The org config file {path} does not exist.", "Check the path, or run `scc setup` to choose an org config.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"Cannot read the org config {path}: {e.Message}", "Check the file's permissions.", e);
        }

        return Parse(text, path, cliVersion);
    }

    public static OrgConfigLoadResult Parse(string text, string origin, Version? cliVersion = null)
    {
        var diagnostics = new List<ConfigDiagnostic>();
        if (!TryParseSyntax(text, origin, diagnostics, out var root))
        {
            return new OrgConfigLoadResult(null, diagnostics, origin);
        }

        if (!CheckVersions(root!, origin, cliVersion ?? CliVersion.Current, diagnostics))
        {
            return new OrgConfigLoadResult(null, diagnostics, origin);
        }

        diagnostics.AddRange(OrgConfigSchema.ValidateOrg(root!, origin));
        if (diagnostics.Any(d => d.IsError))
        {
            return new OrgConfigLoadResult(null, diagnostics, origin);
        }

        OrgConfig config;
        try
        {
            config = System.Text.Json.JsonSerializer.Deserialize(text, OrgConfigJsonContext.Default.OrgConfig)
                ?? throw new System.Text.Json.JsonException("null document");
        }
        catch (System.Text.Json.JsonException e)
        {
            // The schema should have caught this; report it rather than crash.
            diagnostics.Add(new ConfigDiagnostic(DiagnosticSeverity.Error, "json.type", e.Message, origin, e.Path, Line(e.LineNumber), Line(e.BytePositionInLine)));
            return new OrgConfigLoadResult(null, diagnostics, origin);
        }

        WarnUnknownKeys(root!, origin, diagnostics);
        foreach (var finding in OrgConfigInvariants.Check(config))
        {
            diagnostics.Add(Locate(finding, root!, origin));
        }

        return new OrgConfigLoadResult(config, diagnostics, origin);
    }

    /// <summary>Reads a federated team file: the TeamConfigFile part of the same schema.</summary>
    public static TeamFileLoadResult ParseTeamFile(string text, string origin)
    {
        var diagnostics = new List<ConfigDiagnostic>();
        if (!TryParseSyntax(text, origin, diagnostics, out var root))
        {
            return new TeamFileLoadResult(null, diagnostics, origin);
        }

        // Older team files write the version as the integer 1.
        var version = (root as JObject)?["schema_version"];
        if ((version is { Type: JTokenType.String } && (string?)version != SupportedSchemaVersion)
            || (version is { Type: JTokenType.Integer } && (long)version != 1))
        {
            diagnostics.Add(At(version, origin, "schema_version",
                $"unknown schema_version '{version}'; scc reads {SupportedSchemaVersion}"));
            return new TeamFileLoadResult(null, diagnostics, origin);
        }

        diagnostics.AddRange(OrgConfigSchema.ValidateTeamFile(root!, origin));
        if (diagnostics.Any(d => d.IsError))
        {
            return new TeamFileLoadResult(null, diagnostics, origin);
        }

        try
        {
            var profile = System.Text.Json.JsonSerializer.Deserialize(text, OrgConfigJsonContext.Default.TeamProfile);
            return new TeamFileLoadResult(profile, diagnostics, origin);
        }
        catch (System.Text.Json.JsonException e)
        {
            diagnostics.Add(new ConfigDiagnostic(DiagnosticSeverity.Error, "json.type", e.Message, origin, e.Path, Line(e.LineNumber), Line(e.BytePositionInLine)));
            return new TeamFileLoadResult(null, diagnostics, origin);
        }
    }

    internal static ConfigException Invalid(string origin, IEnumerable<ConfigDiagnostic> errors, string what = "org config", string? action = null)
    {
        var list = errors.ToList();
        var lines = string.Join(Environment.NewLine, list.Take(20).Select(e => "  - " + e));
        var more = list.Count > 20 ? $"{Environment.NewLine}  … and {list.Count - 20} more" : "";
        return new ConfigException(
            $"The {what} {origin} is invalid ({list.Count} error{(list.Count == 1 ? "" : "s")}):{Environment.NewLine}{lines}{more}",
            action ?? "Fix the listed entries (`scc org schema` prints the format); the last good cached config stays in use.");
    }

    /// <summary>Strict JSON first (System.Text.Json: no comments, no trailing commas), then a line-aware tree for the schema.</summary>
    private static bool TryParseSyntax(string text, string origin, List<ConfigDiagnostic> diagnostics, out JToken? root)
    {
        root = null;
        try
        {
            using var document = JsonDocument.Parse(text, OrgConfigJsonContext.StrictDocument);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                diagnostics.Add(new ConfigDiagnostic(DiagnosticSeverity.Error, "json.root",
                    $"the document is a JSON {document.RootElement.ValueKind.ToString().ToLowerInvariant()}, not an object", origin, JsonPaths.Root, 1, 1));
                return false;
            }
        }
        catch (System.Text.Json.JsonException e)
        {
            diagnostics.Add(new ConfigDiagnostic(DiagnosticSeverity.Error, "json.syntax",
                "invalid JSON: " + FirstSentence(e.Message), origin, null, Line(e.LineNumber), Line(e.BytePositionInLine)));
            return false;
        }

        using var reader = new JsonTextReader(new StringReader(text)) { DateParseHandling = DateParseHandling.None, MaxDepth = 64 };
        root = JToken.ReadFrom(reader, new JsonLoadSettings { LineInfoHandling = LineInfoHandling.Load, DuplicatePropertyNameHandling = DuplicatePropertyNameHandling.Replace });
        return true;
    }

    private static bool CheckVersions(JToken root, string origin, Version ours, List<ConfigDiagnostic> diagnostics)
    {
        var version = root["schema_version"];
        if (version is { Type: JTokenType.String } && (string?)version != SupportedSchemaVersion)
        {
            diagnostics.Add(At(version, origin, "schema_version",
                $"unknown schema_version '{(string?)version}'; this scc reads {SupportedSchemaVersion}"));
            return false;
        }

        var minimum = root["min_cli_version"];
        if (minimum is { Type: JTokenType.String } && CliVersion.Parse((string?)minimum) is { } needed && needed > ours)
        {
            diagnostics.Add(At(minimum, origin, "min_cli_version",
                $"this org config needs scc {needed.ToString(3)} or newer; this is scc {ours.ToString(3)}"));
            return false;
        }

        return true;
    }

    private static void WarnUnknownKeys(JToken root, string origin, List<ConfigDiagnostic> diagnostics)
    {
        Warn(root as JObject, KnownRootKeys, JsonPaths.Root);
        Warn(root["organization"] as JObject, KnownOrganizationKeys, JsonPaths.Of("organization"));
        if (root["profiles"] is JObject profiles)
        {
            foreach (var team in profiles.Properties())
            {
                Warn(team.Value as JObject, KnownProfileKeys, JsonPaths.Of("profiles", team.Name));
            }
        }

        void Warn(JObject? node, HashSet<string> known, string path)
        {
            if (node is null)
            {
                return;
            }

            foreach (var property in node.Properties().Where(p => !known.Contains(p.Name)))
            {
                var info = (IJsonLineInfo)property;
                diagnostics.Add(new ConfigDiagnostic(DiagnosticSeverity.Warning, "unknown_key",
                    $"unknown key '{property.Name}' is accepted and ignored", origin, JsonPaths.Member(path, property.Name),
                    info.HasLineInfo() ? info.LineNumber : null, info.HasLineInfo() ? info.LinePosition : null));
            }
        }
    }

    private static ConfigDiagnostic Locate(ConfigDiagnostic finding, JToken root, string origin)
    {
        JToken? token = null;
        if (finding.Path is not null)
        {
            try
            {
                token = root.SelectToken(finding.Path);
            }
            catch (Newtonsoft.Json.JsonException)
            {
                // A path the selector cannot read still names the place; only the line is lost.
            }
        }

        var info = token as IJsonLineInfo;
        return finding with
        {
            Origin = origin,
            Line = info?.HasLineInfo() == true ? info.LineNumber : null,
            Column = info?.HasLineInfo() == true ? info.LinePosition : null,
        };
    }

    private static ConfigDiagnostic At(JToken token, string origin, string key, string message)
    {
        var info = (IJsonLineInfo)token;
        return new ConfigDiagnostic(DiagnosticSeverity.Error, key, message, origin, JsonPaths.Of(key),
            info.HasLineInfo() ? info.LineNumber : null, info.HasLineInfo() ? info.LinePosition : null);
    }

    private static int? Line(long? zeroBased) => zeroBased is null ? null : (int)zeroBased + 1;

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut].TrimEnd() : message;
    }
}
