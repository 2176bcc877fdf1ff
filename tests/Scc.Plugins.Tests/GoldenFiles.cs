using System.Text;
using Scc.Testing;

namespace Scc.Plugins.Tests;

/// <summary>Byte-for-byte golden files under tests/Scc.Plugins.Tests/Golden; SCC_UPDATE_GOLDEN=1 rewrites them on purpose.</summary>
public static class GoldenFiles
{
    public static string Dir => Path.Combine(FileTree.RepoRoot(), "tests", "Scc.Plugins.Tests", "Golden");

    public static void Match(string relative, byte[] actual)
    {
        var path = Path.Combine(Dir, relative);
        if (Environment.GetEnvironmentVariable("SCC_UPDATE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, actual);
        }

        File.Exists(path).ShouldBeTrue($"golden file {relative} is missing: run the tests once with SCC_UPDATE_GOLDEN=1 and review it");
        var expected = File.ReadAllBytes(path);
        if (!expected.AsSpan().SequenceEqual(actual))
        {
            Encoding.UTF8.GetString(actual).ShouldBe(Encoding.UTF8.GetString(expected), $"rendered output differs from {relative}");
            actual.ShouldBe(expected);
        }
    }
}
