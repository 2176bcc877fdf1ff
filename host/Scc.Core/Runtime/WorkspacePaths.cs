using Scc.Core.Errors;

namespace Scc.Core.Runtime;

/// <summary>The verdict on a workspace folder: where it really is, and whether mounting it would be suspicious.</summary>
internal sealed record WorkspaceVerdict(string CanonicalPath, string? SuspiciousReason)
{
    public bool IsSuspicious => SuspiciousReason is not null;
}

/// <summary>
/// Canonical workspace paths (what names and labels hash) and the suspicious-workspace check: mounting <c>/</c>, the
/// home folder or a system folder would hand the agent far more than a project, so those are refused unless the user
/// says <c>--allow-suspicious-workspace</c>.
/// </summary>
internal static class WorkspacePaths
{
    private const int MaxLinks = 40;

    /// <summary>Folders that hold the system, never a project; refused themselves and everything below them.</summary>
    private static readonly string[] SystemTrees =
    [
        "/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/libx32", "/proc", "/run", "/sbin", "/sys", "/usr",
        "/var/lib", "/var/run", "/var/log", "/var/cache", "/var/spool", "/snap",
        "/System", "/Library", "/Applications", "/private/etc", "/private/var/db", "/cores",
    ];

    /// <summary>Folders that hold many projects or people; refused themselves but fine below.</summary>
    private static readonly string[] Containers =
    [
        "/home", "/root", "/Users", "/Volumes", "/mnt", "/media", "/opt", "/srv", "/tmp", "/var", "/var/tmp", "/private", "/private/tmp", "/private/var", "/workspace", "/workspaces",
    ];

    /// <summary>
    /// The absolute path with every symbolic link resolved (like <c>realpath</c>), so a link and its target, or
    /// <c>a/../b</c> and <c>b</c>, name one session. The path must exist.
    /// </summary>
    public static string Canonicalize(string path, string currentDirectory)
    {
        var full = Path.GetFullPath(path, currentDirectory);
        var parts = full.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var resolved = "/";
        var pending = new Queue<string>(parts);
        var links = 0;
        while (pending.Count > 0)
        {
            var part = pending.Dequeue();
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                resolved = Path.GetDirectoryName(resolved) ?? "/";
                continue;
            }

            var next = Path.Join(resolved, part);
            var info = new FileInfo(next);
            if (info.LinkTarget is { } target)
            {
                if (++links > MaxLinks)
                {
                    throw new UsageException($"Too many symbolic links while resolving {full}.");
                }

                // Resolve the target's own parts next, then what was left of the path.
                var rest = pending.ToArray();
                pending.Clear();
                if (Path.IsPathRooted(target))
                {
                    resolved = "/";
                }

                foreach (var p in target.Split('/', StringSplitOptions.RemoveEmptyEntries).Concat(rest))
                {
                    pending.Enqueue(p);
                }

                continue;
            }

            resolved = next;
        }

        return resolved;
    }

    /// <summary>
    /// Checks a workspace: it must exist and be a folder (else a clear error); the verdict says whether it is
    /// suspicious. <paramref name="home"/> is the user's home folder.
    /// </summary>
    public static WorkspaceVerdict Check(string path, string currentDirectory, string home)
    {
        var full = Path.GetFullPath(path, currentDirectory);
        if (File.Exists(full))
        {
            throw new UsageException($"The workspace {full} is a file, not a folder.", "Pass the project's folder (or run scc inside it).");
        }

        if (!Directory.Exists(full))
        {
            throw new NotFoundException($"The workspace {full} does not exist.", "Check the path, or run scc inside the project's folder.");
        }

        var canonical = Canonicalize(full, currentDirectory);
        var canonicalHome = Directory.Exists(home) ? Canonicalize(home, currentDirectory) : home.TrimEnd('/');
        return new WorkspaceVerdict(canonical, SuspiciousReason(canonical, canonicalHome));
    }

    /// <summary>Checks and refuses a suspicious workspace unless allowed. Returns the canonical path.</summary>
    public static string Require(string path, string currentDirectory, string home, bool allowSuspicious)
    {
        var verdict = Check(path, currentDirectory, home);
        if (verdict.IsSuspicious && !allowSuspicious)
        {
            throw new UsageException(
                $"Refusing to use {verdict.CanonicalPath} as a workspace: {verdict.SuspiciousReason}. The agent would see and could change all of it.",
                "Run scc in a project folder, or pass --allow-suspicious-workspace if you really mean it.");
        }

        return verdict.CanonicalPath;
    }

    internal static string? SuspiciousReason(string canonical, string home)
    {
        if (canonical == "/")
        {
            return "it is the root of the file system";
        }

        if (home.Length > 1 && canonical == home)
        {
            return "it is your home folder";
        }

        if (home.Length > 1 && home.StartsWith(canonical + "/", StringComparison.Ordinal))
        {
            return "it contains your home folder";
        }

        foreach (var tree in SystemTrees)
        {
            if (canonical == tree || canonical.StartsWith(tree + "/", StringComparison.Ordinal))
            {
                return $"it is a system folder ({tree})";
            }
        }

        foreach (var folder in Containers)
        {
            if (canonical == folder)
            {
                return $"{folder} holds other people's or programs' files, not one project";
            }
        }

        return null;
    }
}
