using System.Collections;
using System.Net.Sockets;
using Scc.Cli.Rendering;
using Scc.Core.Errors;
using Scc.Core.Paths;

namespace Scc.Cli.Helper;

/// <summary>
/// The resident helper (<c>scc helper serve</c>): runs the invocations clients send it (<see cref="HelperClient"/>)
/// through the same <see cref="CliApp.RunAsync"/> a process of its own would, one at a time, with the client's
/// arguments, working directory and whole environment, and one engine connection kept between them. What it keeps is
/// only what a new process pays for on first use (the runtime's compiled code, loaded types, the engine client): every
/// invocation reads the config, decides and loads the plugin in a new load context, plans and records its audit
/// events again. It ends after <see cref="Idle"/> without a request, or after <see cref="MaxRequests"/> of them.
/// </summary>
internal sealed class HelperServer(string socketPath, TimeSpan idle, int maxRequests, string? builtInPluginDir = null)
{
    public static readonly TimeSpan DefaultIdle = TimeSpan.FromMinutes(10);

    /// <summary>Each invocation loads its plugin into a load context that is never unloaded; a helper ends before many add up.</summary>
    public const int DefaultMaxRequests = 200;

    private static readonly TimeSpan RequestReadTimeout = TimeSpan.FromSeconds(10);

    /// <summary>How often a waiting helper checks that its socket is still there (its state folder may be deleted).</summary>
    private static readonly TimeSpan SocketCheckInterval = TimeSpan.FromSeconds(15);

    // Read once: the socket's name carries it, so every client of this helper has the same.
    private readonly string? _dockerHost = Environment.GetEnvironmentVariable("DOCKER_HOST");
    private int _busy;

    /// <summary>Serves until idle, the request limit or <paramref name="stop"/>; in-flight invocations finish first.</summary>
    public async Task<int> RunAsync(TextWriter log, CancellationToken stop)
    {
        if (!OperatingSystem.IsLinux())
        {
            await log.WriteLineAsync("error: the scc helper runs on Linux only.").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        var folder = Path.GetDirectoryName(socketPath)!;
        Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        if (HelperSocket.CheckFolder(folder) is { } problem)
        {
            await log.WriteLineAsync($"error: the scc helper does not start: {problem}.").ConfigureAwait(false);
            return ExitCodes.ConfigOrNetwork;
        }

        if (File.Exists(socketPath))
        {
            if (await AnswersAsync(socketPath).ConfigureAwait(false))
            {
                await log.WriteLineAsync($"An scc helper already serves {socketPath}.").ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            File.Delete(socketPath); // a helper that died left it
        }

        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            listener.Bind(new UnixDomainSocketEndPoint(socketPath));
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            await log.WriteLineAsync($"An scc helper already serves {socketPath}.").ConfigureAwait(false);
            return ExitCodes.Ok; // another helper started at the same moment
        }

        File.SetUnixFileMode(socketPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var bound = File.GetLastWriteTimeUtc(socketPath);
        listener.Listen(16);
        var running = new List<Task>();
        var served = 0;
        var poll = idle < SocketCheckInterval ? idle : SocketCheckInterval;
        try
        {
            Task<Socket>? accept = null;
            var quiet = TimeSpan.Zero;
            while (!stop.IsCancellationRequested && served < maxRequests)
            {
                accept ??= listener.AcceptAsync(stop).AsTask();
                var done = await Task.WhenAny(accept, Task.Delay(poll, stop)).ConfigureAwait(false);
                if (done != accept)
                {
                    // Nobody can reach a helper whose socket was removed (its state folder deleted) or replaced.
                    if (!File.Exists(socketPath) || File.GetLastWriteTimeUtc(socketPath) != bound)
                    {
                        break;
                    }

                    // A long invocation (an image build) is not idleness.
                    quiet = Volatile.Read(ref _busy) == 0 ? quiet + poll : TimeSpan.Zero;
                    if (quiet >= idle)
                    {
                        break;
                    }

                    continue;
                }

                var client = await accept.ConfigureAwait(false);
                accept = null;
                quiet = TimeSpan.Zero;
                served++;
                running.RemoveAll(t => t.IsCompleted);
                running.Add(ServeAsync(client, stop));
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        finally
        {
            // New clients find no socket and run in their own process; the ones being served finish.
            if (File.Exists(socketPath) && File.GetLastWriteTimeUtc(socketPath) == bound)
            {
                File.Delete(socketPath);
            }

            await Task.WhenAll(running).ConfigureAwait(false);
        }

        return ExitCodes.Ok;
    }

    /// <summary>Whether something listens on the socket (a live helper), as opposed to a file left by one that died.</summary>
    internal static async Task<bool> AnswersAsync(string path)
    {
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await probe.ConnectAsync(new UnixDomainSocketEndPoint(path)).ConfigureAwait(false);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>One connection; whatever goes wrong with it ends only it, never the helper.</summary>
    private async Task ServeAsync(Socket client, CancellationToken stop)
    {
        try
        {
            await ServeConnectionAsync(client, stop).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The client sees its connection end without an exit code and reports it (HelperClient).
        }
    }

    private async Task ServeConnectionAsync(Socket client, CancellationToken stop)
    {
        using (client)
        {
            // The folder already keeps other users out; the peer's uid is checked anyway.
            if (HelperSocket.PeerUid(client) != HelperSocket.EffectiveUid)
            {
                return;
            }

            await using var network = new NetworkStream(client, ownsSocket: false);
            using var frames = new FrameStream(network);
            HelperRequest request;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
                timeout.CancelAfter(RequestReadTimeout);
                if (await frames.ReadAsync(timeout.Token).ConfigureAwait(false) is not { Kind: FrameKind.Request } first)
                {
                    return;
                }

                request = HelperRequest.Decode(first.Payload);
            }
            catch (Exception e) when (e is IOException or InvalidDataException or OperationCanceledException or SocketException)
            {
                return;
            }

            // Only what a client sends (a detached start), only for the engine this helper is named for, and one
            // invocation at a time (it owns the process's environment and working directory): anything else runs in
            // the client's own process.
            if (!HelperClient.IsDetachedStart(request.Args)
                || request.Environment.GetValueOrDefault("DOCKER_HOST") != _dockerHost
                || Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
            {
                await TryAsync(() => frames.WriteAsync(FrameKind.Busy, ReadOnlyMemory<byte>.Empty, CancellationToken.None)).ConfigureAwait(false);
                return;
            }

            try
            {
                // Only the client cancels its command (its Ctrl-C, or going away); a helper told to stop lets it finish.
                using var cancel = new CancellationTokenSource();
                var watch = WatchAsync(frames, cancel);
                var code = await RunAsync(request, frames, cancel.Token).ConfigureAwait(false);
                await TryAsync(() => frames.WriteExitAsync(code, CancellationToken.None)).ConfigureAwait(false);
                try
                {
                    client.Shutdown(SocketShutdown.Both);
                }
                catch (SocketException)
                {
                    // The client is gone already.
                }

                await watch.ConfigureAwait(false);
            }
            finally
            {
                Volatile.Write(ref _busy, 0);
            }
        }
    }

    /// <summary>Cancels the invocation when the client asks (its Ctrl-C) or goes away.</summary>
    private static async Task WatchAsync(FrameStream frames, CancellationTokenSource cancel)
    {
        try
        {
            while (await frames.ReadAsync(CancellationToken.None).ConfigureAwait(false) is { } frame)
            {
                if (frame.Kind == FrameKind.Cancel)
                {
                    await cancel.CancelAsync().ConfigureAwait(false);
                }
            }
        }
        catch (Exception e) when (e is IOException or InvalidDataException or SocketException or ObjectDisposedException)
        {
        }

        try
        {
            await cancel.CancelAsync().ConfigureAwait(false); // the client is gone: nobody waits for the result
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task<int> RunAsync(HelperRequest request, FrameStream frames, CancellationToken cancellationToken)
    {
        using var stdout = new FrameWriter(frames, FrameKind.Stdout);
        using var stderr = new FrameWriter(frames, FrameKind.Stderr);
        try
        {
            UseEnvironment(request.Environment);
            Environment.CurrentDirectory = request.CurrentDirectory;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            await stderr.WriteLineAsync($"error: The working directory {request.CurrentDirectory} cannot be used: {e.Message}").ConfigureAwait(false);
            return ExitCodes.NotFound;
        }

        // Plain output, as for a process whose standard streams are not a terminal (the only clients a helper has).
        var output = CliOutput.ForWriters(stdout, stderr, plainErrors: true);
        try
        {
            // A new engine connection for each invocation, as its own process would make (a restarted engine or another
            // DOCKER_HOST is never met with a connection made for the last one): what the helper saves is the client's
            // first use, not the connection.
            var engine = CliApp.ConnectEarly([.. request.Args], ProcessEnvironment.Instance);
            return await CliApp.RunAsync([.. request.Args], output, ProcessEnvironment.Instance, builtInPluginDir, configure: null, engine, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            await stderr.WriteLineAsync($"error: The scc helper could not run the command: {e.GetType().Name}: {e.Message}").ConfigureAwait(false);
            return ExitCodes.Tool;
        }
    }

    /// <summary>The process's environment becomes the client's: plugins and libraries that read it see the caller's.</summary>
    private static void UseEnvironment(IReadOnlyDictionary<string, string> environment)
    {
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string name && !environment.ContainsKey(name))
            {
                Environment.SetEnvironmentVariable(name, null);
            }
        }

        foreach (var (name, value) in environment)
        {
            Environment.SetEnvironmentVariable(name, value);
        }
    }

    private static async Task TryAsync(Func<Task> write)
    {
        try
        {
            await write().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            // The client is gone.
        }
    }
}
