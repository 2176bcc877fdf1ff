using Scc.Core.Errors;
using Scc.Core.Runtime;

namespace Scc.Core.Tests.Runtime;

public sealed class WorkspacePathsTests : IDisposable
{
    private readonly string _root = WorkspacePaths.Canonicalize(Directory.CreateTempSubdirectory("scc-ws-").FullName, "/");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Canonicalize_SymlinkAndDotDot_ResolveToTheRealFolder()
    {
        var real = Directory.CreateDirectory(Path.Combine(_root, "real", "app")).FullName;
        Directory.CreateSymbolicLink(Path.Combine(_root, "link"), Path.Combine(_root, "real"));
        Directory.CreateSymbolicLink(Path.Combine(_root, "rel"), "real/app");

        WorkspacePaths.Canonicalize(Path.Combine(_root, "link", "app"), "/").ShouldBe(real);
        WorkspacePaths.Canonicalize("link/../real/./app/", _root).ShouldBe(real);
        WorkspacePaths.Canonicalize(Path.Combine(_root, "rel"), "/").ShouldBe(real);
        SessionIdentity.For("claude", WorkspacePaths.Canonicalize(Path.Combine(_root, "rel"), "/")).ContainerName
            .ShouldBe(SessionIdentity.For("claude", real).ContainerName);
    }

    [Fact]
    public void Canonicalize_LinkLoop_IsAClearError()
    {
        Directory.CreateSymbolicLink(Path.Combine(_root, "a"), Path.Combine(_root, "b"));
        Directory.CreateSymbolicLink(Path.Combine(_root, "b"), Path.Combine(_root, "a"));

        Should.Throw<UsageException>(() => WorkspacePaths.Canonicalize(Path.Combine(_root, "a"), "/")).Message.ShouldContain("symbolic links");
    }

    [Fact]
    public void Check_MissingFolder_IsNotFound()
    {
        var error = Should.Throw<NotFoundException>(() => WorkspacePaths.Check(Path.Combine(_root, "nope"), "/", "/home/dev"));

        error.Message.ShouldContain("does not exist");
        error.ExitCode.ShouldBe(ExitCodes.NotFound);
    }

    [Fact]
    public void Check_File_IsUsageError()
    {
        var file = Path.Combine(_root, "f.txt");
        File.WriteAllText(file, "x");

        Should.Throw<UsageException>(() => WorkspacePaths.Check(file, "/", "/home/dev")).Message.ShouldContain("is a file");
    }

    [Fact]
    public void Check_ProjectFolder_IsNotSuspicious()
    {
        var app = Directory.CreateDirectory(Path.Combine(_root, "app")).FullName;

        var verdict = WorkspacePaths.Check(app, "/", "/home/dev");

        verdict.IsSuspicious.ShouldBeFalse();
        verdict.CanonicalPath.ShouldBe(app);
    }

    [Theory]
    [InlineData("/", "/home/dev", "root of the file system")]
    [InlineData("/home/dev", "/home/dev", "your home folder")]
    [InlineData("/home", "/home/dev", "contains your home folder")]
    [InlineData("/etc", "/home/dev", "system folder (/etc)")]
    [InlineData("/usr/local/src", "/home/dev", "system folder (/usr)")]
    [InlineData("/var/lib/docker", "/home/dev", "system folder (/var/lib)")]
    [InlineData("/Users", "/Users/dev", "contains your home folder")]
    [InlineData("/System/Library", "/Users/dev", "system folder (/System)")]
    [InlineData("/tmp", "/home/dev", "/tmp holds")]
    [InlineData("/root", "/home/dev", "/root holds")]
    public void SuspiciousReason_SystemOrHome_Explains(string path, string home, string reason) =>
        WorkspacePaths.SuspiciousReason(path, home).ShouldNotBeNull().ShouldContain(reason);

    [Theory]
    [InlineData("/home/dev/app")]
    [InlineData("/tmp/scratch")]
    [InlineData("/root/project")]
    [InlineData("/srv/repos/app")]
    [InlineData("/Users/dev/code/app")]
    [InlineData("/work/wt-runtime")]
    public void SuspiciousReason_ProjectFolders_IsNull(string path) =>
        WorkspacePaths.SuspiciousReason(path, "/home/dev").ShouldBeNull();

    [Fact]
    public void Require_HomeWithoutAllow_IsRefusedNamingTheFlag()
    {
        var home = Directory.CreateDirectory(Path.Combine(_root, "home")).FullName;

        var error = Should.Throw<UsageException>(() => WorkspacePaths.Require(home, "/", home, allowSuspicious: false));

        error.Message.ShouldContain("your home folder");
        error.Action.ShouldNotBeNull().ShouldContain("--allow-suspicious-workspace");
        WorkspacePaths.Require(home, "/", home, allowSuspicious: true).ShouldBe(home);
    }

    [Fact]
    public void Require_HomeThroughASymlink_IsStillRefused()
    {
        var home = Directory.CreateDirectory(Path.Combine(_root, "home")).FullName;
        var alias = Path.Combine(_root, "alias");
        Directory.CreateSymbolicLink(alias, home);

        Should.Throw<UsageException>(() => WorkspacePaths.Require(alias, "/", home, allowSuspicious: false));
    }
}
