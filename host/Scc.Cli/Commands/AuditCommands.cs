using System.CommandLine;
using System.Text.Json.Nodes;
using Scc.Core.Audit;
using Scc.Core.Errors;

namespace Scc.Cli.Commands;

internal sealed class AuditCommand : Command
{
    public AuditCommand(AuditTailCommand tail, AuditVerifyCommand verify)
        : base("audit", "The tamper-evident audit log")
    {
        Subcommands.Add(tail);
        Subcommands.Add(verify);
    }
}

internal sealed class AuditTailCommand : SccCommand
{
    private readonly IAuditLog _log;
    private readonly Option<int> _count = new("-n", "--lines") { Description = "How many of the newest events", DefaultValueFactory = _ => 20 };

    public AuditTailCommand(CliContext context, IAuditLog log)
        : base("tail", "Show the newest audit events", context)
    {
        _log = log;
        Options.Add(_count);
        AddJsonOption();
    }

    protected override string JsonKind => "AuditEvents";

    protected override Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var n = parseResult.GetValue(_count);
        if (n < 0)
        {
            throw new UsageException($"-n must be zero or more (got {n}).");
        }

        var events = AuditReader.Tail(_log.FilePath, n);
        if (IsJson(parseResult))
        {
            Output.Json("AuditEvents", new JsonArray([.. events.Select(e => (JsonNode)e.DeepClone())]));
            return Task.FromResult(ExitCodes.Ok);
        }

        if (events.Count == 0)
        {
            Output.Line($"No audit events yet ({_log.FilePath}).");
        }

        foreach (var e in events)
        {
            var data = e["data"] is JsonObject d && d.Count > 0 ? " " + d.ToJsonString() : string.Empty;
            Output.Line($"{e["seq"]} {e["ts"]} {e["severity"],-7} {e["type"]} {e["subject"]}{data}");
        }

        return Task.FromResult(ExitCodes.Ok);
    }
}

internal sealed class AuditVerifyCommand : SccCommand
{
    private readonly IAuditLog _log;

    public AuditVerifyCommand(CliContext context, IAuditLog log)
        : base("verify", "Check the hash chain: finds edited, removed or reordered lines", context)
    {
        _log = log;
        AddJsonOption();
    }

    protected override string JsonKind => "AuditVerification";

    protected override Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var result = AuditReader.Verify(_log.FilePath);
        var message = result.Ok
            ? $"ok: {result.Lines} events, chain intact ({_log.FilePath})"
            : $"line {result.BadLine}: {result.Problem} ({_log.FilePath})";
        if (IsJson(parseResult))
        {
            Output.Json("AuditVerification", new JsonObject
            {
                ["file"] = _log.FilePath,
                ["lines"] = result.Lines,
                ["ok"] = result.Ok,
                ["badLine"] = result.BadLine,
                ["problem"] = result.Problem,
            }, ok: result.Ok, errors: result.Ok ? [] : [message]);
        }
        else if (result.Ok)
        {
            Output.Line(message);
        }
        else
        {
            Output.Error($"audit log tampered or damaged: {message}", "Keep a copy of the file for investigation; the chain cannot be repaired in place.");
        }

        return Task.FromResult(result.Ok ? ExitCodes.Ok : ExitCodes.Governance);
    }
}
