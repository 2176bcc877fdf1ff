using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Scc.Cli.Rendering;

/// <summary>
/// Everything a command shows goes through here: Spectre consoles for people (plain when not a terminal or
/// NO_COLOR), and the one JSON envelope of DESIGN.md §9 for machines.
/// </summary>
internal sealed class CliOutput
{
    private readonly Lazy<IAnsiConsole> _out;
    private readonly Lazy<IAnsiConsole> _err;
    private readonly bool _plainErrors;

    /// <summary>Output to consoles made already (tests capture them).</summary>
    public CliOutput(IAnsiConsole output, IAnsiConsole error)
    {
        _out = new(output);
        _err = new(error);
        OutWriter = output.Profile.Out.Writer;
        ErrWriter = error.Profile.Out.Writer;
    }

    internal CliOutput(Func<IAnsiConsole> output, Func<IAnsiConsole> error, TextWriter outWriter, TextWriter errWriter, bool plainErrors)
    {
        _out = new(output);
        _err = new(error);
        OutWriter = outWriter;
        ErrWriter = errWriter;
        _plainErrors = plainErrors;
    }

    /// <summary>
    /// The process's standard output and error. The Spectre consoles are made on first use: a command that prints only
    /// lines (a detached start, a JSON report) skips their terminal detection. Warnings and errors are plain lines
    /// when standard error is not a terminal or NO_COLOR is set, as Spectre would show them there, minus the wrapping.
    /// </summary>
    public static CliOutput ForProcess() => ForWriters(
        Console.Out,
        Console.Error,
        plainErrors: Console.IsErrorRedirected || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR")),
        terminalAttached: !Console.IsInputRedirected && !Console.IsOutputRedirected && !Console.IsErrorRedirected);

    /// <summary>
    /// Output to two writers, with Spectre consoles over them made on first use: the process's (<see cref="ForProcess"/>),
    /// the resident helper's frames, a benchmark's null writers.
    /// </summary>
    public static CliOutput ForWriters(TextWriter outWriter, TextWriter errWriter, bool plainErrors, bool terminalAttached = false) => new(
        () => AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(outWriter) }),
        () => AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(errWriter) }),
        outWriter,
        errWriter,
        plainErrors)
    {
        TerminalAttached = terminalAttached,
    };

    /// <summary>
    /// Whether a person is at a terminal on all three standard streams (prompts and live progress are then possible).
    /// Only the process's own output says so: captured output and the resident helper's never do.
    /// </summary>
    public bool TerminalAttached { get; private init; }

    public const string ApiVersion = "scc.cli/v1";

    private static readonly JsonSerializerOptions EnvelopeOptions = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
    };

    public IAnsiConsole Out => _out.Value;

    public IAnsiConsole Err => _err.Value;

    /// <summary>Standard output as text, without making its Spectre console.</summary>
    public TextWriter OutWriter { get; }

    /// <summary>Standard error as text, without making its Spectre console.</summary>
    public TextWriter ErrWriter { get; }

    public List<string> Warnings { get; } = [];

    public void Line(string text) => OutWriter.WriteLine(text);

    public void Markup(string markup) => Out.MarkupLine(markup);

    public void Warn(string message)
    {
        Warnings.Add(message);
        if (_plainErrors)
        {
            ErrWriter.WriteLine($"warning: {message}");
            return;
        }

        Err.MarkupLine($"[yellow]warning:[/] {Escape(message)}");
    }

    public void Error(string message, string? action)
    {
        if (_plainErrors)
        {
            ErrWriter.WriteLine($"error: {message}");
            if (!string.IsNullOrEmpty(action))
            {
                ErrWriter.WriteLine($"hint: {action}");
            }

            return;
        }

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
        OutWriter.WriteLine(envelope.ToJsonString(EnvelopeOptions));
    }

    public static string Escape(string? text) => Spectre.Console.Markup.Escape(text ?? string.Empty);
}
