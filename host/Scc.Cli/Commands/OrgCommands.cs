using System.CommandLine;
using System.Text.Json.Nodes;
using Scc.Core.Config;
using Scc.Core.Errors;
using Scc.Core.Governance;
using Spectre.Console;

namespace Scc.Cli.Commands;

internal sealed class OrgCommand : Command
{
    public OrgCommand(OrgValidateCommand validate, OrgImportCommand import, OrgUpdateCommand update, OrgStatusCommand status, OrgSchemaCommand schema, OrgInitCommand init)
        : base("org", "The org config: validate, import, update, status, schema, init")
    {
        Subcommands.Add(validate);
        Subcommands.Add(import);
        Subcommands.Add(update);
        Subcommands.Add(status);
        Subcommands.Add(schema);
        Subcommands.Add(init);
    }
}

internal sealed class OrgValidateCommand : SccCommand
{
    private readonly HttpConfigFetcher _fetcher;
    private readonly Argument<string> _source = new("source") { Description = "An org config file or https:// URL" };

    public OrgValidateCommand(CliContext context, HttpConfigFetcher fetcher)
        : base("validate", "Check an org config against the schema and the governance invariants (nothing is saved)", context)
    {
        _fetcher = fetcher;
        Arguments.Add(_source);
        AddJsonOption();
    }

    protected override string JsonKind => "OrgValidation";

    protected override async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var source = parseResult.GetValue(_source)!;
        OrgConfigLoadResult result;
        if (OrgConfigProvider.IsUrl(source))
        {
            var url = HttpConfigFetcher.CheckUrl(source, "org config URL");
            var response = await _fetcher.GetAsync(url, null, new Dictionary<string, string>(), cancellationToken).ConfigureAwait(false);
            result = OrgConfigLoader.Parse(response.Text ?? "", source);
        }
        else
        {
            result = OrgConfigLoader.LoadFile(Path.GetFullPath(source));
        }

        if (IsJson(parseResult))
        {
            ConfigCliSupport.Warn(Output, result.Warnings);
            Output.Json("OrgValidation", new JsonObject
            {
                ["source"] = result.Origin,
                ["valid"] = result.IsValid,
                ["diagnostics"] = ConfigCliSupport.ToJson(result.Diagnostics),
            }, ok: result.IsValid, errors: result.Errors.Select(e => e.ToString()));
            return result.IsValid ? ExitCodes.Ok : ExitCodes.ConfigOrNetwork;
        }

        ConfigCliSupport.Warn(Output, result.Warnings);
        if (!result.IsValid)
        {
            throw OrgConfigLoader.Invalid(result.Origin, result.Errors);
        }

        var org = result.Config!;
        Output.Line($"{result.Origin}: valid (organization {org.Organization.Id}, {org.Profiles.Count} team{(org.Profiles.Count == 1 ? "" : "s")}).");
        return ExitCodes.Ok;
    }
}

internal sealed class OrgImportCommand : SccCommand
{
    private readonly OrgConfigProvider _orgs;
    private readonly UserConfigStore _users;
    private readonly Argument<string> _source = new("source") { Description = "An org config file or https:// URL" };
    private readonly Option<string?> _auth = new("--auth") { Description = "How to authenticate: env:VAR or command:CMD" };
    private readonly Option<string?> _authHeader = new("--auth-header") { Description = "Send the token in this header instead of Authorization: Bearer" };

    public OrgImportCommand(CliContext context, OrgConfigProvider orgs, UserConfigStore users)
        : base("import", "Validate an org config, cache it, and make it the org config in force", context)
    {
        _orgs = orgs;
        _users = users;
        Arguments.Add(_source);
        Options.Add(_auth);
        Options.Add(_authHeader);
        AddJsonOption();
    }

    protected override string JsonKind => "OrgImport";

    protected override async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var raw = parseResult.GetValue(_source)!;
        var setting = new OrgSourceSetting(OrgConfigProvider.IsUrl(raw) ? raw : Path.GetFullPath(raw), parseResult.GetValue(_auth), parseResult.GetValue(_authHeader));
        var org = await _orgs.LoadAsync(setting, FetchMode.Refresh, cancellationToken).ConfigureAwait(false);
        if (org.FromCache)
        {
            throw new ConfigException($"The org config {setting.Source} could not be fetched: {string.Join(" ", org.Notes)}", "Nothing was changed.");
        }

        ConfigCliSupport.Warn(Output, org.Diagnostics, org.Notes);
        var user = _users.Update(u =>
        {
            var keepTeam = u.SelectedTeam is { } t && org.Config.Profiles.ContainsKey(t);
            return u with { OrgSource = setting, Standalone = false, SelectedTeam = keepTeam ? u.SelectedTeam : null };
        });
        if (IsJson(parseResult))
        {
            Output.Json("OrgImport", new JsonObject { ["org"] = ConfigCliSupport.OrgJson(org, TimeProvider.System), ["team"] = user.SelectedTeam });
        }
        else
        {
            Output.Line($"Imported org '{org.Config.Organization.Name}' ({org.Config.Organization.Id}) from {org.Source}.");
            if (user.SelectedTeam is null && org.Config.Profiles.Count > 0)
            {
                Output.Line("No team is selected: run `scc team list`, then `scc team switch <name>`.");
            }
        }

        return ExitCodes.Ok;
    }
}

internal sealed class OrgUpdateCommand : SccCommand
{
    private readonly OrgConfigProvider _orgs;
    private readonly UserConfigStore _users;

    public OrgUpdateCommand(CliContext context, OrgConfigProvider orgs, UserConfigStore users)
        : base("update", "Fetch the org config now (conditional GET) and refresh the cache", context)
    {
        _orgs = orgs;
        _users = users;
        AddJsonOption();
    }

    protected override string JsonKind => "OrgUpdate";

    protected override async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var user = _users.Load();
        var setting = Context.OrgConfigOverride is { } path ? new OrgSourceSetting(path)
            : user.OrgSource ?? throw new NotFoundException("No org config is set up (standalone mode), so there is nothing to update.", "Run `scc setup --org <file or https URL>`.");
        if (Context.Offline)
        {
            throw new UsageException("`scc org update` fetches the org config; it cannot run with --offline.");
        }

        var org = await _orgs.LoadAsync(setting, FetchMode.Refresh, cancellationToken).ConfigureAwait(false);
        if (org.IsRemote && org.FromCache)
        {
            throw new ConfigException($"The org config could not be updated: {string.Join(" ", org.Notes)}", "The cached config stays in use; try again later.");
        }

        ConfigCliSupport.Warn(Output, org.Diagnostics);
        var unchanged = org.Notes.Any(n => n.Contains("304", StringComparison.Ordinal));
        if (IsJson(parseResult))
        {
            Output.Json("OrgUpdate", new JsonObject { ["org"] = ConfigCliSupport.OrgJson(org, TimeProvider.System), ["changed"] = !unchanged });
        }
        else
        {
            Output.Line(unchanged
                ? $"The org config {org.Source} is unchanged."
                : $"The org config {org.Source} is up to date (organization {org.Config.Organization.Id}).");
        }

        return ExitCodes.Ok;
    }
}

internal sealed class OrgStatusCommand : SccCommand
{
    private readonly GovernanceService _governance;
    private readonly UserConfigStore _users;
    private readonly TimeProvider _time;

    public OrgStatusCommand(CliContext context, GovernanceService governance, UserConfigStore users, TimeProvider time)
        : base("status", "Show the org config in force: source, cache age, selected team", context)
    {
        _governance = governance;
        _users = users;
        _time = time;
        AddJsonOption();
    }

    protected override string JsonKind => "OrgStatus";

    protected override async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var user = _users.Load();
        var request = ConfigCliSupport.Request(Context, null);
        var org = await _governance.LoadOrgAsync(user, request, cancellationToken).ConfigureAwait(false);
        var team = org is null ? null : user.TeamFor(request.Workspace);
        if (IsJson(parseResult))
        {
            ConfigCliSupport.Warn(Output, [], org?.Notes);
            var data = ConfigCliSupport.OrgJson(org, _time);
            data["team"] = team;
            Output.Json("OrgStatus", data);
            return ExitCodes.Ok;
        }

        if (org is null)
        {
            Output.Line("standalone: no org config; built-in safe defaults apply.");
            Output.Line("Connect to an org with `scc setup --org <file or https URL>`.");
            return ExitCodes.Ok;
        }

        ConfigCliSupport.Warn(Output, [], org.Notes);
        var grid = new Grid().AddColumn().AddColumn();
        grid.AddRow("organization", Esc($"{org.Config.Organization.Name} ({org.Config.Organization.Id})"));
        grid.AddRow("source", Esc(org.Source));
        if (org.FetchedAt is { } at)
        {
            var age = _time.GetUtcNow() - at;
            var ttl = org.Config.Defaults.CacheTtlHours ?? OrgConfigProvider.DefaultTtlHours;
            grid.AddRow("fetched", Esc($"{OrgConfigProvider.Describe(age)} ago ({(age.TotalHours < ttl ? "fresh" : "stale")}, TTL {ttl} h)"));
        }

        grid.AddRow("teams", Esc(org.Config.Profiles.Count == 0 ? "(none)" : string.Join(", ", org.Config.Profiles.Keys)));
        grid.AddRow("team", Esc(team ?? "(none selected)"));
        Output.Out.Write(grid);
        return ExitCodes.Ok;
    }

    private static string Esc(string text) => Rendering.CliOutput.Escape(text);
}

internal sealed class OrgSchemaCommand : SccCommand
{
    public OrgSchemaCommand(CliContext context)
        : base("schema", "Print the JSON Schema of the org config", context)
    {
    }

    protected override Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        Output.OutWriter.Write(OrgConfigSchema.Text);
        return Task.FromResult(ExitCodes.Ok);
    }
}

internal sealed class OrgInitCommand : SccCommand
{
    private readonly Option<string> _template = new("--template") { Description = "minimal, teams or strict", DefaultValueFactory = _ => "minimal" };
    private readonly Option<string?> _output = new("--output", "-o") { Description = "Write to this file (default: org-config.json; '-' for standard output)" };
    private readonly Option<bool> _force = new("--force") { Description = "Overwrite an existing file" };

    public OrgInitCommand(CliContext context)
        : base("init", "Write a starter org config from a template", context)
    {
        _template.AcceptOnlyFromAmong([.. ConfigTemplates.OrgTemplates]);
        Options.Add(_template);
        Options.Add(_output);
        Options.Add(_force);
    }

    protected override Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var text = ConfigTemplates.Org(parseResult.GetValue(_template)!);
        var target = parseResult.GetValue(_output) ?? "org-config.json";
        if (target == "-")
        {
            Output.OutWriter.Write(text);
            return Task.FromResult(ExitCodes.Ok);
        }

        var path = Path.GetFullPath(target);
        if (File.Exists(path) && !parseResult.GetValue(_force))
        {
            throw new UsageException($"{path} already exists.", "Choose another --output, or pass --force to overwrite it.");
        }

        AtomicFile.WriteText(path, text);
        Output.Line($"Wrote {path}. Check it with `scc org validate {target}`.");
        return Task.FromResult(ExitCodes.Ok);
    }
}
