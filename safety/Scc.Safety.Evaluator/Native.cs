using System.Runtime.InteropServices;

namespace Scc.Safety.Evaluator;

/// <summary>The few libc calls the evaluator needs: execv, and append-mode writes for the audit line.</summary>
internal static unsafe partial class Native
{
    public const int ORdOnly = 0;
    public const int OWrOnly = 1;
    public const int OCreat = 0x40;
    public const int OAppend = 0x400;
    public const int OCloExec = 0x80000;

    [LibraryImport("libc", EntryPoint = "execv", SetLastError = true)]
    public static partial int Execv(byte* path, byte** argv);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true)]
    public static partial int Open(byte* path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, byte* buf, nint count);

    [LibraryImport("libc", EntryPoint = "close")]
    public static partial int Close(int fd);

    /// <summary>Replaces the process with <paramref name="path"/>; returns only on failure (errno).</summary>
    public static int Exec(byte[] path, IReadOnlyList<byte[]> argv)
    {
        var handles = new List<GCHandle>(argv.Count + 1);
        try
        {
            var pointers = new nint[argv.Count + 1];
            for (var i = 0; i < argv.Count; i++)
            {
                var z = new byte[argv[i].Length + 1];
                argv[i].CopyTo(z, 0);
                var h = GCHandle.Alloc(z, GCHandleType.Pinned);
                handles.Add(h);
                pointers[i] = h.AddrOfPinnedObject();
            }

            var pathZ = new byte[path.Length + 1];
            path.CopyTo(pathZ, 0);
            fixed (byte* p = pathZ)
            fixed (nint* a = pointers)
            {
                Execv(p, (byte**)a);
            }

            return Marshal.GetLastPInvokeError();
        }
        finally
        {
            foreach (var h in handles)
            {
                h.Free();
            }
        }
    }

    /// <summary>Appends one buffer with a single write(2) on an O_APPEND descriptor (atomic for small lines).</summary>
    public static bool AppendLine(string path, byte[] line)
    {
        var pathZ = new byte[System.Text.Encoding.UTF8.GetByteCount(path) + 1];
        System.Text.Encoding.UTF8.GetBytes(path, pathZ);
        fixed (byte* p = pathZ)
        fixed (byte* b = line)
        {
            var fd = Open(p, OWrOnly | OCreat | OAppend | OCloExec, 0x1A4 /* 0644 */);
            if (fd < 0)
            {
                return false;
            }

            var written = Write(fd, b, line.Length);
            Close(fd);
            return written == line.Length;
        }
    }
}
