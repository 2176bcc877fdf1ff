using System.CommandLine;
using System.Text.Json.Nodes;
using Scc.Abstractions;
using Scc.Core;
using Scc.Core.Config;
using Scc.Core.Errors;
using Scc.Core.Plugins;
using Spectre.Console;

namespace Scc.Cli.Commands;

internal sealed class ProviderCommand : Command
{
    public ProviderCommand(ProviderShowCommand show, ProviderSetCommand set)
        : base("provider", "Which agent provider scc starts")
    {
        Subcommands.Add(show);
        Subcommands.Add(set);
    }
}

internal sealed class ProviderShowCommand : SccCommand
{
    private readonly IPluginCatalog _catalog;
    private readonly UserConfigStore _userConfig;
    private readonly IProviderDataReaderFactory _data;

    public ProviderShowCommand(CliContext context, IPluginCatalog catalog, UserConfigStore userConfig, IProviderDataReaderFactory data)
        : base("show", "Show the provider preference and every available provider with its readiness", context)
    {
        _catalog = catalog;
        _userConfig = userConfig;
        _data = data;
        AddJsonOption();
    }

    protected override string JsonKind => "ProviderStatus";

    protected override async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var config = _userConfig.Load();
        var catalog = _catalog.Get();
        var rows = new List<(IAgentProvider Provider, AuthStatus Auth)>();
        foreach (var provider in catalog.Providers)
        {
            AuthStatus auth;
            try
            {
                auth = await provider.CheckAuthAsync(_data.For(provider.Spec), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                auth = AuthStatus.Unknown($"the auth check failed: {ex.Message}");
            }

            rows.Add((provider, auth));
        }

        var preference = config.Provider ?? UserConfig.ProviderAsk;
        if (IsJson(parseResult))
        {
            Output.Json("ProviderStatus", new JsonObject
            {
                ["preference"] = preference,
                ["providers"] = new JsonArray([.. rows.Select(r => (JsonNode)new JsonObject
                {
                    ["id"] = r.Provider.Spec.ProviderId,
                    ["displayName"] = r.Provider.Spec.DisplayName,
                    ["image"] = r.Provider.Spec.ImageReference,
                    ["auth"] = r.Auth.State.ToString().ToLowerInvariant(),
                    ["authDetail"] = r.Auth.Detail,
                })]),
            });
        }
        else
        {
            Output.Markup($"preference: [bold]{Rendering.CliOutput.Escape(preference)}[/]");
            var table = new Table().Border(TableBorder.Simple);
            table.AddColumns("PROVIDER", "NAME", "IMAGE", "AUTH");
            foreach (var (p, a) in rows)
            {
                table.AddRow(p.Spec.ProviderId, Rendering.CliOutput.Escape(p.Spec.DisplayName), Rendering.CliOutput.Escape(p.Spec.ImageReference), Rendering.CliOutput.Escape($"{a.State.ToString().ToLowerInvariant()}: {a.Detail}"));
            }

            Output.Out.Write(table);
            if (rows.Count == 0)
            {
                Output.Line("No provider is available: see `scc plugins list`.");
            }
        }

        PluginsCommand.ThrowIfAuditFailed(catalog);
        return ExitCodes.Ok;
    }
}

internal sealed class ProviderSetCommand : SccCommand
{
    private readonly IPluginCatalog _catalog;
    private readonly UserConfigStore _userConfig;
    private readonly Argument<string> _id = new("provider") { Description = "A provider id, or 'ask' to choose at each start" };

    public ProviderSetCommand(CliContext context, IPluginCatalog catalog, UserConfigStore userConfig)
        : base("set", "Set the preferred provider (saved in the user config)", context)
    {
        _catalog = catalog;
        _userConfig = userConfig;
        Arguments.Add(_id);
    }

    protected override Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var id = parseResult.GetValue(_id)!.Trim();
        if (!string.Equals(id, UserConfig.ProviderAsk, StringComparison.OrdinalIgnoreCase))
        {
            var catalog = _catalog.Get();
            var record = catalog.Find(id);
            if (record is null)
            {
                var known = string.Join(", ", catalog.Providers.Select(p => p.Spec.ProviderId));
                throw new NotFoundException($"There is no provider \"{id}\".", $"Choose one of: {(known.Length == 0 ? "(none loaded)" : known)}, or 'ask'.");
            }

            if (record.State != PluginState.Loaded)
            {
                throw new GovernanceException($"Provider \"{id}\" is not allowed here: it is {PluginRecord.StateName(record.State)} ({record.Reason}).", "Ask your org admin, or choose another provider.");
            }

            id = record.Id;
        }
        else
        {
            id = UserConfig.ProviderAsk;
        }

        _userConfig.Update(c => c with { Provider = id });
        Output.Line($"Provider preference set to {id} ({_userConfig.FilePath}).");
        return Task.FromResult(ExitCodes.Ok);
    }
}
