using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Scc.Core.Errors;

namespace Scc.Core.Runtime;

internal interface IWorkspaceOwnerReader
{
    WorkspaceOwner Read(string path);
}

/// <summary>
/// Reads a folder's numeric owner (.NET has no API for a file's uid): with the C library's <c>stat(2)</c> where the
/// layout of <c>struct stat</c> is fixed by the platform's ABI (glibc on Linux x64 and arm64), else with the
/// system's <c>stat</c> tool, whose run cost a start ~4 ms of its main thread.
/// </summary>
internal sealed class StatWorkspaceOwnerReader : IWorkspaceOwnerReader
{
    public WorkspaceOwner Read(string path) => LibcStat.TryRead(path) ?? ReadWithTool(path);

    internal static WorkspaceOwner ReadWithTool(string path)
    {
        var start = new ProcessStartInfo("stat")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        // GNU stat and BSD (macOS) stat spell the format differently.
        foreach (var arg in OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD() ? ["-f", "%u %g", path] : new[] { "-c", "%u %g", path })
        {
            start.ArgumentList.Add(arg);
        }

        try
        {
            using var process = Process.Start(start) ?? throw new ToolException("Could not run `stat`.");
            var output = process.StandardOutput.ReadToEnd();
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new ToolException($"Could not read the owner of {path}: {error.Trim()}");
            }

            return Parse(output);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new ToolException("`stat` is not installed; scc needs it to read the workspace owner.", inner: e);
        }
    }

    internal static WorkspaceOwner Parse(string output)
    {
        var parts = output.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var uid)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var gid))
        {
            throw new ToolException($"`stat` printed '{output.Trim()}', not a uid and gid.");
        }

        return new WorkspaceOwner(uid, gid);
    }
}

/// <summary>
/// <c>stat(2)</c> through glibc. Null where the layout is not known here (another OS or architecture, musl, a glibc
/// before 2.33 without a <c>stat</c> symbol) or when the call fails: the <c>stat</c> tool then answers, or says why not.
/// </summary>
internal static class LibcStat
{
    // struct stat: st_uid and st_gid offsets; x86_64 has st_nlink (8 bytes) before st_mode, the generic layout
    // (arm64) has st_mode then a 4-byte st_nlink.
    private static readonly (int Uid, int Gid)? Offsets = OperatingSystem.IsLinux()
        ? RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => (28, 32),
            Architecture.Arm64 => (24, 28),
            _ => null,
        }
        : null;

    public static WorkspaceOwner? TryRead(string path)
    {
        if (Offsets is not { } offsets)
        {
            return null;
        }

        var buffer = new byte[256]; // sizeof(struct stat): 144 on x86_64, 128 on arm64
        try
        {
            if (Stat(path, buffer) != 0)
            {
                return null;
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }

        return new WorkspaceOwner(
            checked((int)BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(offsets.Uid))),
            checked((int)BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(offsets.Gid))));
    }

#pragma warning disable SYSLIB1054 // LibraryImport needs unsafe code in this assembly; this call marshals a string and a byte array only
    [DllImport("libc.so.6", EntryPoint = "stat", ExactSpelling = true)]
    private static extern int Stat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte[] buffer);
#pragma warning restore SYSLIB1054
}
