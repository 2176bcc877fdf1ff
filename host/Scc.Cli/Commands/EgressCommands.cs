using System.CommandLine;
using System.Text.Json.Nodes;
using Scc.Cli.Rendering;
using Scc.Core;
using Scc.Core.Errors;
using Scc.Core.Governance;
using Scc.Core.Launch;
using Scc.Core.Runtime;
using Spectre.Console;

namespace Scc.Cli.Commands;

internal sealed class EgressCommand : Command
{
    public EgressCommand(EgressShowCommand show, EgressTestCommand test)
        : base("egress", "Web egress: the destinations a sandbox may reach and the proxy that enforces them")
    {
        Subcommands.Add(show);
        Subcommands.Add(test);
    }
}

internal sealed class EgressShowCommand : SccCommand
{
    private readonly GovernanceService _governance;
    private readonly IPluginCatalog _plugins;
    private readonly Argument<string?> _workspace = new("workspace") { Description = "The project folder (default: the current folder)", Arity = ArgumentArity.ZeroOrOne };
    private readonly Option<string?> _provider = new("--provider") { Description = "Include this provider's required API destinations" };
    private readonly Option<bool> _raw = new("--raw") { Description = "Also print the compiled proxy (Squid) config" };

    public EgressShowCommand(CliContext context, GovernanceService governance, IPluginCatalog plugins)
        : base("show", "The effective destinations, where each came from, and the network policy", context)
    {
        _governance = governance;
        _plugins = plugins;
        Arguments.Add(_workspace);
        Options.Add(_provider);
        Options.Add(_raw);
        AddJsonOption();
    }

    protected override string JsonKind => "EgressPlan";

    protected override async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var workspace = WorkspacePaths.Check(parseResult.GetValue(_workspace) ?? ".", Environment.CurrentDirectory, Environment.GetEnvironmentVariable("HOME") ?? "/").CanonicalPath;
        var resolved = await _governance.ResolveAsync(new GovernanceRequest(workspace, Context.OrgConfigOverride, Context.Offline), cancellationToken).ConfigureAwait(false);
        resolved.Project.GetOrThrow(); // the destinations it would show would leave out the project's own
        var providerId = parseResult.GetValue(_provider);
        var provider = providerId is null ? null : _plugins.Get().FindProvider(providerId)?.Provider.Spec
            ?? throw new NotFoundException($"There is no loaded provider \"{providerId}\".", "See `scc provider show`.");
        var plan = EgressPlanner.Plan(resolved.Effective, provider);
        var denied = resolved.Effective.Refusals.Where(r => r.Kind == "destination").ToList();
        foreach (var problem in plan.Problems)
        {
            Output.Warn(problem.ToString());
        }

        if (IsJson(parseResult))
        {
            Output.Json("EgressPlan", new JsonObject
            {
                ["workspace"] = workspace,
                ["networkPolicy"] = resolved.Effective.NetworkPolicy.Value,
                ["networkPolicySource"] = resolved.Effective.NetworkPolicy.Source.ToString(),
                ["destinations"] = new JsonArray([.. plan.Policy.Destinations.Select(d => (JsonNode)new JsonObject { ["destination"] = d.Destination.ToString(), ["source"] = d.Provenance })]),
                ["privateNetworks"] = new JsonArray([.. plan.Policy.PrivateNetworks.Select(n => (JsonNode?)n.ToString())]),
                ["refused"] = new JsonArray([.. denied.Select(r => (JsonNode)new JsonObject { ["destination"] = r.Item, ["requestedBy"] = r.RequestedBy.ToString(), ["rule"] = r.Rule, ["reason"] = r.Reason })]),
                ["problems"] = new JsonArray([.. plan.Problems.Select(p => (JsonNode?)p.ToString())]),
                ["proxyConfig"] = parseResult.GetValue(_raw) ? plan.SquidConfig : null,
            });
            return ExitCodes.Ok;
        }

        Output.Line($"network policy: {resolved.Effective.NetworkPolicy.Value} (from {resolved.Effective.NetworkPolicy.Source})");
        var table = new Table().Border(TableBorder.Simple).AddColumns("DESTINATION", "FROM");
        foreach (var d in plan.Policy.Destinations)
        {
            table.AddRow(CliOutput.Escape(d.Destination.ToString()), CliOutput.Escape(d.Provenance));
        }

        Output.Out.Write(table);
        foreach (var r in denied)
        {
            Output.Line($"refused: {r.Item} from {r.RequestedBy}: {r.Reason} [{r.Rule}]");
        }

        if (parseResult.GetValue(_raw))
        {
            Output.Line(plan.SquidConfig);
        }

        return ExitCodes.Ok;
    }
}

/// <summary>`scc egress test SESSION URL`: fetches the URL from inside the session, through its proxy.</summary>
internal sealed class EgressTestCommand : SccCommand
{
    // The real curl, not the wrapper: this tests the network boundary, not the command rules.
    private const string RealCurl = "/usr/libexec/scc/real/curl";
    private readonly SessionService _sessions;
    private readonly IContainerExec _exec;
    private readonly Argument<string> _session = new("session") { Description = "Session id or container name" };
    private readonly Argument<string> _url = new("url") { Description = "An http:// or https:// URL" };

    public EgressTestCommand(CliContext context, SessionService sessions, IContainerExec exec)
        : base("test", "Try a URL from inside a session through its proxy and report allowed or denied", context)
    {
        _sessions = sessions;
        _exec = exec;
        Arguments.Add(_session);
        Arguments.Add(_url);
        AddJsonOption();
    }

    protected override string JsonKind => "EgressTest";

    protected override async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var url = parseResult.GetValue(_url)!;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new UsageException($"\"{url}\" is not an http:// or https:// URL.");
        }

        var session = await _sessions.FindAsync(parseResult.GetValue(_session)!, cancellationToken).ConfigureAwait(false);
        var r = await _exec.ExecAsync(session.Container, new ExecRequest([RealCurl, "-sS", "-o", "/dev/null", "-D", "-", "--max-time", "15", url]), cancellationToken).ConfigureAwait(false);
        var status = r.StandardOutput.Split('\n').FirstOrDefault(l => l.StartsWith("HTTP/", StringComparison.Ordinal))?.Trim();
        var squidError = r.StandardOutput.Split('\n').FirstOrDefault(l => l.StartsWith("X-Squid-Error:", StringComparison.OrdinalIgnoreCase))?.Trim();
        var lastStatus = r.StandardOutput.Split('\n').LastOrDefault(l => l.StartsWith("HTTP/", StringComparison.Ordinal))?.Trim();
        var allowed = r.ExitCode == 0 && squidError is null && lastStatus is not null;
        var detail = allowed ? lastStatus! : squidError ?? status ?? r.StandardError.Trim();
        if (IsJson(parseResult))
        {
            Output.Json("EgressTest", new JsonObject { ["session"] = session.SessionId, ["url"] = url, ["allowed"] = allowed, ["detail"] = detail });
        }
        else
        {
            Output.Line($"{(allowed ? "allowed" : "denied")}: {url} ({detail})");
        }

        return allowed ? ExitCodes.Ok : ExitCodes.Governance;
    }
}
