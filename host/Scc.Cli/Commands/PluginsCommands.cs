using System.CommandLine;
using System.Text.Json.Nodes;
using Scc.Core;
using Scc.Core.Errors;
using Scc.Core.Plugins;
using Spectre.Console;

namespace Scc.Cli.Commands;

internal sealed class PluginsCommand : Command
{
    public PluginsCommand(PluginsListCommand list, PluginsShowCommand show, PluginsInstallCommand install, PluginsRemoveCommand remove, PluginsVerifyCommand verify)
        : base("plugins", "Provider plugins: list, inspect, install, remove, verify")
    {
        Subcommands.Add(list);
        Subcommands.Add(show);
        Subcommands.Add(install);
        Subcommands.Add(remove);
        Subcommands.Add(verify);
    }

    internal static JsonObject ToJson(PluginRecord r) => new()
    {
        ["id"] = r.Id,
        ["version"] = r.Manifest?.Version,
        ["displayName"] = r.Manifest?.DisplayName,
        ["publisher"] = r.Manifest?.Publisher,
        ["origin"] = PluginRecord.OriginName(r.Origin),
        ["state"] = PluginRecord.StateName(r.State),
        ["reason"] = r.Reason,
        ["folder"] = r.Folder,
        ["abi"] = r.Manifest is null ? null : new JsonObject { ["min"] = r.Manifest.AbiMin, ["max"] = r.Manifest.AbiMax },
        ["provider"] = r.Provider is null ? null : new JsonObject
        {
            ["id"] = r.Provider.Spec.ProviderId,
            ["displayName"] = r.Provider.Spec.DisplayName,
            ["image"] = r.Provider.Spec.ImageReference,
        },
    };

    internal static string StateMarkup(PluginState state) => state switch
    {
        PluginState.Loaded => "[green]loaded[/]",
        PluginState.Blocked => "[red]blocked[/]",
        PluginState.HashMismatch => "[red]hash-mismatch[/]",
        _ => $"[yellow]{PluginRecord.StateName(state)}[/]",
    };

    /// <summary>Plugin events that could not be audited make the command fail: nothing is silently lost.</summary>
    internal static void ThrowIfAuditFailed(PluginCatalog catalog)
    {
        if (catalog.AuditError is not null)
        {
            throw new PrerequisiteException(catalog.AuditError, "Make the audit folder writable (or set XDG_STATE_HOME); the plugin events of this run were not recorded.");
        }
    }
}

internal sealed class PluginsListCommand : SccCommand
{
    private readonly IPluginCatalog _catalog;

    public PluginsListCommand(CliContext context, IPluginCatalog catalog)
        : base("list", "List every discovered plugin with its state", context)
    {
        _catalog = catalog;
        AddJsonOption();
    }

    protected override string JsonKind => "PluginList";

    protected override Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var catalog = _catalog.Get();
        if (IsJson(parseResult))
        {
            Output.Json("PluginList", new JsonArray([.. catalog.Plugins.Select(p => (JsonNode)PluginsCommand.ToJson(p))]), ok: catalog.AuditError is null, errors: catalog.AuditError is null ? [] : [catalog.AuditError]);
        }
        else
        {
            var table = new Table().Border(TableBorder.Simple);
            table.AddColumns("ID", "VERSION", "PUBLISHER", "ORIGIN", "STATE", "DETAIL");
            foreach (var p in catalog.Plugins)
            {
                table.AddRow(
                    CliOutputEscape(p.Id),
                    CliOutputEscape(p.Manifest?.Version ?? "-"),
                    CliOutputEscape(p.Manifest?.Publisher ?? "-"),
                    PluginRecord.OriginName(p.Origin),
                    PluginsCommand.StateMarkup(p.State),
                    CliOutputEscape(p.Reason ?? p.Manifest?.DisplayName ?? string.Empty));
            }

            Output.Out.Write(table);
            if (catalog.Plugins.Count == 0)
            {
                Output.Line("No plugins found.");
            }
        }

        PluginsCommand.ThrowIfAuditFailed(catalog);
        return Task.FromResult(ExitCodes.Ok);
    }

    private static string CliOutputEscape(string text) => Rendering.CliOutput.Escape(text);
}

internal sealed class PluginsShowCommand : SccCommand
{
    private readonly IPluginCatalog _catalog;
    private readonly Argument<string> _id = new("id") { Description = "Plugin id" };

    public PluginsShowCommand(CliContext context, IPluginCatalog catalog)
        : base("show", "Show one plugin: manifest, state, provider spec", context)
    {
        _catalog = catalog;
        Arguments.Add(_id);
        AddJsonOption();
    }

    protected override string JsonKind => "Plugin";

    protected override Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var id = parseResult.GetValue(_id)!;
        var catalog = _catalog.Get();
        var record = catalog.Find(id) ?? throw new NotFoundException($"No plugin \"{id}\" was found.", "See `scc plugins list`.");
        if (IsJson(parseResult))
        {
            var json = PluginsCommand.ToJson(record);
            if (record.Provider is { } provider)
            {
                var spec = provider.Spec;
                json["spec"] = new JsonObject
                {
                    ["configDirectory"] = spec.ConfigDirectory,
                    ["settingsPath"] = spec.SettingsPath,
                    ["settingsScope"] = spec.SettingsScope.ToString().ToLowerInvariant(),
                    ["dataVolume"] = spec.DataVolumeName,
                    ["dataMountPath"] = spec.DataMountPath,
                    ["requiredEgress"] = new JsonArray([.. spec.RequiredEgressDestinations.Select(d => (JsonNode?)d)]),
                    ["agentArgv"] = new JsonArray([.. spec.AgentArgv.Select(a => (JsonNode?)a)]),
                };
            }

            Output.Json("Plugin", json);
        }
        else
        {
            var grid = new Grid().AddColumn().AddColumn();
            void Row(string k, string? v) => grid.AddRow($"[grey]{k}[/]", Rendering.CliOutput.Escape(v ?? "-"));
            Row("id", record.Id);
            Row("name", record.Manifest?.DisplayName);
            Row("version", record.Manifest?.Version);
            Row("publisher", record.Manifest?.Publisher);
            Row("origin", PluginRecord.OriginName(record.Origin));
            grid.AddRow("[grey]state[/]", PluginsCommand.StateMarkup(record.State));
            Row("reason", record.Reason);
            Row("folder", record.Folder);
            Row("abi", record.Manifest is null ? null : $"{record.Manifest.AbiMin}..{record.Manifest.AbiMax}");
            if (record.Provider is { } p)
            {
                Row("image", p.Spec.ImageReference);
                Row("settings", $"{p.Spec.SettingsPath} ({p.Spec.SettingsScope.ToString().ToLowerInvariant()})");
                Row("data volume", $"{p.Spec.DataVolumeName} -> {p.Spec.DataMountPath}");
                Row("command", string.Join(' ', p.Spec.AgentArgv));
                Row("needs egress", string.Join(", ", p.Spec.RequiredEgressDestinations));
            }

            Output.Out.Write(grid);
        }

        PluginsCommand.ThrowIfAuditFailed(catalog);
        return Task.FromResult(ExitCodes.Ok);
    }
}

internal sealed class PluginsInstallCommand : SccCommand
{
    private readonly PluginInstaller _installer;
    private readonly IPluginCatalog _catalog;
    private readonly Argument<string> _source = new("source") { Description = "A plugin .nupkg or a plugin folder" };
    private readonly Option<bool> _force = new("--force") { Description = "Replace an installed plugin with the same id" };

    public PluginsInstallCommand(CliContext context, PluginInstaller installer, IPluginCatalog catalog)
        : base("install", "Install a plugin into the user plugin folder", context)
    {
        _installer = installer;
        _catalog = catalog;
        Arguments.Add(_source);
        Options.Add(_force);
        AddJsonOption();
    }

    protected override string JsonKind => "PluginInstall";

    protected override Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var result = _installer.Install(parseResult.GetValue(_source)!, parseResult.GetValue(_force));
        var record = _catalog.Get().Find(result.Manifest.Id);
        var state = record is null ? "unknown" : PluginRecord.StateName(record.State);
        if (IsJson(parseResult))
        {
            Output.Json("PluginInstall", new JsonObject
            {
                ["id"] = result.Manifest.Id,
                ["version"] = result.Manifest.Version,
                ["folder"] = result.Folder,
                ["sha256"] = result.Hash,
                ["replaced"] = result.Replaced,
                ["state"] = state,
                ["reason"] = record?.Reason,
            });
        }
        else
        {
            Output.Markup($"Installed [bold]{Rendering.CliOutput.Escape(result.Manifest.Id)}[/] {Rendering.CliOutput.Escape(result.Manifest.Version)} into {Rendering.CliOutput.Escape(result.Folder)}");
            Output.Line($"sha256 (to pin in security.provider_plugins.allow): {result.Hash}");
            Output.Line($"state: {state}{(record?.Reason is { } r ? $" ({r})" : string.Empty)}");
        }

        return Task.FromResult(ExitCodes.Ok);
    }
}

internal sealed class PluginsRemoveCommand : SccCommand
{
    private readonly PluginInstaller _installer;
    private readonly Argument<string> _id = new("id") { Description = "Plugin id" };

    public PluginsRemoveCommand(CliContext context, PluginInstaller installer)
        : base("remove", "Remove a user-installed plugin", context)
    {
        _installer = installer;
        Arguments.Add(_id);
    }

    protected override Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var folder = _installer.Remove(parseResult.GetValue(_id)!);
        Output.Line($"Removed {folder}");
        return Task.FromResult(ExitCodes.Ok);
    }
}

internal sealed class PluginsVerifyCommand : SccCommand
{
    private readonly IPluginCatalog _catalog;
    private readonly Argument<string> _target = new("plugin") { Description = "An installed plugin's id, or a plugin folder" };

    public PluginsVerifyCommand(CliContext context, IPluginCatalog catalog)
        : base("verify", "Print the hash that pins a plugin, and check it against the policy", context)
    {
        _catalog = catalog;
        Arguments.Add(_target);
        AddJsonOption();
    }

    protected override string JsonKind => "PluginVerification";

    protected override Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var target = parseResult.GetValue(_target)!;
        string folder;
        PluginRecord? record = null;
        if (Directory.Exists(target))
        {
            folder = Path.GetFullPath(target);
        }
        else
        {
            record = _catalog.Get().Find(target) ?? throw new NotFoundException($"No plugin \"{target}\" and no folder by that name.", "See `scc plugins list`.");
            folder = record.Folder;
        }

        var hash = PluginHasher.Compute(folder);
        var state = record is null ? null : PluginRecord.StateName(record.State);
        if (IsJson(parseResult))
        {
            Output.Json("PluginVerification", new JsonObject { ["folder"] = folder, ["sha256"] = hash, ["state"] = state, ["reason"] = record?.Reason });
        }
        else
        {
            Output.Line(hash);
            if (record is not null)
            {
                Output.Line($"state: {state}{(record.Reason is { } r ? $" ({r})" : string.Empty)}");
            }
        }

        return Task.FromResult(record is { State: PluginState.HashMismatch } ? ExitCodes.Governance : ExitCodes.Ok);
    }
}
