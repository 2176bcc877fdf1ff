namespace Scc.Core.Runtime;

/// <summary>
/// Renumbers the image's <c>agent</c> account to the workspace owner's uid:gid in <c>/etc/passwd</c> and
/// <c>/etc/group</c>, so the uid the agent runs as has a name and a home (node's <c>os.userInfo()</c>, ssh and git
/// look it up). Pure text edits; the engine writes the result before the container starts.
/// </summary>
internal static class AgentAccount
{
    /// <summary>
    /// The passwd file with the account for <paramref name="uid"/>: unchanged when some account already has that uid
    /// (root for 0), else the <c>agent</c> line renumbered, else a new <c>agent</c> line.
    /// </summary>
    public static string PatchPasswd(string passwd, int uid, int gid, string home)
    {
        var lines = SplitLines(passwd);
        if (lines.Any(l => Field(l, 2) == uid.ToString(System.Globalization.CultureInfo.InvariantCulture)))
        {
            return passwd;
        }

        var index = lines.FindIndex(l => Field(l, 0) == SandboxPlanBuilder.AgentUserName);
        var entry = $"{SandboxPlanBuilder.AgentUserName}:x:{uid}:{gid}:scc agent:{home}:/bin/bash";
        if (index >= 0)
        {
            var fields = lines[index].Split(':');
            if (fields.Length >= 7)
            {
                fields[2] = uid.ToString(System.Globalization.CultureInfo.InvariantCulture);
                fields[3] = gid.ToString(System.Globalization.CultureInfo.InvariantCulture);
                fields[5] = home;
                entry = string.Join(':', fields);
            }

            lines[index] = entry;
        }
        else
        {
            lines.Add(entry);
        }

        return string.Join('\n', lines) + "\n";
    }

    /// <summary>The group file with a group for <paramref name="gid"/>: unchanged when one exists, else <c>agent</c> renumbered or added.</summary>
    public static string PatchGroup(string group, int gid)
    {
        var lines = SplitLines(group);
        var text = gid.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (lines.Any(l => Field(l, 2) == text))
        {
            return group;
        }

        var index = lines.FindIndex(l => Field(l, 0) == SandboxPlanBuilder.AgentUserName);
        if (index >= 0)
        {
            var fields = lines[index].Split(':');
            if (fields.Length >= 3)
            {
                fields[2] = text;
                lines[index] = string.Join(':', fields);
                return string.Join('\n', lines) + "\n";
            }
        }

        lines.Add($"{SandboxPlanBuilder.AgentUserName}:x:{text}:");
        return string.Join('\n', lines) + "\n";
    }

    private static List<string> SplitLines(string text) =>
        [.. text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0)];

    private static string? Field(string line, int index)
    {
        var fields = line.Split(':');
        return fields.Length > index ? fields[index] : null;
    }
}
