using System.CommandLine;
using System.Text.Json.Nodes;
using Scc.Cli.Rendering;
using Scc.Core;
using Scc.Core.Config;
using Scc.Core.Errors;
using Scc.Core.Launch;
using Scc.Core.Paths;
using Scc.Core.Runtime;
using Spectre.Console;

namespace Scc.Cli.Commands;

internal sealed class ImagesCommand : Command
{
    public ImagesCommand(ImagesBuildCommand build, ImagesListCommand list)
        : base("images", "The sandbox images: scc-base, one per provider, and the egress proxy")
    {
        Subcommands.Add(build);
        Subcommands.Add(list);
    }
}

internal sealed class ImagesBuildCommand : SccCommand
{
    private readonly ImageProvisioner _images;
    private readonly IPluginCatalog _plugins;
    private readonly UserConfigStore _userConfig;
    private readonly IEnvironment _environment;
    private readonly Option<string?> _provider = new("--provider") { Description = "Build only this provider's image (and the base)" };
    private readonly Option<bool> _noCache = new("--no-cache") { Description = "Build every layer again" };
    private readonly Option<string[]> _caCerts = new("--ca-cert") { Description = "Extra CA certificate (PEM) to trust in the images; repeatable", AllowMultipleArgumentsPerToken = true };

    public ImagesBuildCommand(CliContext context, ImageProvisioner images, IPluginCatalog plugins, UserConfigStore userConfig, IEnvironment environment)
        : base("build", "Build (or rebuild) the images, base first", context)
    {
        _images = images;
        _plugins = plugins;
        _userConfig = userConfig;
        _environment = environment;
        Options.Add(_provider);
        Options.Add(_noCache);
        Options.Add(_caCerts);
    }

    protected override async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var certs = ExtraCaCertificates.For(_userConfig.Load(), _environment, parseResult.GetValue(_caCerts));
        var options = new ImageBuildOptions(certs, parseResult.GetValue(_noCache), Force: true);
        var catalog = _plugins.Get();
        var wanted = parseResult.GetValue(_provider);
        var targets = catalog.Loaded.Where(p => wanted is null || string.Equals(p.Id, wanted, StringComparison.OrdinalIgnoreCase)).ToList();
        if (wanted is not null && targets.Count == 0)
        {
            throw new NotFoundException($"There is no loaded provider \"{wanted}\".", "See `scc provider show`.");
        }

        var ui = new LaunchUi(Output, Output.TerminalAttached);
        await ui.WithBuildProgressAsync($"Building {ImageProvisioner.BaseImage}", async p => { await _images.BuildBaseAsync(options, p, cancellationToken).ConfigureAwait(false); return true; }).ConfigureAwait(false);
        foreach (var plugin in targets)
        {
            var spec = plugin.Provider!.Spec;
            await ui.WithBuildProgressAsync($"Building {spec.ImageReference}", async p => { await _images.EnsureAgentAsync(spec, plugin.Folder, options, p, cancellationToken).ConfigureAwait(false); return true; }).ConfigureAwait(false);
        }

        if (wanted is null)
        {
            await ui.WithBuildProgressAsync($"Building {ImageProvisioner.ProxyImage}", async p => { await _images.EnsureProxyAsync(options, p, cancellationToken).ConfigureAwait(false); return true; }).ConfigureAwait(false);
        }

        Output.Line("Images built.");
        return ExitCodes.Ok;
    }
}

internal sealed class ImagesListCommand : SccCommand
{
    private readonly ImageProvisioner _images;
    private readonly IPluginCatalog _plugins;

    public ImagesListCommand(CliContext context, ImageProvisioner images, IPluginCatalog plugins)
        : base("list", "List the sandbox images: built from this scc's build contexts, stale, or missing", context)
    {
        _images = images;
        _plugins = plugins;
        AddJsonOption();
    }

    protected override string JsonKind => "ImageList";

    /// <summary>Base, each loaded provider's agent image, then the proxy: whether each matches what this scc ships.</summary>
    public static async Task<IReadOnlyList<ImageStatus>> StatusesAsync(ImageProvisioner images, IPluginCatalog plugins, CancellationToken cancellationToken)
    {
        var statuses = new List<ImageStatus> { await images.BaseStatusAsync(cancellationToken).ConfigureAwait(false) };
        foreach (var plugin in plugins.Get().Loaded.Where(p => p.Provider is not null))
        {
            statuses.Add(await images.AgentStatusAsync(plugin.Provider!.Spec, plugin.Folder, cancellationToken).ConfigureAwait(false));
        }

        statuses.Add(await images.ProxyStatusAsync(cancellationToken).ConfigureAwait(false));
        return statuses;
    }

    protected override async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var rows = new List<(ImageStatus Status, ImageInfo? Info)>();
        foreach (var status in await StatusesAsync(_images, _plugins, cancellationToken).ConfigureAwait(false))
        {
            rows.Add((status, status.State == ImageState.Missing ? null : await _images.InspectAsync(status.Image, cancellationToken).ConfigureAwait(false)));
        }

        if (IsJson(parseResult))
        {
            Output.Json("ImageList", new JsonArray([.. rows.Select(r => (JsonNode)new JsonObject
            {
                ["image"] = r.Status.Image,
                ["present"] = r.Info is not null,
                ["state"] = r.Status.State.ToString().ToLowerInvariant(),
                ["detail"] = r.Status.Detail,
                ["id"] = r.Info?.Id,
                ["created"] = r.Info?.Created?.ToString("O"),
                ["size"] = r.Info?.Size,
            })]));
            return ExitCodes.Ok;
        }

        var table = new Table().Border(TableBorder.Simple).AddColumns("IMAGE", "STATE", "ID", "SIZE");
        foreach (var (status, info) in rows)
        {
            var state = status.State switch
            {
                ImageState.Current => "[green]built[/]",
                ImageState.Stale => "[yellow]stale[/]",
                ImageState.Unverified => "[yellow]unverified[/]",
                _ => "[yellow]missing[/]",
            };
            table.AddRow(CliOutput.Escape(status.Image), state, CliOutput.Escape(info?.Id is { } id ? id.Replace("sha256:", string.Empty, StringComparison.Ordinal)[..12] : "-"), info is null ? "-" : $"{info.Size / (1024 * 1024)} MiB");
        }

        Output.Out.Write(table);
        if (rows.Any(r => r.Status.State is ImageState.Stale or ImageState.Unverified))
        {
            Output.Line("stale: built from another build context than this scc ships (rebuilt on the next start); unverified: built without a context hash. `scc images build` rebuilds them.");
        }

        return ExitCodes.Ok;
    }
}
