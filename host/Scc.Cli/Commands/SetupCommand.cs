using System.CommandLine;
using System.Text.Json.Nodes;
using Scc.Core.Config;
using Scc.Core.Errors;
using Spectre.Console;

namespace Scc.Cli.Commands;

/// <summary>
/// <c>scc setup</c>: connect to an org (file or https URL, optionally a team) or choose standalone. Asks on a
/// terminal; takes <c>--org</c>/<c>--team</c> or <c>--standalone</c> in scripts. The org config is fetched and
/// validated before anything is saved.
/// </summary>
internal sealed class SetupCommand : SccCommand
{
    private const string StandaloneChoice = "Standalone (no org; built-in safe defaults)";
    private const string OrgChoice = "Connect to an org config (file or https URL)";
    private const string NoTeam = "(no team: org defaults only)";

    private readonly OrgConfigProvider _orgs;
    private readonly UserConfigStore _users;
    private readonly Option<string?> _org = new("--org") { Description = "The org config: a file path or an https:// URL" };
    private readonly Option<string?> _team = new("--team") { Description = "The team profile to use" };
    private readonly Option<string?> _auth = new("--auth") { Description = "How to authenticate to the org URL: env:VAR or command:CMD" };
    private readonly Option<string?> _authHeader = new("--auth-header") { Description = "Send the token in this header instead of Authorization: Bearer" };
    private readonly Option<bool> _standalone = new("--standalone") { Description = "Use no org config: built-in safe defaults" };

    public SetupCommand(CliContext context, OrgConfigProvider orgs, UserConfigStore users)
        : base("setup", "Connect scc to your organization's config, or choose standalone mode", context)
    {
        _orgs = orgs;
        _users = users;
        Options.Add(_org);
        Options.Add(_team);
        Options.Add(_auth);
        Options.Add(_authHeader);
        Options.Add(_standalone);
        AddJsonOption();
    }

    protected override string JsonKind => "Setup";

    protected override async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        // Fail on a corrupt user config before asking anything: it is never overwritten silently.
        _users.Load();
        var org = parseResult.GetValue(_org);
        var team = parseResult.GetValue(_team);
        var standalone = parseResult.GetValue(_standalone);
        if (standalone && (org is not null || team is not null))
        {
            throw new UsageException("--standalone cannot be combined with --org or --team.");
        }

        if (!standalone && org is null)
        {
            if (!Output.Out.Profile.Capabilities.Interactive || IsJson(parseResult))
            {
                throw new UsageException("No terminal to ask on: give --org <file or https URL> [--team T], or --standalone.");
            }

            standalone = Output.Out.Prompt(new SelectionPrompt<string>().Title("How should scc be configured?").AddChoices(OrgChoice, StandaloneChoice)) == StandaloneChoice;
            if (!standalone)
            {
                org = Output.Out.Prompt(new TextPrompt<string>("Org config (file path or https:// URL):"));
            }
        }

        if (standalone)
        {
            _users.Update(u => u with { Standalone = true, OrgSource = null, SelectedTeam = null });
            Report(parseResult, null, null);
            return ExitCodes.Ok;
        }

        var setting = new OrgSourceSetting(OrgConfigProvider.IsUrl(org!) ? org! : Path.GetFullPath(org!), parseResult.GetValue(_auth), parseResult.GetValue(_authHeader));
        var snapshot = await _orgs.LoadAsync(setting, Context.Offline ? FetchMode.Offline : FetchMode.Refresh, cancellationToken).ConfigureAwait(false);
        if (snapshot.IsRemote && snapshot.FromCache && !Context.Offline)
        {
            throw new ConfigException($"The org config {setting.Source} could not be fetched: {string.Join(" ", snapshot.Notes)}", "Nothing was saved.");
        }

        ConfigCliSupport.Warn(Output, snapshot.Diagnostics);
        var teams = snapshot.Config.Profiles.Keys.ToList();
        if (team is null && teams.Count > 0 && Output.Out.Profile.Capabilities.Interactive && !IsJson(parseResult) && parseResult.GetValue(_org) is null)
        {
            var choice = Output.Out.Prompt(new SelectionPrompt<string>().Title("Which team are you on?").AddChoices([.. teams, NoTeam]));
            team = choice == NoTeam ? null : choice;
        }

        if (team is not null && !snapshot.Config.Profiles.ContainsKey(team))
        {
            throw new NotFoundException($"The org config has no team '{team}'.", teams.Count == 0 ? "The org defines no teams; leave out --team." : $"Teams: {string.Join(", ", teams)}.");
        }

        _users.Update(u => u with { Standalone = false, OrgSource = setting, SelectedTeam = team });
        Report(parseResult, snapshot, team);
        return ExitCodes.Ok;
    }

    private void Report(ParseResult parseResult, OrgConfigSnapshot? org, string? team)
    {
        if (IsJson(parseResult))
        {
            Output.Json("Setup", new JsonObject { ["org"] = ConfigCliSupport.OrgJson(org, TimeProvider.System), ["team"] = team, ["user_config"] = _users.FilePath });
            return;
        }

        if (org is null)
        {
            Output.Line($"Standalone mode: built-in safe defaults apply. Saved in {_users.FilePath}.");
            return;
        }

        Output.Line($"Connected to org '{org.Config.Organization.Name}' ({org.Config.Organization.Id}) from {org.Source}.");
        Output.Line(team is null ? "No team selected: org defaults apply (`scc team switch <name>` to pick one)." : $"Team: {team}.");
        Output.Line($"Saved in {_users.FilePath}.");
    }
}
