using System.Text.Json;
using Scc.Core.Config;
using Scc.Core.Governance;
using Scc.Core.Tests.Config;

namespace Scc.Core.Tests.Governance;

/// <summary>
/// Every example in samples/config validates, and its <c>scc config explain</c> output (text and JSON) matches the
/// golden files in samples/config/explain byte for byte. Regenerate on purpose with SCC_UPDATE_GOLDEN=1.
/// </summary>
public sealed class SampleConfigTests
{
    private static readonly string Samples = Path.Combine(RepoRoot.Find(), "samples", "config");

    public static TheoryData<string, string?, bool> Cases => new()
    {
        { "minimal", null, false },
        { "teams", "backend", true },
        { "teams", "frontend", true },
        { "strict", "default", true },
        { "federated", "data-science", true },
    };

    [Theory]
    [InlineData("minimal.json")]
    [InlineData("teams.json")]
    [InlineData("strict.json")]
    [InlineData("federated.json")]
    public void Sample_Validates(string file)
    {
        var result = OrgConfigLoader.LoadFile(Path.Combine(Samples, file));

        result.Errors.ShouldBeEmpty(string.Join("\n", result.Errors));
    }

    [Fact]
    public void Samples_FederatedTeamFile_Validates()
    {
        OrgConfigLoader.ParseTeamFile(File.ReadAllText(Path.Combine(Samples, "federated-team.json")), "federated-team.json").IsValid.ShouldBeTrue();
    }

    [Fact]
    public void Samples_ProjectFile_Validates()
    {
        ProjectConfigLoader.Parse(File.ReadAllText(Path.Combine(Samples, "project.scc.yaml")), "project.scc.yaml").Diagnostics.ShouldBeEmpty();
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Explain_Sample_MatchesGolden(string sample, string? team, bool withProject)
    {
        var (effective, diagnostics) = await MergeSampleAsync(sample, team, withProject);
        var name = team is null ? sample : $"{sample}.{team}";
        var origin = $"samples/config/{sample}.json";

        var text = ConfigExplainer.ToText(effective, origin);
        var json = ConfigExplainer.ToJson(effective, diagnostics, origin).ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";

        Golden.Check(Path.Combine(Samples, "explain", name + ".txt"), text);
        Golden.Check(Path.Combine(Samples, "explain", name + ".json"), json);
    }

    [Fact]
    public async Task Explain_TeamsBackendWithProject_ShowsBlockedIgnoredAndDenied()
    {
        var (effective, _) = await MergeSampleAsync("teams", "backend", withProject: true);

        effective.Refusals.ShouldContain(r => r.Item == "some-plugin-experimental@company-plugins" && r.Outcome == RefusalKind.Blocked);
        effective.Refusals.ShouldContain(r => r.Kind == "network_policy" && r.Outcome == RefusalKind.Ignored);
        effective.Refusals.ShouldContain(r => r.Item == "pastebin.example.org" && r.Outcome == RefusalKind.Denied);
        effective.HasProjectViolations.ShouldBeTrue();
    }

    [Fact]
    public async Task Explain_FederatedTeam_BlocksLegacyPluginFromTeamFile()
    {
        var (effective, diagnostics) = await MergeSampleAsync("federated", "data-science", withProject: false);

        effective.Plugins.Select(p => p.Value).ShouldContain("notebooks@company-plugins");
        effective.Refusals.ShouldContain(r => r.Item == "legacy-plotter@company-plugins" && r.Rule == "security.blocked_plugins 'legacy-*'");
        diagnostics.ShouldContain(d => d.Code == "invariant.team_plugin_blocked");
    }

    private static async Task<(EffectiveConfig Effective, IReadOnlyList<ConfigDiagnostic> Diagnostics)> MergeSampleAsync(string sample, string? team, bool withProject)
    {
        using var dir = new ScratchDir();
        var path = Path.Combine(Samples, sample + ".json");
        var result = OrgConfigLoader.LoadFile(path);
        var org = new OrgConfigSnapshot(result.GetOrThrow(), path, false, null, false, result.Diagnostics, []);
        var diagnostics = new List<ConfigDiagnostic>();
        ResolvedTeam? resolved = null;
        if (team is not null)
        {
            var resolver = new TeamProfileResolver(dir.Paths, new HttpConfigFetcher(new HttpClient()), new SourceAuth(new MapEnvironment(new Dictionary<string, string>())), TimeProvider.System);
            resolved = await resolver.ResolveAsync(org, team, FetchMode.Normal, default);
            diagnostics.AddRange(resolved.Diagnostics.Select(d => d with { Origin = null }));
        }

        var project = withProject ? ProjectConfigLoader.Parse(File.ReadAllText(Path.Combine(Samples, "project.scc.yaml")), "project.scc.yaml").GetOrThrow() : null;
        return (ConfigMerger.Merge(org.Config, team, resolved?.Profile, project), diagnostics);
    }
}

internal static class Golden
{
    public static void Check(string path, string actual)
    {
        if (Environment.GetEnvironmentVariable("SCC_UPDATE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
        }

        File.Exists(path).ShouldBeTrue($"golden file {path} is missing; run the tests with SCC_UPDATE_GOLDEN=1 once and review it");
        File.ReadAllText(path).ShouldBe(actual, $"golden file {path} differs");
    }
}
