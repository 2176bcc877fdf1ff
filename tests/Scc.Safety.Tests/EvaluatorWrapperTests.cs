using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Scc.Safety.Tests;

/// <summary>
/// The argv[0] mode: links named after guarded tools pointing at the test copy of the evaluator, whose compiled-in
/// real-binary folder, policy path and audit folder are under <see cref="EvaluatorFixture.TestRoot"/>.
/// </summary>
[Collection("wrapper")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class EvaluatorWrapperTests : IClassFixture<EvaluatorFixture>
{
    private const string Root = EvaluatorFixture.TestRoot;
    private static readonly string Real = Path.Combine(Root, "real");
    private static readonly string Bin = Path.Combine(Root, "bin");
    private static readonly string Audit = Path.Combine(Root, "audit");
    private static readonly string Marker = Path.Combine(Root, "ran");
    private readonly EvaluatorFixture _fixture;

    public EvaluatorWrapperTests(EvaluatorFixture fixture)
    {
        _fixture = fixture;
    }

    private string Setup()
    {
        var eval = _fixture.TestBinary;
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }

        Directory.CreateDirectory(Real);
        Directory.CreateDirectory(Bin);
        Directory.CreateDirectory(Audit);
        File.Copy(Corpus.PolicyPath, Path.Combine(Root, "policy.json"));

        // The fake real tools record their arguments, one per line, byte for byte.
        foreach (var tool in (string[])["git", "curl"])
        {
            var script = Path.Combine(Real, tool);
            // The wrapper asks the real git for stored aliases: the fake answers with the machine's git.
            File.WriteAllText(script, "#!/bin/sh\ncase \" $* \" in *\" config --null --get-regexp \"*) exec git \"$@\";; esac\n"
                + $"printf '%s\\n' \"{tool}\" \"$@\" > {Marker}\necho real-{tool}-ran\n");
            File.SetUnixFileMode(script, (UnixFileMode)0b111_101_101);
        }

        foreach (var link in (string[])["git", "git-push", "curl", "ls"])
        {
            File.CreateSymbolicLink(Path.Combine(Bin, link), eval);
        }

        return eval;
    }

    private static EvaluatorFixture.Result Tool(string name, params string[] args) =>
        EvaluatorFixture.Run(Path.Combine(Bin, name), args);

    [SkippableFact]
    public void Wrapper_AllowedCommand_ExecsRealBinaryWithSameArgs()
    {
        Setup();
        var r = Tool("git", "log", "--oneline", "a b", string.Empty, "--grep=force");
        r.ExitCode.ShouldBe(0, r.Stderr);
        r.Stdout.ShouldBe("real-git-ran\n");
        File.ReadAllText(Marker).ShouldBe("git\nlog\n--oneline\na b\n\n--grep=force\n");
    }

    [SkippableFact]
    public void Wrapper_ForcePush_BlocksWithReasonAndNeverRunsRealBinary()
    {
        Setup();
        var r = Tool("git", "push", "--force", "origin", "main");
        r.ExitCode.ShouldBe(2);
        r.Stderr.ShouldStartWith("scc-safety: blocked: ");
        r.Stderr.ShouldContain("[git.force_push]");
        File.Exists(Marker).ShouldBeFalse();
    }

    [SkippableFact]
    public void Wrapper_Decision_AppendsOneSafetyCheckLinePerCall()
    {
        Setup();
        Tool("git", "status");
        Tool("git", "reset", "--hard");
        var lines = File.ReadAllLines(Path.Combine(Audit, "safety.jsonl"));
        lines.Length.ShouldBe(2);
        using var allow = JsonDocument.Parse(lines[0]);
        allow.RootElement.GetProperty("event").GetString().ShouldBe("safety.check");
        allow.RootElement.GetProperty("tool").GetString().ShouldBe("git");
        allow.RootElement.GetProperty("verdict").GetString().ShouldBe("allow");
        allow.RootElement.GetProperty("argv").EnumerateArray().Select(e => e.GetString()).ShouldBe(["git", "status"]);
        DateTimeOffset.Parse(allow.RootElement.GetProperty("time").GetString()!, System.Globalization.CultureInfo.InvariantCulture).ShouldBeGreaterThan(DateTimeOffset.UtcNow.AddMinutes(-5));
        using var block = JsonDocument.Parse(lines[1]);
        block.RootElement.GetProperty("verdict").GetString().ShouldBe("block");
        block.RootElement.GetProperty("rule").GetString().ShouldBe("git.reset_hard");
        block.RootElement.GetProperty("reason").GetString()!.ShouldContain("--hard");
    }

    [SkippableFact]
    public void Wrapper_NoAuditFolder_StillDecidesAndWritesNothing()
    {
        Setup();
        Directory.Delete(Audit, recursive: true);
        Tool("git", "status").ExitCode.ShouldBe(0);
        Tool("git", "clean", "-fdx").ExitCode.ShouldBe(2);
        Directory.Exists(Audit).ShouldBeFalse();
    }

    [SkippableFact]
    public void Wrapper_MissingPolicy_BlocksEverything()
    {
        Setup();
        File.Delete(Path.Combine(Root, "policy.json"));
        var r = Tool("git", "status");
        r.ExitCode.ShouldBe(2);
        r.Stderr.ShouldContain("[policy.invalid]");
        File.Exists(Marker).ShouldBeFalse();
    }

    [SkippableFact]
    public void Wrapper_InvalidPolicy_BlocksEverything()
    {
        Setup();
        File.WriteAllText(Path.Combine(Root, "policy.json"), "{\"action\": 3}");
        Tool("git", "status").ExitCode.ShouldBe(2);
        File.Exists(Marker).ShouldBeFalse();
    }

    [SkippableFact]
    public void Wrapper_PolicyPathFromEnvironment_IsIgnored()
    {
        Setup();
        var permissive = Path.Combine(Root, "permissive.json");
        File.WriteAllText(permissive, "{\"action\":\"allow\"}");
        var r = EvaluatorFixture.Run(Path.Combine(Bin, "git"), ["push", "-f"], new Dictionary<string, string>
        {
            ["SCC_SAFETY_POLICY"] = permissive,
            ["SCC_POLICY"] = permissive,
            ["SCC_REAL_BIN_DIR"] = "/usr/bin",
        });
        r.ExitCode.ShouldBe(2);
    }

    [SkippableFact]
    public void Wrapper_GitConfigParametersAlias_Blocks()
    {
        Setup();
        var r = EvaluatorFixture.Run(Path.Combine(Bin, "git"), ["p", "origin", "main"], new Dictionary<string, string>
        {
            ["GIT_CONFIG_PARAMETERS"] = "'alias.p=push --force'",
        });
        r.ExitCode.ShouldBe(2);
        r.Stderr.ShouldContain("[git.force_push]");
    }

    [SkippableFact]
    public void Wrapper_AliasOrForcingRefspecInRepositoryConfig_Blocks()
    {
        Setup();
        var repo = Path.Combine(Root, "repo");
        Directory.CreateDirectory(repo);
        EvaluatorFixture.Run("git", ["-C", repo, "init", "-q"]).ExitCode.ShouldBe(0);
        EvaluatorFixture.Run("git", ["-C", repo, "config", "alias.p", "push --force"]).ExitCode.ShouldBe(0);
        var alias = Tool("git", "-C", repo, "p", "origin", "main");
        alias.ExitCode.ShouldBe(2);
        alias.Stderr.ShouldContain("[git.force_push]");
        Tool("git", "-C", repo, "push", "origin", "main").ExitCode.ShouldBe(0);
        EvaluatorFixture.Run("git", ["-C", repo, "config", "remote.origin.push", "+refs/heads/*:refs/heads/*"]).ExitCode.ShouldBe(0);
        Tool("git", "-C", repo, "push").ExitCode.ShouldBe(2);
        File.ReadAllText(Marker).ShouldBe("git\n-C\n" + repo + "\npush\norigin\nmain\n");
    }

    [SkippableFact]
    public void Wrapper_DashedGitName_RunsRealGitWithSubcommand()
    {
        Setup();
        Tool("git-push", "--force").ExitCode.ShouldBe(2);
        var r = Tool("git-push", "origin", "main");
        r.ExitCode.ShouldBe(0, r.Stderr);
        File.ReadAllText(Marker).ShouldBe("git\npush\norigin\nmain\n");
    }

    [SkippableFact]
    public void Wrapper_NetworkToolDestination_BlocksUnlessAllowed()
    {
        Setup();
        var blocked = Tool("curl", "-sSL", "https://evil.test/x");
        blocked.ExitCode.ShouldBe(2);
        blocked.Stderr.ShouldContain("evil.test");
        Tool("curl", "https://github.com/x").ExitCode.ShouldBe(0);
    }

    [SkippableFact]
    public void Wrapper_RealBinaryMissing_Blocks()
    {
        Setup();
        var r = Tool("ls", "-la");
        r.ExitCode.ShouldBe(2);
        r.Stderr.ShouldContain("not installed");
    }

    [SkippableFact]
    public void Wrapper_InvalidUtf8Argument_PassesBytesUnchanged()
    {
        Setup();
        // bash builds the argv with a raw 0xFF byte; the fake git writes it back.
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add($"exec {Bin}/git log $'caf\\xff' $'\\xc3\\xa9'");
        using var p = Process.Start(psi)!;
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        p.ExitCode.ShouldBe(0);
        File.ReadAllBytes(Marker).ShouldBe(Encoding.ASCII.GetBytes("git\nlog\ncaf").Concat(new byte[] { 0xFF, (byte)'\n', 0xC3, 0xA9, (byte)'\n' }).ToArray());
    }

    [SkippableFact]
    public void Check_UnknownOptionOrCommand_ExitsTwo()
    {
        var eval = Setup();
        EvaluatorFixture.Run(eval, ["check", "--bogus", "--", "ls"]).ExitCode.ShouldBe(2);
        EvaluatorFixture.Run(eval, ["frobnicate"]).ExitCode.ShouldBe(2);
        EvaluatorFixture.Run(eval, []).ExitCode.ShouldBe(2);
        EvaluatorFixture.Run(eval, ["check", "--policy"]).ExitCode.ShouldBe(2);
        EvaluatorFixture.Run(eval, ["check", "--", "ls", "extra"]).ExitCode.ShouldBe(2);
        EvaluatorFixture.Run(eval, ["check", "--argv"]).ExitCode.ShouldBe(2);
    }

    [SkippableFact]
    public void Check_PolicyIsFolderMissingOrHuge_BlocksAsPolicyInvalid()
    {
        var eval = Setup();
        var huge = Path.Combine(Root, "huge.json");
        using (var f = File.Create(huge))
        {
            f.SetLength(100L * 1024 * 1024);
        }

        foreach (var policy in (string[])[Root, Path.Combine(Root, "missing.json"), huge])
        {
            var r = EvaluatorFixture.Run(eval, ["check", "--policy", policy, "--json", "--", "ls"]);
            r.ExitCode.ShouldBe(2, policy);
            r.Stdout.ShouldContain("\"rule\":\"policy.invalid\"", customMessage: policy);
        }

        File.Delete(huge);
    }

    [SkippableFact]
    public void Check_DefaultPolicyPath_IsTheCompiledInOne()
    {
        var eval = Setup();
        EvaluatorFixture.Run(eval, ["check", "--", "git status"]).ExitCode.ShouldBe(0);
        File.Delete(Path.Combine(Root, "policy.json"));
        EvaluatorFixture.Run(eval, ["check", "--", "git status"]).ExitCode.ShouldBe(2);
    }

    [SkippableFact]
    public void Check_WarnPolicy_AllowsAndPrintsWarning()
    {
        var eval = Setup();
        var warn = Path.Combine(Root, "warn.json");
        File.WriteAllText(warn, "{\"action\":\"warn\"}");
        var r = EvaluatorFixture.Run(eval, ["check", "--policy", warn, "--", "git push -f"]);
        r.ExitCode.ShouldBe(0);
        r.Stdout.ShouldContain("warning: ");
        r.Stdout.ShouldContain("[git.force_push]");
    }
}
