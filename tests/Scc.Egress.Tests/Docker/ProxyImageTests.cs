using System.Text.RegularExpressions;

namespace Scc.Egress.Tests.Docker;

/// <summary>
/// The proxy image against the real engine: every golden config parses, and a compiled policy allows and denies
/// real requests between containers this test starts on networks it creates (nothing else is contacted).
/// </summary>
[Trait("Category", "Docker")]
public sealed partial class ProxyImageTests
{
    // Warnings that say nothing about the config: the container has no IPv6 (docs/egress.md).
    private static readonly string[] HarmlessWarnings = ["BCP 177", "IPv6"];

    public static TheoryData<string> GoldenNames() => new(Policies.Golden.Keys);

    [SkippableTheory]
    [MemberData(nameof(GoldenNames))]
    public async Task SquidParse_GoldenConfig_AcceptedWithoutWarnings(string name)
    {
        await DockerCli.RequireProxyImageAsync();
        var path = Path.Combine(GoldenFile.Directory(), name);
        File.Exists(path).ShouldBeTrue(path); // docker would mount a missing path as an empty directory
        var result = await DockerCli.RunAsync(["run", "--rm", "--label", DockerCli.TestLabel + "=parse", "-v", $"{path}:{EgressProxyContract.ConfigPath}:ro", DockerCli.Image, "parse"], TimeSpan.FromSeconds(60));

        result.ExitCode.ShouldBe(0, result.Output);
        // Proof that Squid read this file: it echoes each directive it processes.
        result.Output.ShouldContain("Processing: http_access deny all");
        result.Output.ShouldContain("Processing: logformat scc scc1 ");
        var complaints = result.Output.Split('\n')
            .Where(l => Complaint().IsMatch(l) && !HarmlessWarnings.Any(h => l.Contains(h, StringComparison.Ordinal)))
            .ToList();
        complaints.ShouldBeEmpty(result.Output);
    }

    [SkippableFact]
    public async Task SquidParse_BrokenConfig_Rejected()
    {
        // Proves the parse check above can fail.
        await DockerCli.RequireProxyImageAsync();
        var path = Path.Combine(Path.GetTempPath(), $"scc-egress-broken-{Guid.NewGuid():N}.conf");
        await File.WriteAllTextAsync(path, Policies.Compile("provider-only.conf") + "acl scc_broken nosuchtype x\n");
        try
        {
            var result = await DockerCli.RunAsync(["run", "--rm", "--label", DockerCli.TestLabel + "=parse", "-v", $"{path}:{EgressProxyContract.ConfigPath}:ro", DockerCli.Image, "parse"], TimeSpan.FromSeconds(60));
            result.ExitCode.ShouldNotBe(0, result.Output);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [SkippableFact]
    public async Task Entrypoint_NoConfigMounted_FailsWithMessage()
    {
        await DockerCli.RequireProxyImageAsync();
        var result = await DockerCli.RunAsync(["run", "--rm", "--label", DockerCli.TestLabel + "=parse", DockerCli.Image], TimeSpan.FromSeconds(60));
        result.ExitCode.ShouldBe(78);
        result.Stderr.ShouldContain("no proxy config at /etc/scc-egress/squid.conf");
    }

    [SkippableFact]
    public async Task Entrypoint_DirectoryInsteadOfConfig_FailsWithMessage()
    {
        // What a typo in the host path produces: Docker creates an empty directory and mounts it.
        await DockerCli.RequireProxyImageAsync();
        var dir = Directory.CreateTempSubdirectory("scc-egress-notafile-");
        try
        {
            var result = await DockerCli.RunAsync(["run", "--rm", "--label", DockerCli.TestLabel + "=parse", "-v", $"{dir.FullName}:{EgressProxyContract.ConfigPath}:ro", DockerCli.Image, "parse"], TimeSpan.FromSeconds(60));
            result.ExitCode.ShouldBe(78, result.Output);
        }
        finally
        {
            dir.Delete();
        }
    }

    [GeneratedRegex("WARNING|ERROR|FATAL|Bungled", RegexOptions.IgnoreCase)]
    private static partial Regex Complaint();
}
