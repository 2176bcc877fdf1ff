using System.Diagnostics;
using System.Text;
using Scc.Testing;

namespace Scc.Integration.Tests.Launch;

internal sealed record ProcessResult(int ExitCode, string Out, string Err)
{
    public override string ToString() => $"exit {ExitCode}\nstdout: {Out}\nstderr: {Err}";
}

/// <summary>Runs the real scc (the scc.dll next to the tests, with its plugins and images) as a child process.</summary>
internal static class SccProcess
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "scc.dll");

    public static Task<ProcessResult> RunAsync(TestEnvironment env, params string[] args) => RunAsync(env, null, TimeSpan.FromMinutes(20), args);

    /// <summary>Builds the base image (with the claude image) through the built scc when the engine lacks it.</summary>
    public static async Task EnsureBaseImageAsync(TestEnvironment env, Scc.Core.Runtime.IImageStore images)
    {
        if (!await images.ImageExistsAsync(Scc.Core.Launch.ImageProvisioner.BaseImage, CancellationToken.None))
        {
            var build = await RunAsync(env, "images", "build", "--provider", "claude");
            build.ExitCode.ShouldBe(0, build.ToString());
        }
    }

    public static Task<ProcessResult> RunAsync(TestEnvironment env, IReadOnlyDictionary<string, string>? extraEnv, TimeSpan timeout, params string[] args) =>
        RunAsync(StartInfo(env, extraEnv, args), timeout);

    /// <summary>How scc is started: <c>dotnet scc.dll args…</c> with the scratch environment, output redirected.</summary>
    public static ProcessStartInfo StartInfo(TestEnvironment env, IReadOnlyDictionary<string, string>? extraEnv, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        psi.ArgumentList.Add(Dll);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var (k, v) in env.Variables)
        {
            psi.Environment[k] = v;
        }

        // No resident helper unless a test asks for one (HelperTests): each test's scc is a process of its own.
        psi.Environment["SCC_HELPER"] = "0";
        foreach (var (k, v) in extraEnv ?? new Dictionary<string, string>())
        {
            psi.Environment[k] = v;
        }

        psi.Environment["NO_COLOR"] = "1";
        return psi;
    }

    public static async Task<ProcessResult> RunAsync(ProcessStartInfo psi, TimeSpan timeout)
    {
        using var process = Process.Start(psi)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{psi.FileName} {string.Join(' ', psi.ArgumentList)} did not finish within {timeout}");
        }

        return new ProcessResult(process.ExitCode, await stdout, await stderr);
    }

    public static async Task<ProcessResult> ShellAsync(string command, string? workingDirectory = null)
    {
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false, WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(command);
        return await RunAsync(psi, TimeSpan.FromMinutes(5));
    }

    /// <summary>
    /// Writes a user config under <paramref name="configHome"/> (an XDG_CONFIG_HOME) that installs the machine's CA
    /// bundle into the images scc builds: registries reached from inside a build may present a chain only the machine's
    /// bundle trusts (DESIGN.md §10).
    /// </summary>
    public static void WriteUserConfig(string configHome)
    {
        var config = new System.Text.Json.Nodes.JsonObject();
        const string machineBundle = "/etc/ssl/certs/ca-certificates.crt";
        if (File.Exists(machineBundle))
        {
            config["runtime"] = new System.Text.Json.Nodes.JsonObject { ["extra_ca_certificates"] = new System.Text.Json.Nodes.JsonArray(machineBundle) };
        }

        var dir = Path.Combine(configHome, "scc");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "config.json"), config.ToJsonString());
    }

    public static string Text(params string[] lines) => string.Join('\n', lines);

    public static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);
}
