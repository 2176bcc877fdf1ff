using System.CommandLine;
using Scc.Cli.Rendering;
using Scc.Core.Errors;

namespace Scc.Cli.Commands;

/// <summary>
/// Base of every leaf command: runs the command, and is the only place that turns <see cref="SccException"/>
/// into output and exit codes (DESIGN.md §9). With <c>--json</c>, failures are reported in the envelope too.
/// </summary>
internal abstract class SccCommand : Command
{
    protected SccCommand(string name, string description, CliContext context)
        : base(name, description)
    {
        Context = context;
        Output = context.Output;
        SetAction(async (parseResult, cancellationToken) =>
        {
            try
            {
                context.ParseResult = parseResult;
                return await RunAsync(parseResult, cancellationToken).ConfigureAwait(false);
            }
            catch (SccException ex)
            {
                if (Environment.GetEnvironmentVariable("SCC_DEBUG") == "1")
                {
                    Output.ErrWriter.WriteLine(ex.ToString());
                }

                ReportFailure(parseResult, ex.Message, ex.Action);
                return ex.ExitCode;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                Output.Error("Cancelled.", null);
                return ExitCodes.Cancelled;
            }
        });
    }

    protected CliContext Context { get; }

    protected CliOutput Output { get; }

    /// <summary>The <c>--json</c> option, for commands that report.</summary>
    protected Option<bool>? JsonOption { get; private set; }

    /// <summary>The kind written in the envelope when the command fails with <c>--json</c>.</summary>
    protected virtual string JsonKind => "Error";

    protected Option<bool> AddJsonOption()
    {
        JsonOption = new Option<bool>("--json") { Description = "Write the result as JSON (envelope scc.cli/v1)" };
        Options.Add(JsonOption);
        return JsonOption;
    }

    protected bool IsJson(ParseResult parseResult) => JsonOption is not null && parseResult.GetValue(JsonOption);

    protected abstract Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken);

    private void ReportFailure(ParseResult parseResult, string message, string? action)
    {
        if (IsJson(parseResult))
        {
            Output.Json(JsonKind, null, ok: false, errors: [action is null ? message : $"{message} {action}"]);
        }
        else
        {
            Output.Error(message, action);
        }
    }
}
