using System.Diagnostics;

namespace Scc.Safety.Tests;

/// <summary>
/// Confirms, with the real git in scratch repositories, the readings of git's command line the rules rely on:
/// each test runs the command for real and checks the engine agrees with what git did.
/// </summary>
public sealed class RealGitTests : IDisposable
{
    private readonly string _repo;

    public RealGitTests()
    {
        _repo = Directory.CreateTempSubdirectory("scc-realgit-").FullName;
        Skip.IfNot(Git("init", "-q", ".") == 0, "git is not installed");
        Git("-c", "user.email=t@t", "-c", "user.name=t", "commit", "-q", "--allow-empty", "-m", "init");
    }

    public void Dispose()
    {
        Directory.Delete(_repo, recursive: true);
    }

    private int Git(params string[] args)
    {
        var psi = new ProcessStartInfo("git") { WorkingDirectory = _repo, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        psi.Environment["HOME"] = _repo;
        try
        {
            using var p = Process.Start(psi)!;
            p.StandardOutput.ReadToEnd();
            p.StandardError.ReadToEnd();
            p.WaitForExit();
            return p.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1;
        }
    }

    private string Untracked()
    {
        var f = Path.Combine(_repo, "untracked.txt");
        File.WriteAllText(f, "x");
        return f;
    }

    private static bool Blocked(params string[] argv) => !SafetyEngine.EvaluateArgv(argv, SafetyPolicy.Strict).Allowed;

    [SkippableFact]
    public void Clean_ExcludeValueLooksLikeDryRun_StillDeletes()
    {
        var f = Untracked();
        Blocked("git", "clean", "-e", "-n", "-f").ShouldBeTrue();
        Git("clean", "-e", "-n", "-f").ShouldBe(0);
        File.Exists(f).ShouldBeFalse("git read -n as the value of -e and deleted the file");
    }

    [SkippableFact]
    public void Clean_ForceWithDryRun_DeletesNothing()
    {
        var f = Untracked();
        Blocked("git", "clean", "-fn").ShouldBeFalse();
        Git("clean", "-fn").ShouldBe(0);
        File.Exists(f).ShouldBeTrue();
    }

    [SkippableFact]
    public void Clean_RequireForceFalseSetting_DeletesWithoutForce()
    {
        var f = Untracked();
        Blocked("git", "-c", "clean.requireForce=false", "clean").ShouldBeTrue();
        Git("-c", "clean.requireForce=false", "clean").ShouldBe(0);
        File.Exists(f).ShouldBeFalse();
    }

    [SkippableFact]
    public void Alias_FromDashC_RunsDestructiveCommand()
    {
        var tracked = Path.Combine(_repo, "t.txt");
        File.WriteAllText(tracked, "v1");
        Git("add", "t.txt");
        Git("-c", "user.email=t@t", "-c", "user.name=t", "commit", "-q", "-m", "t");
        File.WriteAllText(tracked, "local change");
        Blocked("git", "-c", "alias.p=reset --hard", "p").ShouldBeTrue();
        Git("-c", "alias.p=reset --hard", "p").ShouldBe(0);
        File.ReadAllText(tracked).ShouldBe("v1", "the alias discarded the local change");
    }

    [SkippableFact]
    public void Stash_MessageNamedClear_IsAPushNotAClear()
    {
        File.WriteAllText(Path.Combine(_repo, "a.txt"), "a");
        Git("add", "a.txt");
        Git("-c", "user.email=t@t", "-c", "user.name=t", "stash", "push", "-q", "-m", "first").ShouldBe(0);
        Blocked("git", "stash", "-m", "clear").ShouldBeFalse();
        Git("-c", "user.email=t@t", "-c", "user.name=t", "stash", "-m", "clear");
        Git("rev-parse", "-q", "--verify", "refs/stash").ShouldBe(0, "the stash still exists");
    }

    [SkippableFact]
    public void Push_AbbreviatedForce_IsRejectedAsAmbiguousButBlocked()
    {
        // git 2.39 says "ambiguous option: forc"; the engine blocks every abbreviation that could mean --force.
        Git("push", "--forc").ShouldBe(129);
        Blocked("git", "push", "--forc").ShouldBeTrue();
        Blocked("git", "push", "--force-w").ShouldBeFalse();
    }

    [SkippableFact]
    public void Push_DryRunForce_IsBlockedAlthoughRemoteUnchanged()
    {
        var remote = Directory.CreateTempSubdirectory("scc-realgit-remote-").FullName;
        try
        {
            Git("init", "-q", "--bare", remote).ShouldBe(0);
            Git("push", "-q", remote, "HEAD:refs/heads/main").ShouldBe(0);
            Git("-c", "user.email=t@t", "-c", "user.name=t", "commit", "-q", "--amend", "--allow-empty", "-m", "rewritten");
            Git("push", "-q", "--dry-run", "--force", remote, "HEAD:refs/heads/main").ShouldBe(0);
            Git("push", "-q", remote, "HEAD:refs/heads/main").ShouldNotBe(0, "the dry run changed nothing: a normal push is still rejected");
            Blocked("git", "push", "--dry-run", "--force", remote, "HEAD:refs/heads/main").ShouldBeTrue();
            Blocked("git", "push", "--dry-run", remote).ShouldBeFalse();
        }
        finally
        {
            Directory.Delete(remote, recursive: true);
        }
    }
}
