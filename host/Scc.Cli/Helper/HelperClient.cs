using System.Collections;
using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Scc.Core.Errors;
using Scc.Core.Paths;

namespace Scc.Cli.Helper;

/// <summary>
/// The client side of the resident helper (docs/runtime.md, "The resident helper"): a detached start without a
/// terminal is sent to this user's helper when one runs, and run in this process otherwise (which then starts a helper
/// for the next one). <c>SCC_HELPER=0</c> turns it off.
/// </summary>
internal static class HelperClient
{
    public const string SwitchVariable = "SCC_HELPER";

    /// <summary>
    /// The helper's socket when this invocation may use one: <c>scc start … --detach</c> (no help asked), no terminal
    /// on any standard stream (the helper has none to prompt on or draw to), Linux, and not switched off.
    /// </summary>
    public static string? SocketFor(IReadOnlyList<string> args, IEnvironment environment, bool terminalAttached) =>
        environment.Get(SwitchVariable) != "0" && !terminalAttached && IsDetachedStart(args) ? HelperSocket.PathFor(environment) : null;

    /// <summary>True when any standard stream is a terminal.</summary>
    public static bool AnyTerminal => !Console.IsInputRedirected || !Console.IsOutputRedirected || !Console.IsErrorRedirected;

    internal static bool IsDetachedStart(IReadOnlyList<string> args) =>
        CliApp.CommandWord(args) == "start"
        && args.Contains("--detach")
        && !args.Any(a => a is "--help" or "-h" or "-?" or "--version");

    /// <summary>
    /// <see cref="TryRunAsync"/> for this process: its arguments, working directory, environment and standard streams,
    /// with Ctrl-C, SIGTERM and a hang-up cancelling the command in the helper (which removes what it made and then
    /// answers with the exit code, as a command in this process would).
    /// </summary>
    public static async Task<int?> TryRunForProcessAsync(string socketPath, string[] args)
    {
        using var cancel = new CancellationTokenSource();
        void Cancel(PosixSignalContext context)
        {
            context.Cancel = true;
            cancel.Cancel();
        }

        using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel);
        using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel);
        using var onHangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, Cancel);
        await using var stdout = Console.OpenStandardOutput();
        await using var stderr = Console.OpenStandardError();
        return await TryRunAsync(socketPath, args, Environment.CurrentDirectory, ProcessVariables(), stdout, stderr, cancel.Token).ConfigureAwait(false);
    }

    /// <summary>This process's environment, as a request carries it.</summary>
    public static Dictionary<string, string> ProcessVariables()
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            environment[(string)entry.Key] = entry.Value as string ?? string.Empty;
        }

        return environment;
    }

    /// <summary>
    /// Runs the invocation in the helper and returns its exit code; null when no helper answers, it is busy, or it
    /// closes the connection before writing anything (the caller runs the invocation itself). What the command writes
    /// goes to <paramref name="stdout"/> and <paramref name="stderr"/>; <paramref name="cancel"/> cancels it in the
    /// helper, and the exit code still comes back once the helper has cleaned up.
    /// </summary>
    public static async Task<int?> TryRunAsync(
        string socketPath,
        IReadOnlyList<string> args,
        string currentDirectory,
        IReadOnlyDictionary<string, string> environment,
        Stream stdout,
        Stream stderr,
        CancellationToken cancel)
    {
        if (await HelperSocket.ConnectAsync(socketPath, CancellationToken.None).ConfigureAwait(false) is not { Socket: var socket })
        {
            return null;
        }

        using var owned = socket;
        await using var network = new NetworkStream(socket, ownsSocket: false);
        using var frames = new FrameStream(network);
        try
        {
            await frames.WriteAsync(FrameKind.Request, new HelperRequest(args, currentDirectory, environment).Encode(), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            return null;
        }

        using var onCancel = cancel.Register(() => _ = frames.WriteAsync(FrameKind.Cancel, ReadOnlyMemory<byte>.Empty, CancellationToken.None).ContinueWith(
            static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default));
        var wrote = false;
        try
        {
            while (await frames.ReadAsync(CancellationToken.None).ConfigureAwait(false) is { } frame)
            {
                switch (frame.Kind)
                {
                    case FrameKind.Stdout:
                        wrote = true;
                        await stdout.WriteAsync(frame.Payload, CancellationToken.None).ConfigureAwait(false);
                        await stdout.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                        break;
                    case FrameKind.Stderr:
                        wrote = true;
                        await stderr.WriteAsync(frame.Payload, CancellationToken.None).ConfigureAwait(false);
                        await stderr.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                        break;
                    case FrameKind.Exit when frame.Payload.Length == 4:
                        if (environment.GetValueOrDefault("SCC_DEBUG") == "1")
                        {
                            await stderr.WriteAsync(System.Text.Encoding.UTF8.GetBytes($"debug: ran in the scc helper ({socketPath})\n"), CancellationToken.None).ConfigureAwait(false);
                        }

                        return System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(frame.Payload);
                    case FrameKind.Busy when !wrote:
                        return null;
                }
            }
        }
        catch (Exception e) when (e is IOException or InvalidDataException or SocketException)
        {
            // Reported below, like a helper that closed the connection.
        }

        if (!wrote)
        {
            return null; // it ended before doing anything: run it here instead
        }

        await stderr.WriteAsync(System.Text.Encoding.UTF8.GetBytes(
            "error: The scc helper ended before the command finished.\nhint: `scc list` shows what it started; `scc prune` removes a crashed start's leftovers. SCC_HELPER=0 runs scc without the helper.\n"), CancellationToken.None).ConfigureAwait(false);
        return ExitCodes.Tool;
    }

    /// <summary>
    /// False when the socket's folder exists but is not this user's alone: a helper would refuse to start there (and
    /// a client to use it), so none is started for every start.
    /// </summary>
    public static bool MayStart(string socketPath)
    {
        var folder = Path.GetDirectoryName(socketPath)!;
        return !Directory.Exists(folder) || HelperSocket.CheckFolder(folder) is null;
    }

    /// <summary>
    /// Starts a helper in the background for the next invocation: its own session (no terminal's Ctrl-C or hang-up
    /// reaches it), no standard stream shared with this process (a caller reading this process's output to its end is
    /// not kept waiting by the helper). Best effort: a helper that cannot start only means the next start runs in its
    /// own process too.
    /// </summary>
    public static void StartInBackground()
    {
        try
        {
            var self = Environment.ProcessPath;
            if (self is null || !File.Exists(self))
            {
                return;
            }

            // Under `dotnet scc.dll` the process is dotnet: the helper is the same app, started the same way.
            var start = new ProcessStartInfo(self)
            {
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            if (Path.GetFileNameWithoutExtension(self) == "dotnet")
            {
                start.ArgumentList.Add(typeof(HelperClient).Assembly.Location);
            }

            start.ArgumentList.Add("helper");
            start.ArgumentList.Add("serve");
            start.ArgumentList.Add("--background");
            using var process = Process.Start(start);
            process?.StandardInput.Close();
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException or InvalidOperationException)
        {
        }
    }
}
