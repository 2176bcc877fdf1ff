using Scc.Cli;
using Scc.Cli.Rendering;
using Scc.Core.Paths;
using Spectre.Console;

// `scc --version` is what scripts call most: answer it before building the command tree and the consoles.
if (args is ["--version"])
{
    Console.Out.WriteLine(CliApp.Version);
    return 0;
}

// The one composition root: real consoles, the process environment, the app's own plugin folder.
var output = new CliOutput(
    AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) }),
    AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) }));
return await CliApp.RunAsync(args, output, ProcessEnvironment.Instance);
