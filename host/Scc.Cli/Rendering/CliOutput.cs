using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Scc.Cli.Rendering;

/// <summary>
/// Everything a command shows goes through here: Spectre consoles for people (plain when not a terminal or
/// NO_COLOR), and the one JSON envelope of DESIGN.md §9 for machines.
/// </summary>
internal sealed class CliOutput(IAnsiConsole output, IAnsiConsole error)
{
    public const string ApiVersion = "scc.cli/v1";

    private static readonly JsonSerializerOptions EnvelopeOptions = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
    };

    public IAnsiConsole Out { get; } = output;

    public IAnsiConsole Err { get; } = error;

    public List<string> Warnings { get; } = [];

    public void Line(string text) => Out.Profile.Out.Writer.WriteLine(text);

    public void Markup(string markup) => Out.MarkupLine(markup);

    public void Warn(string message)
    {
        Warnings.Add(message);
        Err.MarkupLine($"[yellow]warning:[/] {Escape(message)}");
    }

    public void Error(string message, string? action)
    {
        Err.MarkupLine($"[red]error:[/] {Escape(message)}");
        if (!string.IsNullOrEmpty(action))
        {
            Err.MarkupLine($"[grey]hint:[/] {Escape(action)}");
        }
    }

    /// <summary>Writes the envelope <c>{"apiVersion","kind","status":{"ok","errors","warnings"},"data"}</c>.</summary>
    public void Json(string kind, JsonNode? data, bool ok = true, IEnumerable<string>? errors = null)
    {
        var envelope = new JsonObject
        {
            ["apiVersion"] = ApiVersion,
            ["kind"] = kind,
            ["status"] = new JsonObject
            {
                ["ok"] = ok,
                ["errors"] = new JsonArray([.. (errors ?? []).Select(e => (JsonNode?)JsonValue.Create(e))]),
                ["warnings"] = new JsonArray([.. Warnings.Select(w => (JsonNode?)JsonValue.Create(w))]),
            },
            ["data"] = data,
        };
        Out.Profile.Out.Writer.WriteLine(envelope.ToJsonString(EnvelopeOptions));
    }

    public static string Escape(string? text) => Spectre.Console.Markup.Escape(text ?? string.Empty);
}
