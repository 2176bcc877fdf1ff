using System.Runtime.CompilerServices;
using System.Text;

namespace Scc.Egress.Tests;

/// <summary>
/// Compares output with a checked-in file byte for byte. Regenerate on purpose only:
/// <c>SCC_UPDATE_GOLDEN=1 dotnet test tests/Scc.Egress.Tests</c>, then review the diff.
/// </summary>
internal static class GoldenFile
{
    // [CallerFilePath] is filled in at the call site; capture it in this file so callers in other folders
    // (Docker/) get the same directory.
    public static string Directory() => DirectoryFrom();

    private static string DirectoryFrom([CallerFilePath] string thisFile = "")
    {
        var fromSource = Path.Combine(Path.GetDirectoryName(thisFile)!, "Golden");
        return System.IO.Directory.Exists(fromSource) ? fromSource : Path.Combine(Docker.DockerCli.RepositoryRoot(), "tests", "Scc.Egress.Tests", "Golden");
    }

    public static void Verify(string name, string actual)
    {
        var path = Path.Combine(Directory(), name);
        var bytes = new UTF8Encoding(false).GetBytes(actual);
        if (Environment.GetEnvironmentVariable("SCC_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllBytes(path, bytes);
            return;
        }

        File.Exists(path).ShouldBeTrue($"golden file {path} is missing; run with SCC_UPDATE_GOLDEN=1 to create it");
        var expected = File.ReadAllBytes(path);
        if (!expected.AsSpan().SequenceEqual(bytes))
        {
            // Show the first differing line: a byte-count mismatch alone says nothing useful.
            var expectedLines = Encoding.UTF8.GetString(expected).Split('\n');
            var actualLines = actual.Split('\n');
            var i = 0;
            while (i < expectedLines.Length && i < actualLines.Length && expectedLines[i] == actualLines[i])
            {
                i++;
            }

            var want = i < expectedLines.Length ? expectedLines[i] : "<end of file>";
            var got = i < actualLines.Length ? actualLines[i] : "<end of output>";
            throw new Xunit.Sdk.XunitException($"{name} differs at line {i + 1}:\n expected: {want}\n actual:   {got}\n(SCC_UPDATE_GOLDEN=1 regenerates on purpose)");
        }
    }
}
