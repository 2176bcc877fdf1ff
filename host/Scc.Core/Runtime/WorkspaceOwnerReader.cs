using System.Diagnostics;
using System.Globalization;
using Scc.Core.Errors;

namespace Scc.Core.Runtime;

internal interface IWorkspaceOwnerReader
{
    WorkspaceOwner Read(string path);
}

/// <summary>
/// Reads a folder's numeric owner with <c>stat</c>: .NET has no API for a file's uid, and the layout of
/// <c>struct stat</c> differs by platform, so the system's own tool is the portable way.
/// </summary>
internal sealed class StatWorkspaceOwnerReader : IWorkspaceOwnerReader
{
    public WorkspaceOwner Read(string path)
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
