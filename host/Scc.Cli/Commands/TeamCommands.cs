using System.CommandLine;
using System.Text.Json.Nodes;
using Scc.Core.Config;
using Scc.Core.Errors;
using Scc.Core.Governance;
using Spectre.Console;

namespace Scc.Cli.Commands;

internal sealed class TeamCommand : Command
{
    public TeamCommand(TeamListCommand list, TeamCurrentCommand current, TeamSwitchCommand @switch, TeamInfoCommand info)
        : base("team", "Team profiles of the org: list, current, switch, info")
    {
        Subcommands.Add(list);
        Subcommands.Add(current);
        Subcommands.Add(@switch);
        Subcommands.Add(info);
    }
}

internal sealed class TeamListCommand : SccCommand
{
    private readonly GovernanceService _governance;
    private readonly UserConfigStore _users;

    public TeamListCommand(CliContext context, GovernanceService governance, UserConfigStore users)
        : base("list", "List the teams of the org config", context)
    {
        _governance = governance;
        _users = users;
        AddJsonOption();
    }

    protected override string JsonKind => "TeamList";

    protected override async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var request = ConfigCliSupport.Request(Context, null);
        var org = await _governance.RequireOrgAsync(request, cancellationToken).ConfigureAwait(false);
        var current = _users.Load().TeamFor(request.Workspace);
        ConfigCliSupport.Warn(Output, [], org.Notes);
        if (IsJson(parseResult))
        {
            Output.Json("TeamList", new JsonObject
            {
                ["current"] = current,
                ["teams"] = new JsonArray([.. org.Config.Profiles.Select(p => (JsonNode)new JsonObject
                {
                    ["name"] = p.Key,
                    ["description"] = p.Value.Description,
                    ["federated"] = p.Value.IsFederated,
                    ["config_source"] = p.Value.ConfigSource?.Display,
                    ["current"] = p.Key == current,
                })]),
            });
            return ExitCodes.Ok;
        }

        if (org.Config.Profiles.Count == 0)
        {
            Output.Line("The org config defines no teams; org defaults apply to everyone.");
            return ExitCodes.Ok;
        }

        var table = new Table().Border(TableBorder.Simple);
        table.AddColumns("", "TEAM", "DESCRIPTION", "SOURCE");
        foreach (var (name, profile) in org.Config.Profiles)
        {
            table.AddRow(name == current ? "*" : "", Esc(name), Esc(profile.Description ?? ""), Esc(profile.ConfigSource?.Display ?? "inline"));
        }

        Output.Out.Write(table);
        return ExitCodes.Ok;
    }

    private static string Esc(string text) => Rendering.CliOutput.Escape(text);
}

internal sealed class TeamCurrentCommand : SccCommand
{
    private readonly UserConfigStore _users;
    private readonly Argument<string?> _workspace = new("workspace") { Description = "The workspace (default: the current folder)", Arity = ArgumentArity.ZeroOrOne };

    public TeamCurrentCommand(CliContext context, UserConfigStore users)
        : base("current", "Show the team in force for a workspace, and why", context)
    {
        _users = users;
        Arguments.Add(_workspace);
        AddJsonOption();
    }

    protected override string JsonKind => "TeamCurrent";

    protected override Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var user = _users.Load();
        var workspace = ConfigCliSupport.Workspace(parseResult.GetValue(_workspace));
        var pinned = user.WorkspaceTeams.TryGetValue(UserConfig.NormalizeWorkspace(workspace), out var pin) ? pin : null;
        var team = user.TeamFor(workspace);
        var reason = user.IsStandalone && Context.OrgConfigOverride is null ? "standalone: no org, no team"
            : pinned is not null ? $"pinned to {workspace}"
            : team is not null ? "selected with `scc team switch`"
            : "no team selected: org defaults apply";
        if (IsJson(parseResult))
        {
            Output.Json("TeamCurrent", new JsonObject { ["team"] = team, ["workspace"] = workspace, ["pinned"] = pinned is not null, ["reason"] = reason });
        }
        else
        {
            Output.Line($"{team ?? "(none)"}  ({reason})");
        }

        return Task.FromResult(ExitCodes.Ok);
    }
}

internal sealed class TeamSwitchCommand : SccCommand
{
    private readonly GovernanceService _governance;
    private readonly UserConfigStore _users;
    private readonly Argument<string> _team = new("name") { Description = "The team to use" };
    private readonly Option<bool> _pin = new("--pin") { Description = "Use this team only in the current workspace" };

    public TeamSwitchCommand(CliContext context, GovernanceService governance, UserConfigStore users)
        : base("switch", "Select the team whose profile applies (saved in the user config)", context)
    {
        _governance = governance;
        _users = users;
        Arguments.Add(_team);
        Options.Add(_pin);
    }

    protected override async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var team = parseResult.GetValue(_team)!;
        var request = ConfigCliSupport.Request(Context, null);
        var org = await _governance.RequireOrgAsync(request, cancellationToken).ConfigureAwait(false);
        if (!org.Config.Profiles.ContainsKey(team))
        {
            throw new NotFoundException($"The org config has no team '{team}'.", $"Teams: {string.Join(", ", org.Config.Profiles.Keys)}.");
        }

        if (parseResult.GetValue(_pin))
        {
            _users.Update(u => u.WithWorkspaceTeam(request.Workspace!, team));
            Output.Line($"Team '{team}' is pinned to {request.Workspace}.");
        }
        else
        {
            _users.Update(u => u with { SelectedTeam = team });
            Output.Line($"Team '{team}' is selected.");
        }

        return ExitCodes.Ok;
    }
}

internal sealed class TeamInfoCommand : SccCommand
{
    private readonly GovernanceService _governance;
    private readonly TeamProfileResolver _teams;
    private readonly Argument<string> _team = new("name") { Description = "The team" };

    public TeamInfoCommand(CliContext context, GovernanceService governance, TeamProfileResolver teams)
        : base("info", "Show a team profile (fetching a federated one) and what the org delegates to it", context)
    {
        _governance = governance;
        _teams = teams;
        Arguments.Add(_team);
        AddJsonOption();
    }

    protected override string JsonKind => "TeamInfo";

    protected override async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var name = parseResult.GetValue(_team)!;
        var org = await _governance.RequireOrgAsync(ConfigCliSupport.Request(Context, null), cancellationToken).ConfigureAwait(false);
        var team = await _teams.ResolveAsync(org, name, Context.Offline ? FetchMode.Offline : FetchMode.Normal, cancellationToken).ConfigureAwait(false);
        var p = team.Profile;
        var teams = org.Config.Delegation.Teams;
        var delegation = new (string What, bool May)[]
        {
            ("plugins", Glob.AnyMatch(teams.AllowAdditionalPlugins, name, out _)),
            ("mcp_servers", Glob.AnyMatch(teams.AllowAdditionalMcpServers, name, out _)),
            ("destinations", Glob.AnyMatch(teams.AllowAdditionalDestinations, name, out _)),
            ("project_overrides", org.Config.Delegation.Projects.InheritTeamDelegation && p.Delegation?.AllowProjectOverrides == true),
        };
        ConfigCliSupport.Warn(Output, team.Diagnostics, org.Notes);
        if (IsJson(parseResult))
        {
            Output.Json("TeamInfo", new JsonObject
            {
                ["name"] = name,
                ["description"] = p.Description,
                ["source"] = team.Source,
                ["fetched_at"] = team.FetchedAt?.ToString("O"),
                ["plugins"] = new JsonArray([.. p.AdditionalPlugins.Concat(p.EnabledPlugins).Select(x => (JsonNode?)x)]),
                ["mcp_servers"] = new JsonArray([.. p.AdditionalMcpServers.Select(s => (JsonNode?)s.Name)]),
                ["network_policy"] = p.NetworkPolicy,
                ["session"] = new JsonObject { ["timeout_hours"] = p.Session.TimeoutHours, ["auto_resume"] = p.Session.AutoResume },
                ["destinations"] = new JsonArray([.. (p.Egress?.Destinations ?? []).Select(x => (JsonNode?)x)]),
                ["may_add"] = new JsonObject(delegation.Select(d => KeyValuePair.Create(d.What, (JsonNode?)d.May))),
            });
            return ExitCodes.Ok;
        }

        var grid = new Grid().AddColumn().AddColumn();
        grid.AddRow("team", Esc(name));
        grid.AddRow("description", Esc(p.Description ?? ""));
        grid.AddRow("source", Esc(team.Source ?? "inline in the org config"));
        grid.AddRow("plugins", Esc(string.Join(", ", p.AdditionalPlugins.Concat(p.EnabledPlugins)) is { Length: > 0 } s ? s : "(none)"));
        grid.AddRow("mcp servers", Esc(string.Join(", ", p.AdditionalMcpServers.Select(m => m.Name)) is { Length: > 0 } m ? m : "(none)"));
        grid.AddRow("network policy", Esc(p.NetworkPolicy ?? "(org default)"));
        grid.AddRow("may add", Esc(string.Join(", ", delegation.Where(d => d.May).Select(d => d.What)) is { Length: > 0 } d ? d : "nothing beyond org defaults"));
        Output.Out.Write(grid);
        return ExitCodes.Ok;
    }

    private static string Esc(string text) => Rendering.CliOutput.Escape(text);
}
