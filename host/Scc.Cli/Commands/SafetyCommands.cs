using System.CommandLine;
using System.Text;
using System.Text.Json.Nodes;
using Scc.Cli.Rendering;
using Scc.Core.Audit;
using Scc.Core.Errors;
using Scc.Core.Governance;
using Scc.Safety;
using Spectre.Console;

namespace Scc.Cli.Commands;

internal sealed class SafetyCommand : Command
{
    public SafetyCommand(SafetyCheckCommand check, SafetyRulesCommand rules)
        : base("safety", "The safety engine that guards git and network tools")
    {
        Subcommands.Add(check);
        Subcommands.Add(rules);
    }
}

/// <summary>`scc safety check -- "cmd"`: the same engine the sandbox wrappers run, on the host. Exit 0 allowed, 6 blocked.</summary>
internal sealed class SafetyCheckCommand : SccCommand
{
    private readonly GovernanceService _governance;
    private readonly IAuditLog _audit;
    private readonly Option<FileInfo?> _policy = new("--policy") { Description = "A safety policy JSON file (default: the policy derived from the config in force here)" };
    private readonly Argument<string[]> _command = new("command") { Description = "The shell command, after --", Arity = ArgumentArity.OneOrMore };

    public SafetyCheckCommand(CliContext context, GovernanceService governance, IAuditLog audit)
        : base("check", "Evaluate a shell command against the safety policy", context)
    {
        _governance = governance;
        _audit = audit;
        Options.Add(_policy);
        Arguments.Add(_command);
        AddJsonOption();
    }

    protected override string JsonKind => "SafetyVerdict";

    protected override async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var command = string.Join(' ', parseResult.GetValue(_command)!);
        SafetyPolicy policy;
        string source;
        if (parseResult.GetValue(_policy) is { } file)
        {
            policy = SafetyPolicyLoader.LoadFile(file.FullName);
            source = file.FullName;
        }
        else
        {
            var resolved = await _governance.ResolveAsync(new GovernanceRequest(Environment.CurrentDirectory, Context.OrgConfigOverride, Context.Offline), cancellationToken).ConfigureAwait(false);
            policy = SafetyPolicyLoader.Load(Encoding.UTF8.GetBytes(resolved.SafetyPolicy.ToJson()), "derived policy");
            source = resolved.Org?.Source ?? "standalone defaults";
        }

        var verdict = SafetyEngine.Evaluate(command, policy);
        _audit.Append([new AuditEvent("safety.check", verdict.Allowed ? AuditSeverity.Info : AuditSeverity.Warning, "host", new JsonObject
        {
            ["origin"] = "host",
            ["command"] = command,
            ["verdict"] = verdict.Allowed ? "allow" : "block",
            ["rule"] = verdict.RuleId,
            ["reason"] = verdict.Reason,
            ["policy"] = source,
        })]);
        if (IsJson(parseResult))
        {
            Output.Json("SafetyVerdict", new JsonObject
            {
                ["command"] = command,
                ["allowed"] = verdict.Allowed,
                ["rule"] = verdict.RuleId,
                ["reason"] = verdict.Reason,
                ["matched"] = verdict.MatchedCommand,
                ["warnings"] = new JsonArray([.. verdict.Warnings.Select(w => (JsonNode?)w)]),
                ["policy"] = source,
                ["failClosed"] = policy.IsFailClosed,
            }, ok: verdict.Allowed, errors: verdict.Allowed ? [] : [verdict.Reason]);
        }
        else
        {
            foreach (var warning in verdict.Warnings)
            {
                Output.Warn(warning);
            }

            if (verdict.Allowed)
            {
                Output.Line("allowed");
            }
            else
            {
                Output.Markup($"[red]blocked[/] [[{CliOutput.Escape(verdict.RuleId)}]]: {CliOutput.Escape(verdict.Reason)}");
            }
        }

        return verdict.Allowed ? ExitCodes.Ok : ExitCodes.Governance;
    }
}

internal sealed class SafetyRulesCommand : SccCommand
{
    public SafetyRulesCommand(CliContext context)
        : base("rules", "List the rules of the safety engine and the policy keys that switch them", context)
    {
        AddJsonOption();
    }

    protected override string JsonKind => "SafetyRules";

    protected override Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        if (IsJson(parseResult))
        {
            Output.Json("SafetyRules", new JsonArray([.. SafetyRules.All.Select(r => (JsonNode)new JsonObject { ["id"] = r.Id, ["key"] = r.Key, ["description"] = r.Description })]));
            return Task.FromResult(ExitCodes.Ok);
        }

        var table = new Table().Border(TableBorder.Simple).AddColumns("RULE", "POLICY KEY", "BLOCKS");
        foreach (var r in SafetyRules.All)
        {
            table.AddRow(CliOutput.Escape(r.Id), CliOutput.Escape(r.Key ?? "-"), CliOutput.Escape(r.Description));
        }

        Output.Out.Write(table);
        return Task.FromResult(ExitCodes.Ok);
    }
}
