using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Scc.Core.Paths;
using Scc.Core.Runtime;

namespace Scc.Cli.Helper;

/// <summary>
/// Where the resident helper listens and who may talk to it: a unix socket in <c>~/.local/state/scc/helper/</c>, a
/// folder only its user can enter (0700, owned by the effective uid), named for this build of scc (<see cref="Build"/>)
/// and the engine it talks to, so a client never reaches a helper of another build or another <c>DOCKER_HOST</c>. Linux only (the peer
/// check reads SO_PEERCRED).
/// </summary>
internal static class HelperSocket
{
    /// <summary>sun_path holds 108 bytes with its terminating zero.</summary>
    private const int MaxPathBytes = 107;

    /// <summary>
    /// This build of scc: the name, size and modification time of every assembly in the app's folder. An upgrade
    /// that changes any of them (not only scc.dll: a deterministic build keeps its MVID when only another assembly's
    /// code changed) gives a new socket name, so no client of the new build reaches a helper still running the old
    /// code. Plugins need no part in it: every invocation loads them from disk again.
    /// </summary>
    private static readonly Lazy<string> Build = new(() => BuildIdentity(AppContext.BaseDirectory));

    internal static string BuildIdentity(string appFolder)
    {
        var text = new StringBuilder(appFolder);
        foreach (var file in Directory.EnumerateFiles(appFolder, "*.dll").Order(StringComparer.Ordinal))
        {
            var info = new FileInfo(file);
            text.Append('\n').Append(info.Name).Append(' ').Append(info.Length).Append(' ').Append(info.LastWriteTimeUtc.Ticks);
        }

        return text.ToString();
    }

    /// <summary>The socket's path, or null where no helper can run (not Linux, or a path too long for a unix socket).</summary>
    public static string? PathFor(IEnvironment environment)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{Build.Value}\n{environment.Get("DOCKER_HOST")}")))[..16];
        var path = Path.Combine(new SccPaths(environment).StateDir, "helper", $"{key}.sock");
        return Encoding.UTF8.GetByteCount(path) <= MaxPathBytes ? path : null;
    }

    /// <summary>
    /// Null when the folder is this user's alone (owned by the effective uid, no group or other permission), else why
    /// not. Neither side uses a socket in a folder that another user could have put there or could reach.
    /// </summary>
    public static string? CheckFolder(string folder)
    {
        if (!OperatingSystem.IsLinux())
        {
            return "the helper runs on Linux only";
        }

        if (!Directory.Exists(folder))
        {
            return $"{folder} does not exist";
        }

        var owner = LibcStat.TryRead(folder);
        if (owner is null || owner.Uid != (int)Native.geteuid())
        {
            return $"{folder} is not owned by uid {Native.geteuid()}";
        }

        var mode = File.GetUnixFileMode(folder);
        return (mode & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute)) != 0
            ? $"{folder} can be reached by other users (mode {Convert.ToString((int)mode, 8)}; it must be 700)"
            : null;
    }

    /// <summary>The process on the other end of a connected unix socket (SO_PEERCRED), or null if unreadable.</summary>
    public static (int Pid, uint Uid)? Peer(Socket socket)
    {
        var length = (uint)Marshal.SizeOf<Native.UCred>();
        return Native.getsockopt((int)socket.SafeHandle.DangerousGetHandle(), Native.SolSocket, Native.SoPeerCred, out var credentials, ref length) == 0
            ? (credentials.Pid, credentials.Uid)
            : null;
    }

    /// <summary>The uid of the process on the other end of a connected unix socket, or null if unreadable.</summary>
    public static uint? PeerUid(Socket socket) => Peer(socket)?.Uid;

    /// <summary>
    /// A connection to the helper listening on <paramref name="path"/> and its pid, or null when there is none this
    /// user may use: no socket, a folder that is not this user's alone, nothing listening (a helper that ended left
    /// its socket), or a listener of another uid.
    /// </summary>
    public static async Task<(Socket Socket, int Pid)?> ConnectAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path) || CheckFolder(Path.GetDirectoryName(path)!) is not null)
        {
            return null;
        }

        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken).ConfigureAwait(false);
            if (Peer(socket) is { } peer && peer.Uid == EffectiveUid)
            {
                return (socket, peer.Pid);
            }
        }
        catch (SocketException)
        {
        }

        socket.Dispose();
        return null;
    }

    /// <summary>Asks a process to end (SIGTERM).</summary>
    public static void Terminate(int pid) => _ = Native.kill(pid, Native.SigTerm);

    public static uint EffectiveUid => Native.geteuid();

    /// <summary>Leaves the caller's session and process group, so the terminal's Ctrl-C and hang-up do not reach the helper.</summary>
    public static void DetachFromTerminal() => _ = Native.setsid();

#pragma warning disable SYSLIB1054 // LibraryImport needs unsafe code in this assembly; these calls marshal ints and a struct only
    private static class Native
    {
        public const int SolSocket = 1;
        public const int SoPeerCred = 17;
        public const int SigTerm = 15;

        [StructLayout(LayoutKind.Sequential)]
        public struct UCred
        {
            public int Pid;
            public uint Uid;
            public uint Gid;
        }

        [DllImport("libc.so.6", ExactSpelling = true)]
        public static extern uint geteuid();

        [DllImport("libc.so.6", ExactSpelling = true)]
        public static extern int setsid();

        [DllImport("libc.so.6", ExactSpelling = true)]
        public static extern int kill(int pid, int signal);

        [DllImport("libc.so.6", ExactSpelling = true, SetLastError = true)]
        public static extern int getsockopt(int socket, int level, int option, out UCred value, ref uint length);
    }
#pragma warning restore SYSLIB1054
}
