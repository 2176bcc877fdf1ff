using System.Text.Json;
using System.Text.Json.Serialization;

namespace Scc.Core.Config;

/// <summary>
/// Where a federated team profile lives. scc accepts a plain string (an https URL or a local file path) and the
/// SCC object form <c>{"source": "url"|"github"|"git"|"file", ...}</c>.
/// </summary>
[JsonConverter(typeof(ConfigSourceSpecConverter))]
internal sealed record ConfigSourceSpec
{
    public const string UrlKind = "url";
    public const string FileKind = "file";
    public const string GitHubKind = "github";
    public const string GitKind = "git";

    public string Kind { get; init; } = UrlKind;

    public string? Url { get; init; }

    public string? Path { get; init; }

    public string? Owner { get; init; }

    public string? Repo { get; init; }

    public string? Branch { get; init; }

    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    /// <summary>A short text for messages and cache keys: the URL, the path, or owner/repo.</summary>
    public string Display => Kind switch
    {
        UrlKind => Url ?? "",
        FileKind => Path ?? "",
        GitHubKind => $"github:{Owner}/{Repo}@{Branch ?? "main"}/{Path}",
        _ => $"git:{Url}@{Branch ?? "main"}/{Path}",
    };

    public static ConfigSourceSpec FromString(string value) =>
        value.Contains("://", StringComparison.Ordinal)
            ? new ConfigSourceSpec { Kind = UrlKind, Url = value }
            : new ConfigSourceSpec { Kind = FileKind, Path = value };
}

internal sealed class ConfigSourceSpecConverter : JsonConverter<ConfigSourceSpec>
{
    public override ConfigSourceSpec? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return ConfigSourceSpec.FromString(reader.GetString() ?? "");
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("config_source must be a string or an object.");
        }

        string? kind = null, url = null, path = null, owner = null, repo = null, branch = null;
        Dictionary<string, string>? headers = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                case "source": kind = reader.GetString(); break;
                case "url": url = reader.GetString(); break;
                case "path": path = reader.GetString(); break;
                case "owner": owner = reader.GetString(); break;
                case "repo": repo = reader.GetString(); break;
                case "branch": branch = reader.GetString(); break;
                case "headers": headers = ReadHeaders(ref reader); break;
                default: reader.Skip(); break;
            }
        }

        return new ConfigSourceSpec
        {
            Kind = kind ?? (url is not null ? ConfigSourceSpec.UrlKind : ConfigSourceSpec.FileKind),
            Url = url,
            Path = path,
            Owner = owner,
            Repo = repo,
            Branch = branch,
            Headers = headers,
        };
    }

    public override void Write(Utf8JsonWriter writer, ConfigSourceSpec value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("source", value.Kind);
        WriteIfSet(writer, "url", value.Url);
        WriteIfSet(writer, "path", value.Path);
        WriteIfSet(writer, "owner", value.Owner);
        WriteIfSet(writer, "repo", value.Repo);
        WriteIfSet(writer, "branch", value.Branch);
        if (value.Headers is not null)
        {
            // Header values may hold credentials; only their names are written back.
            writer.WriteStartArray("header_names");
            foreach (var key in value.Headers.Keys)
            {
                writer.WriteStringValue(key);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    private static Dictionary<string, string> ReadHeaders(ref Utf8JsonReader reader)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return headers;
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var key = reader.GetString() ?? "";
            reader.Read();
            headers[key] = reader.GetString() ?? "";
        }

        return headers;
    }

    private static void WriteIfSet(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }
}
