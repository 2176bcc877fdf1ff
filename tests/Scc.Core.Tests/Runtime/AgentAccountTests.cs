using Scc.Core.Runtime;

namespace Scc.Core.Tests.Runtime;

public sealed class AgentAccountTests
{
    private const string Passwd = "root:x:0:0:root:/root:/bin/bash\nwww-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\nagent:x:1000:1000::/home/agent:/bin/bash\n";
    private const string Group = "root:x:0:\nwww-data:x:33:\nagent:x:1000:\n";

    [Fact]
    public void PatchPasswd_NewUid_RenumbersAgent()
    {
        AgentAccount.PatchPasswd(Passwd, 1234, 1234, "/home/agent").ShouldBe(
            "root:x:0:0:root:/root:/bin/bash\nwww-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\nagent:x:1234:1234::/home/agent:/bin/bash\n");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(33)]
    [InlineData(1000)]
    public void PatchPasswd_UidTaken_LeavesFileAlone(int uid) =>
        AgentAccount.PatchPasswd(Passwd, uid, uid, "/home/agent").ShouldBe(Passwd);

    [Fact]
    public void PatchPasswd_NoAgentLine_AddsOne()
    {
        AgentAccount.PatchPasswd("root:x:0:0:root:/root:/bin/bash\n", 501, 20, "/home/agent")
            .ShouldBe("root:x:0:0:root:/root:/bin/bash\nagent:x:501:20:scc agent:/home/agent:/bin/bash\n");
    }

    [Fact]
    public void PatchGroup_NewGid_RenumbersAgentGroup() =>
        AgentAccount.PatchGroup(Group, 1234).ShouldBe("root:x:0:\nwww-data:x:33:\nagent:x:1234:\n");

    [Fact]
    public void PatchGroup_GidTaken_LeavesFileAlone() =>
        AgentAccount.PatchGroup(Group, 33).ShouldBe(Group);

    [Fact]
    public void PatchGroup_NoAgentGroup_AddsOne() =>
        AgentAccount.PatchGroup("root:x:0:\n", 20).ShouldBe("root:x:0:\nagent:x:20:\n");

    [Theory]
    [InlineData("1234 1234\n", 1234, 1234)]
    [InlineData("0 0", 0, 0)]
    [InlineData("501 20\n", 501, 20)]
    public void StatParse_Output_GivesOwner(string output, int uid, int gid) =>
        StatWorkspaceOwnerReader.Parse(output).ShouldBe(new WorkspaceOwner(uid, gid));

    [Fact]
    public void StatRead_RealFolder_MatchesTheProcessOwner()
    {
        var folder = Directory.CreateTempSubdirectory("scc-owner-").FullName;
        try
        {
            var owner = new StatWorkspaceOwnerReader().Read(folder);

            // A folder this process just made belongs to its effective uid.
            owner.Uid.ShouldBe(int.Parse(Environment.GetEnvironmentVariable("SCC_TEST_UID") ?? ProcessUid(), System.Globalization.CultureInfo.InvariantCulture));
        }
        finally
        {
            Directory.Delete(folder);
        }
    }

    [Fact]
    public void LibcStat_AgreesWithTheStatTool_ForEveryOwner()
    {
        var folder = Directory.CreateTempSubdirectory("scc-owner-").FullName;
        try
        {
            // On this project's platforms (glibc, x64 or arm64) the C library answers, without the tool.
            var own = LibcStat.TryRead(folder);
            own.ShouldNotBeNull();
            own.ShouldBe(StatWorkspaceOwnerReader.ReadWithTool(folder));

            // As root (CI), owners other than the process's own: ids above 65535 too.
            foreach (var (uid, gid) in new[] { (1234, 5678), (0, 0), (70000, 1000) })
            {
                if (!Chown(folder, uid, gid))
                {
                    break;
                }

                LibcStat.TryRead(folder).ShouldBe(new WorkspaceOwner(uid, gid));
                StatWorkspaceOwnerReader.ReadWithTool(folder).ShouldBe(new WorkspaceOwner(uid, gid));
            }

            LibcStat.TryRead(Path.Combine(folder, "missing")).ShouldBeNull(); // the tool then says why
        }
        finally
        {
            Directory.Delete(folder);
        }
    }

    private static bool Chown(string path, int uid, int gid)
    {
        using var chown = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("chown", [$"{uid}:{gid}", path]) { RedirectStandardError = true })!;
        chown.StandardError.ReadToEnd();
        chown.WaitForExit();
        return chown.ExitCode == 0;
    }

    private static string ProcessUid() =>
        File.ReadAllLines("/proc/self/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal)).Split('\t', StringSplitOptions.RemoveEmptyEntries)[2];
}
