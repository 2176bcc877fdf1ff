using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Scc.Egress.Tests.Docker;

internal sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public string Output => Stdout + Stderr;
}

/// <summary>
/// The docker CLI, for tests only (the product talks to the Engine API). Every container and network a test creates
/// carries <see cref="TestLabel"/>=&lt;run id&gt; so <see cref="RemoveLabelledAsync"/> can clean up after it.
/// </summary>
internal static class DockerCli
{
    public const string TestLabel = "io.scc.test";
    public const string BaseImage = "debian:bookworm-slim";
    public const string Image = "scc-egress-proxy:test";

    private static readonly SemaphoreSlim BuildLock = new(1, 1);
    private static string? _unavailable;
    private static bool _built;

    public static async Task<CliResult> RunAsync(IEnumerable<string> args, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var psi = new ProcessStartInfo("docker")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start docker");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"docker {string.Join(' ', args)} did not finish within {timeout}");
        }

        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    public static Task<CliResult> RunAsync(params string[] args) => RunAsync(args, TimeSpan.FromSeconds(60));

    /// <summary>Skips the test (or fails it when SCC_REQUIRE_DOCKER=1) unless an engine answers, the base image
    /// exists and the proxy image builds.</summary>
    public static async Task RequireProxyImageAsync()
    {
        await BuildLock.WaitAsync();
        try
        {
            if (!_built && _unavailable is null)
            {
                _unavailable = await PrepareAsync();
                _built = _unavailable is null;
            }
        }
        finally
        {
            BuildLock.Release();
        }

        if (_unavailable is not null)
        {
            if (Environment.GetEnvironmentVariable("SCC_REQUIRE_DOCKER") == "1")
            {
                throw new Xunit.Sdk.XunitException("SCC_REQUIRE_DOCKER=1 but " + _unavailable);
            }

            Skip.If(true, _unavailable);
        }
    }

    public static async Task RemoveLabelledAsync(string runId)
    {
        var filter = $"label={TestLabel}={runId}";
        var containers = await RunAsync("ps", "-aq", "--filter", filter);
        foreach (var id in containers.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            await RunAsync("rm", "-f", "-v", id);
        }

        var networks = await RunAsync("network", "ls", "-q", "--filter", filter);
        foreach (var id in networks.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            await RunAsync("network", "rm", id);
        }
    }

    // [CallerFilePath] is filled in at the call site, so it is captured here, in this file, not in a parameter
    // of RepositoryRoot that other files would fill with their own path.
    public static string RepositoryRoot() => RootFrom();

    private static string RootFrom([CallerFilePath] string thisFile = "")
    {
        var fromSource = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "..", ".."));
        if (File.Exists(Path.Combine(fromSource, "Scc.sln")))
        {
            return fromSource;
        }

        // Source paths can be mapped away (ContinuousIntegrationBuild / PathMap); the test binaries live inside
        // the repository, so walk up from them.
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Scc.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("cannot find the repository root (Scc.sln)");
    }

    private static async Task<string?> PrepareAsync()
    {
        CliResult version;
        try
        {
            version = await RunAsync(["version", "--format", "{{.Server.Version}}"], TimeSpan.FromSeconds(20));
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or TimeoutException)
        {
            return $"no Docker engine: {e.Message}";
        }

        if (version.ExitCode != 0)
        {
            return "no Docker engine answers (docker version: " + version.Stderr.Trim() + ")";
        }

        if ((await RunAsync("image", "inspect", BaseImage)).ExitCode != 0)
        {
            return $"the base image {BaseImage} does not exist; run scripts/make-base-image.sh";
        }

        var context = Path.Combine(RepositoryRoot(), "images", "scc-egress-proxy");
        var build = await RunAsync(["build", "-t", Image, "--build-arg", "BASE_IMAGE=" + BaseImage, context], TimeSpan.FromMinutes(30));
        return build.ExitCode == 0 ? null : "building images/scc-egress-proxy failed:\n" + build.Output;
    }
}
