using Scc.Cli;
using Scc.Cli.Rendering;
using Scc.Core.Paths;

// `scc --version` is what scripts call most: answer it before building the command tree and the consoles.
if (args is ["--version"])
{
    Console.Out.WriteLine(CliApp.Version);
    return 0;
}

// A start's engine connection is made while everything else is built (CliApp.ConnectEarly).
var engine = CliApp.ConnectEarly(args, ProcessEnvironment.Instance);

// The one composition root: real consoles, the process environment, the app's own plugin folder.
var output = CliOutput.ForProcess();
return await CliApp.RunAsync(args, output, ProcessEnvironment.Instance, engine: engine);
