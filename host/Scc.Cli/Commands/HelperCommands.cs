using System.CommandLine;
using System.Runtime.InteropServices;
using Scc.Cli.Helper;
using Scc.Core.Errors;
using Scc.Core.Paths;

namespace Scc.Cli.Commands;

internal sealed class HelperCommand : Command
{
    public HelperCommand(HelperServeCommand serve, HelperStatusCommand status, HelperStopCommand stop)
        : base("helper", "The resident helper that keeps detached starts fast: status, stop")
    {
        Subcommands.Add(serve);
        Subcommands.Add(status);
        Subcommands.Add(stop);
    }
}

/// <summary><c>scc helper serve</c>: what a detached start without a helper runs in the background (hidden).</summary>
internal sealed class HelperServeCommand : SccCommand
{
    private readonly IEnvironment _environment;
    private readonly Option<bool> _background = new("--background") { Description = "Leave the caller's session and log nothing (how scc starts it)" };
    private readonly Option<int?> _idle = new("--idle-seconds") { Description = "End after this long without a request (default 600)" };

    public HelperServeCommand(CliContext context, IEnvironment environment)
        : base("serve", "Run the helper in this process until it is idle", context)
    {
        _environment = environment;
        Hidden = true;
        Options.Add(_background);
        Options.Add(_idle);
    }

    protected override async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var path = HelperSocket.PathFor(_environment)
            ?? throw new UsageException("The scc helper runs on Linux only, with a state folder whose path fits a unix socket.", "Run scc without it: nothing needs the helper.");
        var background = parseResult.GetValue(_background);
        if (background)
        {
            HelperSocket.DetachFromTerminal();
        }

        var idle = parseResult.GetValue(_idle) is { } seconds
            ? (seconds > 0 ? TimeSpan.FromSeconds(seconds) : throw new UsageException("--idle-seconds must be above 0.", null))
            : HelperServer.DefaultIdle;

        // `scc helper stop` sends SIGTERM; it ends the helper like idleness does.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });
        var server = new HelperServer(path, idle, HelperServer.DefaultMaxRequests);
        return await server.RunAsync(background ? TextWriter.Null : Output.ErrWriter, stop.Token).ConfigureAwait(false);
    }
}

/// <summary>A subcommand about this user's helper for the engine of <c>DOCKER_HOST</c>.</summary>
internal abstract class HelperSubcommand(string name, string description, CliContext context, IEnvironment environment)
    : SccCommand(name, description, context)
{
    protected IEnvironment Environment => environment;

    /// <summary>The running helper's pid, or null.</summary>
    protected async Task<(string? Socket, int? Pid)> FindAsync(CancellationToken cancellationToken)
    {
        var path = HelperSocket.PathFor(environment);
        if (path is null || await HelperSocket.ConnectAsync(path, cancellationToken).ConfigureAwait(false) is not { } helper)
        {
            return (path, null);
        }

        helper.Socket.Dispose();
        return (path, helper.Pid);
    }
}

internal sealed class HelperStatusCommand(CliContext context, IEnvironment environment)
    : HelperSubcommand("status", "Show whether a helper serves this user and engine", context, environment)
{
    protected override async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var (path, pid) = await FindAsync(cancellationToken).ConfigureAwait(false);
        Output.Line(pid is { } p
            ? $"running (pid {p}), socket {path}"
            : Environment.Get(HelperClient.SwitchVariable) == "0"
                ? "not running; switched off (SCC_HELPER=0)"
                : "not running; the next `scc start --detach` without a terminal starts one");
        return ExitCodes.Ok;
    }
}

internal sealed class HelperStopCommand(CliContext context, IEnvironment environment)
    : HelperSubcommand("stop", "Stop the helper (a start it is running finishes first)", context, environment)
{
    protected override async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        if ((await FindAsync(cancellationToken).ConfigureAwait(false)).Pid is not { } pid)
        {
            Output.Line("No helper is running.");
            return ExitCodes.Ok;
        }

        System.Diagnostics.Process process;
        try
        {
            process = System.Diagnostics.Process.GetProcessById(pid);
        }
        catch (ArgumentException)
        {
            Output.Line("No helper is running."); // it ended meanwhile
            return ExitCodes.Ok;
        }

        using (process)
        {
            // It stops taking requests at once; a start it is running finishes first.
            HelperSocket.Terminate(pid);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            wait.CancelAfter(TimeSpan.FromSeconds(60));
            try
            {
                await process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new ToolException($"The helper (pid {pid}) did not end within 60 s.", $"End it with `kill {pid}`; detached starts run in their own process meanwhile.");
            }
        }

        Output.Line($"Stopped the helper (pid {pid}).");
        return ExitCodes.Ok;
    }
}
