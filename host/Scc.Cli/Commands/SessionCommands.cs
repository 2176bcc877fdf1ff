using System.CommandLine;
using System.Text.Json.Nodes;
using Scc.Cli.Rendering;
using Scc.Core.Errors;
using Scc.Core.Launch;
using Scc.Core.Runtime;
using Spectre.Console;

namespace Scc.Cli.Commands;

internal sealed class StartCommand : SccCommand
{
    private readonly LaunchPipeline _pipeline;
    private readonly Argument<string?> _workspace = new("workspace") { Description = "The project folder (default: the current folder)", Arity = ArgumentArity.ZeroOrOne };
    private readonly Option<string?> _provider = new("--provider") { Description = "The agent to run (e.g. an id from `scc provider show`)" };
    private readonly Option<bool> _resume = new("--resume") { Description = "Attach to the running session of this workspace" };
    private readonly Option<bool> _fresh = new("--fresh") { Description = "Replace a running session with a new one" };
    private readonly Option<bool> _detach = new("--detach") { Description = "Start the sandbox and return; use `scc exec` and `scc stop`" };
    private readonly Option<bool> _dryRun = new("--dry-run") { Description = "Show what would start, change nothing" };
    private readonly Option<bool> _allowSuspicious = new("--allow-suspicious-workspace") { Description = "Allow /, $HOME or a system folder as the workspace" };

    public StartCommand(CliContext context, LaunchPipeline pipeline)
        : base("start", "Start the agent in a sandbox that sees only the workspace", context)
    {
        _pipeline = pipeline;
        Arguments.Add(_workspace);
        Options.Add(_provider);
        Options.Add(_resume);
        Options.Add(_fresh);
        Options.Add(_detach);
        Options.Add(_dryRun);
        Options.Add(_allowSuspicious);
        AddJsonOption();
    }

    protected override string JsonKind => "Launch";

    protected override async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        if (parseResult.GetValue(_resume) && parseResult.GetValue(_fresh))
        {
            throw new UsageException("--resume and --fresh contradict each other.", "Choose one.");
        }

        var json = IsJson(parseResult);
        var request = new LaunchRequest(parseResult.GetValue(_workspace) ?? ".", Environment.CurrentDirectory)
        {
            Provider = parseResult.GetValue(_provider),
            Resume = parseResult.GetValue(_resume),
            Fresh = parseResult.GetValue(_fresh),
            Detach = parseResult.GetValue(_detach),
            DryRun = parseResult.GetValue(_dryRun),
            AllowSuspiciousWorkspace = parseResult.GetValue(_allowSuspicious),
            OrgConfigOverride = Context.OrgConfigOverride,
            Offline = Context.Offline,
        };
        var ui = new LaunchUi(Output, interactive: !json && Output.TerminalAttached);
        var result = await _pipeline.StartAsync(request, ui, cancellationToken).ConfigureAwait(false);
        if (json)
        {
            Output.Json("Launch", new JsonObject
            {
                ["session"] = result.SessionId,
                ["container"] = result.Container,
                ["provider"] = result.ProviderId,
                ["reattached"] = result.Reattached,
                ["dryRun"] = request.DryRun,
                ["detached"] = request.Detach,
                ["agentExitCode"] = result.AgentExitCode,
                ["plan"] = result.Plan is { } p ? PlanJson(p) : null,
            });
        }
        else if (result.Plan is { } plan && request.DryRun)
        {
            Output.Line($"would start {plan.Provider.DisplayName} ({plan.ProviderChoiceReason}) in {plan.Workspace}");
            Output.Line($"  container   {plan.Identity.ContainerName} from {plan.Provider.ImageReference}, user {plan.Sandbox.Container.User}");
            Output.Line($"  network     {plan.NetworkPolicy} (from {plan.NetworkPolicySource})");
            Output.Line($"  settings    {plan.Settings.RelativePath} ({plan.Settings.Scope.ToString().ToLowerInvariant()})");
            Output.Line($"  mounts      {string.Join(", ", plan.Sandbox.Container.Mounts.Select(m => $"{m.Source} -> {m.Target}"))}");
        }
        else if (request.Detach)
        {
            Output.Line($"started {result.SessionId} ({result.ProviderId}) in {result.Container}");
            Output.Line($"  run a command: scc exec {result.SessionId} -- git status");
            Output.Line($"  stop it:       scc stop {result.SessionId}");
        }

        return result.AgentExitCode is { } code and >= 0 and < 256 ? code : ExitCodes.Ok;
    }

    private static JsonObject PlanJson(LaunchPlan plan) => new()
    {
        ["workspace"] = plan.Workspace,
        ["image"] = plan.Provider.ImageReference,
        ["user"] = plan.Sandbox.Container.User,
        ["networkPolicy"] = plan.NetworkPolicy,
        ["networkPolicySource"] = plan.NetworkPolicySource.ToString(),
        ["settingsPath"] = plan.Settings.RelativePath,
        ["providerChoice"] = plan.ProviderChoiceReason,
        ["mounts"] = new JsonArray([.. plan.Sandbox.Container.Mounts.Select(m => (JsonNode?)$"{m.Source}:{m.Target}")]),
        ["capDrop"] = new JsonArray([.. plan.Sandbox.Container.CapDrop.Select(c => (JsonNode?)c)]),
        ["securityOptions"] = new JsonArray([.. plan.Sandbox.Container.SecurityOptions.Select(c => (JsonNode?)c)]),
        ["pidsLimit"] = plan.Sandbox.Container.PidsLimit,
        ["memoryBytes"] = plan.Sandbox.Container.MemoryBytes,
    };
}

internal sealed class ExecCommand : SccCommand
{
    private readonly SessionService _sessions;
    private readonly IContainerExec _exec;
    private readonly Argument<string> _session = new("session") { Description = "Session id or container name (a unique prefix is enough)" };
    private readonly Argument<string[]> _argv = new("command") { Description = "The command to run, after --", Arity = ArgumentArity.OneOrMore };

    public ExecCommand(CliContext context, SessionService sessions, IContainerExec exec)
        : base("exec", "Run a command in a session as the agent user, in the workspace; its exit code is passed through", context)
    {
        _sessions = sessions;
        _exec = exec;
        Arguments.Add(_session);
        Arguments.Add(_argv);
    }

    protected override async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var session = await _sessions.FindAsync(parseResult.GetValue(_session)!, cancellationToken).ConfigureAwait(false);
        if (!session.Running)
        {
            throw new UsageException($"Session {session.SessionId} is not running ({session.State}).", "Start it again with `scc start`.");
        }

        var stdout = Console.OpenStandardOutput();
        var stderr = Console.OpenStandardError();
        var code = await _exec.ExecStreamingAsync(session.Container, new ExecRequest(parseResult.GetValue(_argv)!), stdout, stderr, cancellationToken).ConfigureAwait(false);
        await stdout.FlushAsync(cancellationToken).ConfigureAwait(false);
        return code is >= 0 and < 256 ? (int)code : ExitCodes.Tool;
    }
}

internal sealed class ListCommand(CliContext context, SessionService sessions)
    : SessionListCommand("list", "List the running and stopped sessions", context, sessions);

internal sealed class SessionsCommand(CliContext context, SessionService sessions)
    : SessionListCommand("sessions", "The sessions of scc, with provider and workspace (same as `scc list`)", context, sessions);

internal abstract class SessionListCommand : SccCommand
{
    private readonly SessionService _sessions;

    protected SessionListCommand(string name, string description, CliContext context, SessionService sessions)
        : base(name, description, context)
    {
        _sessions = sessions;
        AddJsonOption();
    }

    protected override string JsonKind => "SessionList";

    protected override async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var sessions = await _sessions.ListAsync(cancellationToken).ConfigureAwait(false);
        if (IsJson(parseResult))
        {
            Output.Json("SessionList", new JsonArray([.. sessions.Select(s => (JsonNode)new JsonObject
            {
                ["session"] = s.SessionId,
                ["provider"] = s.Provider,
                ["workspace"] = s.Workspace,
                ["container"] = s.Container,
                ["state"] = s.State,
                ["running"] = s.Running,
                ["created"] = s.Created.ToString("O"),
            })]));
            return ExitCodes.Ok;
        }

        if (sessions.Count == 0)
        {
            Output.Line("No sessions.");
            return ExitCodes.Ok;
        }

        var table = new Table().Border(TableBorder.Simple).AddColumns("SESSION", "PROVIDER", "STATE", "WORKSPACE");
        foreach (var s in sessions)
        {
            table.AddRow(CliOutput.Escape(s.SessionId), CliOutput.Escape(s.Provider), CliOutput.Escape(s.State), CliOutput.Escape(s.Workspace));
        }

        Output.Out.Write(table);
        return ExitCodes.Ok;
    }
}

internal sealed class StopCommand : SccCommand
{
    private readonly SessionService _sessions;
    private readonly Argument<string?> _session = new("session") { Description = "Session id or container name", Arity = ArgumentArity.ZeroOrOne };
    private readonly Option<bool> _all = new("--all") { Description = "Stop every session" };

    public StopCommand(CliContext context, SessionService sessions)
        : base("stop", "Stop a session (or all) and remove what it created", context)
    {
        _sessions = sessions;
        Arguments.Add(_session);
        Options.Add(_all);
    }

    protected override async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var key = parseResult.GetValue(_session);
        if (parseResult.GetValue(_all) == (key is not null))
        {
            throw new UsageException("Give one session, or --all.", "See `scc list`.");
        }

        if (key is null)
        {
            var stopped = await _sessions.StopAllAsync("scc stop --all", cancellationToken).ConfigureAwait(false);
            Output.Line(stopped.Count == 0 ? "No sessions to stop." : $"Stopped {stopped.Count} session(s): {string.Join(", ", stopped.Select(s => s.SessionId))}");
            return ExitCodes.Ok;
        }

        var session = await _sessions.FindAsync(key, cancellationToken).ConfigureAwait(false);
        await _sessions.StopAsync(session.Container, "scc stop", cancellationToken).ConfigureAwait(false);
        Output.Line($"Stopped {session.SessionId}");
        return ExitCodes.Ok;
    }
}

internal sealed class PruneCommand : SccCommand
{
    private readonly SessionService _sessions;
    private readonly Option<bool> _dryRun = new("--dry-run") { Description = "List what would be removed" };

    public PruneCommand(CliContext context, SessionService sessions)
        : base("prune", "Remove stopped sessions and leftovers of crashed ones (containers, networks)", context)
    {
        _sessions = sessions;
        Options.Add(_dryRun);
        AddJsonOption();
    }

    protected override string JsonKind => "Prune";

    protected override async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var dry = parseResult.GetValue(_dryRun);
        var result = await _sessions.PruneAsync(dry, cancellationToken).ConfigureAwait(false);
        if (IsJson(parseResult))
        {
            Output.Json("Prune", new JsonObject
            {
                ["dryRun"] = dry,
                ["containers"] = new JsonArray([.. result.Containers.Select(c => (JsonNode?)c)]),
                ["networks"] = new JsonArray([.. result.Networks.Select(c => (JsonNode?)c)]),
                ["volumes"] = new JsonArray([.. result.Volumes.Select(c => (JsonNode?)c)]),
            });
        }
        else
        {
            var verb = dry ? "would remove" : "removed";
            Output.Line($"{verb} {result.Containers.Count} container(s), {result.Networks.Count} network(s) and {result.Volumes.Count} session volume(s)");
            foreach (var name in result.Containers.Concat(result.Networks).Concat(result.Volumes))
            {
                Output.Line($"  {name}");
            }
        }

        return ExitCodes.Ok;
    }
}
