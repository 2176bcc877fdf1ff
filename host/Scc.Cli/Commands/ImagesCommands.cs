using System.CommandLine;
using System.Text.Json.Nodes;
using Scc.Cli.Rendering;
using Scc.Core;
using Scc.Core.Config;
using Scc.Core.Errors;
using Scc.Core.Launch;
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
    private readonly Option<string?> _provider = new("--provider") { Description = "Build only this provider's image (and the base)" };
    private readonly Option<bool> _noCache = new("--no-cache") { Description = "Build every layer again" };
    private readonly Option<string[]> _caCerts = new("--ca-cert") { Description = "Extra CA certificate (PEM) to trust in the images; repeatable", AllowMultipleArgumentsPerToken = true };

    public ImagesBuildCommand(CliContext context, ImageProvisioner images, IPluginCatalog plugins, UserConfigStore userConfig)
        : base("build", "Build (or rebuild) the images, base first", context)
    {
        _images = images;
        _plugins = plugins;
        _userConfig = userConfig;
        Options.Add(_provider);
        Options.Add(_noCache);
        Options.Add(_caCerts);
    }

    protected override async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var certs = (parseResult.GetValue(_caCerts) ?? []).Select(Path.GetFullPath).Concat(_userConfig.Load().Runtime.ExtraCaCertificates).Distinct().ToList();
        var options = new ImageBuildOptions(certs, parseResult.GetValue(_noCache), Force: true);
        var catalog = _plugins.Get();
        var wanted = parseResult.GetValue(_provider);
        var targets = catalog.Loaded.Where(p => wanted is null || string.Equals(p.Id, wanted, StringComparison.OrdinalIgnoreCase)).ToList();
        if (wanted is not null && targets.Count == 0)
        {
            throw new NotFoundException($"There is no loaded provider \"{wanted}\".", "See `scc provider show`.");
        }

        var ui = new LaunchUi(Output, LaunchUi.TerminalAttached);
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
    private readonly IImageStore _images;
    private readonly IPluginCatalog _plugins;

    public ImagesListCommand(CliContext context, IImageStore images, IPluginCatalog plugins)
        : base("list", "List the sandbox images and whether they are built", context)
    {
        _images = images;
        _plugins = plugins;
        AddJsonOption();
    }

    protected override string JsonKind => "ImageList";

    protected override async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var names = new[] { ImageProvisioner.BaseImage }.Concat(_plugins.Get().Providers.Select(p => p.Spec.ImageReference)).Append(ImageProvisioner.ProxyImage).ToList();
        var rows = new List<(string Name, ImageInfo? Info)>();
        foreach (var name in names)
        {
            rows.Add((name, await _images.InspectImageAsync(name, cancellationToken).ConfigureAwait(false)));
        }

        if (IsJson(parseResult))
        {
            Output.Json("ImageList", new JsonArray([.. rows.Select(r => (JsonNode)new JsonObject
            {
                ["image"] = r.Name,
                ["present"] = r.Info is not null,
                ["id"] = r.Info?.Id,
                ["created"] = r.Info?.Created?.ToString("O"),
                ["size"] = r.Info?.Size,
            })]));
            return ExitCodes.Ok;
        }

        var table = new Table().Border(TableBorder.Simple).AddColumns("IMAGE", "STATE", "ID", "SIZE");
        foreach (var (name, info) in rows)
        {
            table.AddRow(CliOutput.Escape(name), info is null ? "[yellow]missing[/]" : "[green]built[/]", CliOutput.Escape(info?.Id is { } id ? id.Replace("sha256:", string.Empty, StringComparison.Ordinal)[..12] : "-"), info is null ? "-" : $"{info.Size / (1024 * 1024)} MiB");
        }

        Output.Out.Write(table);
        return ExitCodes.Ok;
    }
}
