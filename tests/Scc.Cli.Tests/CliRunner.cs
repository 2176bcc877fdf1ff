using Scc.Cli.Rendering;
using Scc.Testing;
using Spectre.Console.Testing;

namespace Scc.Cli.Tests;

internal sealed record CliResult(int ExitCode, string Out, string Err);

/// <summary>Runs the real command tree in process with captured consoles and a scratch environment.</summary>
internal static class CliRunner
{
    public static string BuiltInPlugins => Path.Combine(AppContext.BaseDirectory, "plugins");

    public static async Task<CliResult> RunAsync(TestEnvironment env, params string[] args)
    {
        var output = new TestConsole().Width(250);
        var error = new TestConsole().Width(250);
        var code = await CliApp.RunAsync(args, new CliOutput(output, error), env.Environment, BuiltInPlugins);
        return new CliResult(code, output.Output, error.Output);
    }
}
