using System.CommandLine;
using System.Text.Json.Nodes;
using Scc.Core.Audit;
using Scc.Core.Config;
using Scc.Core.Errors;
using Scc.Core.Governance;

namespace Scc.Cli.Commands;

internal sealed class ConfigCommand : Command
{
    public ConfigCommand(ConfigExplainCommand explain, ConfigValidateCommand validate)
        : base("config", "The effective configuration: explain where each value comes from, validate a project")
    {
        Subcommands.Add(explain);
        Subcommands.Add(validate);
    }
}

internal sealed class ConfigExplainCommand : SccCommand
{
    private readonly GovernanceService _governance;
    private readonly Argument<string?> _workspace = new("workspace") { Description = "The workspace (default: the current folder)", Arity = ArgumentArity.ZeroOrOne };
    private readonly Option<string?> _field = new("--field") { Description = "Only this field (e.g. plugins, network_policy, session, safety.rules)" };
    private readonly Option<string?> _team = new("--team") { Description = "Explain for this team instead of the selected one" };

    public ConfigExplainCommand(CliContext context, GovernanceService governance)
        : base("explain", "Every effective value with the layer that set it, and what was blocked, denied or ignored, and why", context)
    {
        _governance = governance;
        Arguments.Add(_workspace);
        Options.Add(_field);
        Options.Add(_team);
        AddJsonOption();
    }

    protected override string JsonKind => "ConfigExplain";

    protected override async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var request = ConfigCliSupport.Request(Context, parseResult.GetValue(_workspace), parseResult.GetValue(_team));
        var result = await _governance.ResolveAsync(request, cancellationToken).ConfigureAwait(false);
        ConfigCliSupport.Warn(Output, result.Diagnostics, result.Notes);
        var field = parseResult.GetValue(_field);
        if (IsJson(parseResult))
        {
            Output.Json("ConfigExplain", ConfigExplainer.ToJson(result.Effective, result.Diagnostics, result.Org?.Source, field),
                errors: result.Diagnostics.Where(d => d.IsError).Select(d => d.ToString()));
        }
        else
        {
            Output.OutWriter.Write(ConfigExplainer.ToText(result.Effective, result.Org?.Source, field));
            foreach (var error in result.Diagnostics.Where(d => d.IsError))
            {
                Output.Error(error.ToString(), null);
            }
        }

        return result.Project.IsValid ? ExitCodes.Ok : ExitCodes.ConfigOrNetwork;
    }
}

internal sealed class ConfigValidateCommand : SccCommand
{
    private readonly GovernanceService _governance;
    private readonly IAuditLog _audit;
    private readonly Argument<string?> _workspace = new("workspace") { Description = "The workspace (default: the current folder)", Arity = ArgumentArity.ZeroOrOne };

    public ConfigValidateCommand(CliContext context, GovernanceService governance, IAuditLog audit)
        : base("validate", "Check the project's .scc.yaml against the org and team: exits 6 when it asks for something blocked or denied", context)
    {
        _governance = governance;
        _audit = audit;
        Arguments.Add(_workspace);
        AddJsonOption();
    }

    protected override string JsonKind => "ConfigValidation";

    protected override async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var request = ConfigCliSupport.Request(Context, parseResult.GetValue(_workspace));
        var result = await _governance.ResolveAsync(request, cancellationToken).ConfigureAwait(false);
        var errors = result.Diagnostics.Where(d => d.IsError).Select(d => d.ToString()).ToList();
        var violations = result.Effective.Refusals.Where(r => r.Outcome != RefusalKind.Ignored && r.RequestedBy.Layer == Layers.Project).ToList();
        var ignored = result.Effective.Refusals.Where(r => r.Outcome == RefusalKind.Ignored && r.RequestedBy.Layer == Layers.Project).ToList();
        var messages = violations.Select(r => $"{r.Kind} '{r.Item}' is {r.Outcome.ToString().ToLowerInvariant()}: {r.Reason} (rule: {r.Rule})").ToList();
        ConfigCliSupport.Warn(Output, result.Diagnostics, result.Notes.Concat(ignored.Select(r => $"{r.Kind} '{r.Item}' is ignored: {r.Reason} (rule: {r.Rule})")));
        var code = errors.Count > 0 ? ExitCodes.ConfigOrNetwork : violations.Count > 0 ? ExitCodes.Governance : ExitCodes.Ok;
        if (violations.Count > 0)
        {
            try
            {
                _audit.Append([.. ConfigAudit.Violations(result.Effective, request.Workspace).Where(e => e.Data?["layer"]?.GetValue<string>() == Layers.Project)]);
            }
            catch (AuditWriteException ex)
            {
                // The verdict stands without the record; say that it was not recorded.
                Output.Warn(ex.Message);
            }
        }

        if (IsJson(parseResult))
        {
            Output.Json("ConfigValidation", new JsonObject
            {
                ["workspace"] = request.Workspace,
                ["project_file"] = result.Project.Config is null && result.Project.IsValid ? null : result.Project.Origin,
                ["team"] = result.Effective.Team,
                ["diagnostics"] = ConfigCliSupport.ToJson(result.Diagnostics),
                ["violations"] = new JsonArray([.. violations.Select(r => (JsonNode)new JsonObject
                {
                    ["kind"] = r.Kind,
                    ["item"] = r.Item,
                    ["outcome"] = r.Outcome.ToString().ToLowerInvariant(),
                    ["rule"] = r.Rule,
                    ["reason"] = r.Reason,
                })]),
            }, ok: code == ExitCodes.Ok, errors: errors.Concat(messages));
            return code;
        }

        foreach (var message in errors.Concat(messages))
        {
            Output.Error(message, null);
        }

        if (code == ExitCodes.Ok)
        {
            Output.Line(result.Project.Config is null ? "No .scc.yaml here: org and team settings apply." : $"{result.Project.Origin}: valid; every request is allowed.");
        }
        else
        {
            Output.Error(code == ExitCodes.Governance ? "The project asks for things the org or team does not allow." : "The configuration is not valid.",
                "Run `scc config explain` to see each decision and its rule.");
        }

        return code;
    }
}

internal sealed class InitCommand : SccCommand
{
    private readonly Argument<string?> _workspace = new("workspace") { Description = "The workspace (default: the current folder)", Arity = ArgumentArity.ZeroOrOne };
    private readonly Option<bool> _force = new("--force") { Description = "Overwrite an existing .scc.yaml" };

    public InitCommand(CliContext context)
        : base("init", "Write a commented .scc.yaml in the workspace", context)
    {
        Arguments.Add(_workspace);
        Options.Add(_force);
    }

    protected override Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var workspace = ConfigCliSupport.Workspace(parseResult.GetValue(_workspace));
        if (!Directory.Exists(workspace))
        {
            throw new NotFoundException($"The folder {workspace} does not exist.");
        }

        var path = Path.Combine(workspace, ProjectConfig.FileName);
        if (File.Exists(path) && !parseResult.GetValue(_force))
        {
            throw new UsageException($"{path} already exists.", "Edit it, or pass --force to replace it with the template.");
        }

        AtomicFile.WriteText(path, ConfigTemplates.Project);
        Output.Line($"Wrote {path}. See what applies with `scc config explain`.");
        return Task.FromResult(ExitCodes.Ok);
    }
}
