using System.Diagnostics;
using Scc.Core.Plugins;
using Scc.Testing;

namespace Scc.Plugins.Tests;

/// <summary>
/// Loads every plugin through the real loader: the built-in plugins bundled next to the tests and the sample
/// third-party plugin, installed from its nupkg (built by samples/gemini/build.sh when missing).
/// </summary>
public static class PluginFixture
{
    private static readonly Lazy<PluginCatalog> LazyCatalog = new(LoadAll);

    internal static PluginCatalog Catalog => LazyCatalog.Value;

    public static IEnumerable<object[]> LoadedIds() => Catalog.Loaded.Select(p => new object[] { p.Id });

    public static string SampleNupkg()
    {
        var root = FileTree.RepoRoot();
        var dir = Path.Combine(root, "artifacts", "samples");
        var existing = Directory.Exists(dir) ? Directory.GetFiles(dir, "Example.Scc.Gemini.*.nupkg") : [];
        if (existing.Length == 0)
        {
            var psi = new ProcessStartInfo("bash", [Path.Combine(root, "samples", "gemini", "build.sh")]) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var process = Process.Start(psi)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"samples/gemini/build.sh failed ({process.ExitCode}): {stdout.Result}\n{stderr}");
            }

            existing = Directory.GetFiles(dir, "Example.Scc.Gemini.*.nupkg");
        }

        return existing.Single();
    }

    private static PluginCatalog LoadAll()
    {
        var userDir = Path.Combine(Path.GetTempPath(), "scc-contract-" + Guid.NewGuid().ToString("N")[..8], "plugins");
        var audit = new RecordingAuditLog();
        var dirs = new PluginDirectories(Path.Combine(AppContext.BaseDirectory, "plugins"), userDir);
        new PluginInstaller(dirs, audit).Install(SampleNupkg(), force: false);
        var catalog = new PluginHost(dirs, new Standalone(), audit).Load();
        var notLoaded = catalog.Plugins.Where(p => p.State != PluginState.Loaded).ToList();
        if (notLoaded.Count > 0)
        {
            throw new InvalidOperationException("Plugins did not load: " + string.Join("; ", notLoaded.Select(p => $"{p.Id}: {p.State} {p.Reason}")));
        }

        return catalog;
    }

    private sealed class Standalone : IPluginPolicySource
    {
        public PluginPolicy GetPolicy() => PluginPolicy.Standalone;
    }
}
