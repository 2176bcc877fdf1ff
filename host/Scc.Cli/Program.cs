using Scc.Cli;
using Scc.Cli.Helper;
using Scc.Cli.Rendering;
using Scc.Core.Paths;

// `scc --version` is what scripts call most: answer it before building the command tree and the consoles.
if (args is ["--version"])
{
    Console.Out.WriteLine(CliApp.Version);
    return 0;
}

// A detached start without a terminal goes to this user's resident helper when one runs (HelperClient): the process
// that is already running skips what a new one pays on first use.
var helper = HelperClient.SocketFor(args, ProcessEnvironment.Instance, HelperClient.AnyTerminal);
if (helper is not null && await HelperClient.TryRunForProcessAsync(helper, args) is { } viaHelper)
{
    return viaHelper;
}

// A start's engine connection is made while everything else is built (CliApp.ConnectEarly).
var engine = CliApp.ConnectEarly(args, ProcessEnvironment.Instance);

// The one composition root: real consoles, the process environment, the app's own plugin folder.
var output = CliOutput.ForProcess();
var code = await CliApp.RunAsync(args, output, ProcessEnvironment.Instance, engine: engine);
// A start that worked starts a helper for the next one (one that failed, e.g. with no engine there, does not).
if (code == 0 && helper is not null && HelperClient.MayStart(helper) && !await HelperServer.AnswersAsync(helper))
{
    HelperClient.StartInBackground();
}

return code;
