using Scc.Cli;
using Scc.Cli.Rendering;
using Scc.Core.Paths;
using Spectre.Console;

// The one composition root: real consoles, the process environment, the app's own plugin folder.
var output = new CliOutput(
    AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) }),
    AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) }));
return await CliApp.RunAsync(args, output, ProcessEnvironment.Instance);
