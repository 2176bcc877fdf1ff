using System.Diagnostics;
using System.Text;

namespace Scc.Safety.Tests;

/// <summary>
/// Locates (building when missing or stale) the published scc-safety-eval binaries: the image copy and the test
/// copy whose compiled-in paths point under <see cref="TestRoot"/>.
/// </summary>
public sealed class EvaluatorFixture
{
    public const string TestRoot = "/tmp/scc-safety-evaltest";
    private static readonly object Gate = new();
    private static string? _imageBinary;
    private static string? _testBinary;
    private static string? _error;

    public static string RepoRoot { get; } = FindRepoRoot();

    public static bool Required => Environment.GetEnvironmentVariable("SCC_REQUIRE_EVALUATOR") == "1";

    public string ImageBinary => Ensure(ref _imageBinary, "artifacts/evaluator/linux-x64/scc-safety-eval", string.Empty);

    public string TestBinary => Ensure(ref _testBinary, "artifacts/evaluator-test/linux-x64/scc-safety-eval", "--test");

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Scc.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Scc.sln not found above the test folder");
    }

    private static string Ensure(ref string? cached, string relative, string mode)
    {
        lock (Gate)
        {
            if (cached is not null)
            {
                return cached;
            }

            var path = Path.Combine(RepoRoot, relative);
            if (!File.Exists(path) || IsStale(path))
            {
                if (_error is null)
                {
                    Build(mode);
                }
            }

            if (!File.Exists(path))
            {
                var reason = $"scc-safety-eval could not be built ({_error ?? "no output"}); run scripts/build-evaluator.sh {mode}";
                if (Required)
                {
                    throw new InvalidOperationException(reason + " (SCC_REQUIRE_EVALUATOR=1)");
                }

                Skip.If(true, reason);
            }

            cached = path;
            return path;
        }
    }

    private static bool IsStale(string binary)
    {
        var built = File.GetLastWriteTimeUtc(binary);
        return Directory.EnumerateFiles(Path.Combine(RepoRoot, "safety"), "*.*", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".csproj", StringComparison.Ordinal))
            .Any(f => File.GetLastWriteTimeUtc(f) > built);
    }

    private static void Build(string mode)
    {
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(RepoRoot, "scripts", "build-evaluator.sh"));
        if (mode.Length > 0)
        {
            psi.ArgumentList.Add(mode);
        }

        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(TimeSpan.FromMinutes(8)))
        {
            p.Kill(entireProcessTree: true);
            _error = "build timed out";
            return;
        }

        if (p.ExitCode != 0)
        {
            _error = "exit " + p.ExitCode + ": " + stderr.Result.Trim();
        }
    }

    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static Result Run(string file, IEnumerable<string> args, IDictionary<string, string>? env = null, string? argv0 = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        if (env is not null)
        {
            foreach (var (k, v) in env)
            {
                psi.Environment[k] = v;
            }
        }

        _ = argv0;
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var err = p.StandardError.ReadToEndAsync();
        var outText = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException(file + " did not exit");
        }

        return new Result(p.ExitCode, outText, err.Result);
    }
}
