using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Scc.Architecture.Tests;

/// <summary>The reference rules of DESIGN.md §2, read from the project files and sources themselves.</summary>
public sealed partial class ReferenceRulesTests
{
    private static readonly string Root = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Scc.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Scc.sln not found");
    }

    private static XDocument Project(string relative) => XDocument.Load(Path.Combine(Root, relative));

    private static List<string> ProjectRefs(XDocument doc) =>
        [.. doc.Descendants("ProjectReference").Select(e => Path.GetFileNameWithoutExtension(e.Attribute("Include")!.Value))];

    private static List<string> PackageRefs(XDocument doc) =>
        [.. doc.Descendants("PackageReference").Select(e => e.Attribute("Include")!.Value)];

    public static TheoryData<string> PureLibraries => new() { "safety/Scc.Safety/Scc.Safety.csproj", "egress/Scc.Egress/Scc.Egress.csproj" };

    [Theory]
    [MemberData(nameof(PureLibraries))]
    public void PureLibrary_ReferencesNoProjectAndNoPackage(string project)
    {
        var doc = Project(project);
        ProjectRefs(doc).ShouldBeEmpty();
        PackageRefs(doc).ShouldBeEmpty();
    }

    [Fact]
    public void Plugins_ReferenceOnlyAbstractionsWithoutRuntimeCopy()
    {
        var plugins = Directory.GetFiles(Path.Combine(Root, "plugins"), "*.csproj", SearchOption.AllDirectories);
        plugins.Length.ShouldBeGreaterThanOrEqualTo(2);
        foreach (var file in plugins)
        {
            var doc = XDocument.Load(file);
            PackageRefs(doc).ShouldBeEmpty(file);
            var refs = doc.Descendants("ProjectReference").ToList();
            refs.Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value)).ShouldBe(["Scc.Abstractions"], file);
            refs[0].Attribute("ExcludeAssets")?.Value.ShouldBe("runtime", file);
            refs[0].Attribute("Private")?.Value.ShouldBe("false", file);
        }
    }

    [Fact]
    public void Abstractions_DependsOnlyOnDiAbstractions()
    {
        var doc = Project("abstractions/Scc.Abstractions/Scc.Abstractions.csproj");
        ProjectRefs(doc).ShouldBeEmpty();
        PackageRefs(doc).ShouldBe(["Microsoft.Extensions.DependencyInjection.Abstractions"]);
    }

    [Fact]
    public void Core_DoesNotDependOnCliOrRuntimeAdapterOrPlugins()
    {
        ProjectRefs(Project("host/Scc.Core/Scc.Core.csproj")).Order().ShouldBe(["Scc.Abstractions", "Scc.Egress", "Scc.Safety"]);
        ProjectRefs(Project("host/Scc.Runtime.Docker/Scc.Runtime.Docker.csproj")).ShouldBe(["Scc.Core"]);
    }

    [GeneratedRegex(@"\b(claude|codex)\b", RegexOptions.IgnoreCase)]
    private static partial Regex ProviderName();

    [Fact]
    public void NothingOutsidePluginsAndSamples_NamesAProvider()
    {
        var offenders = new List<string>();
        foreach (var area in new[] { "abstractions", "host", "safety", "egress", "images" })
        {
            var dir = Path.Combine(Root, area);
            if (!Directory.Exists(dir))
            {
                continue;
            }

            foreach (var file in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories))
            {
                var rel = Path.GetRelativePath(Root, file);
                if (rel.Contains("/bin/", StringComparison.Ordinal) || rel.Contains("/obj/", StringComparison.Ordinal))
                {
                    continue;
                }

                if (!(file.EndsWith(".cs", StringComparison.Ordinal) || file.EndsWith(".csproj", StringComparison.Ordinal) || file.EndsWith(".json", StringComparison.Ordinal) || Path.GetFileName(file).StartsWith("Dockerfile", StringComparison.Ordinal) || file.EndsWith(".sh", StringComparison.Ordinal)))
                {
                    continue;
                }

                var lineNo = 0;
                foreach (var line in File.ReadLines(file))
                {
                    lineNo++;
                    if (ProviderName().IsMatch(line))
                    {
                        offenders.Add($"{rel}:{lineNo}: {line.Trim()}");
                    }
                }
            }
        }

        offenders.ShouldBeEmpty();
    }

    [Fact]
    public void Rule_DetectsAViolation()
    {
        // The scanner above must be able to fail: a provider name in host code is found.
        ProviderName().IsMatch("var image = \"scc-agent-claude\";").ShouldBeTrue();
        ProviderName().IsMatch("var x = \"claudette\";").ShouldBeFalse();
    }
}
