using System.CommandLine;
using System.Text.Json.Nodes;
using Scc.Abstractions;
using Scc.Cli.Rendering;
using Scc.Core;
using Scc.Core.Errors;
using Scc.Core.Governance;
using Scc.Core.Launch;
using Scc.Core.Paths;
using Scc.Core.Plugins;
using Scc.Core.Runtime;
using Scc.Safety;
using Spectre.Console;

namespace Scc.Cli.Commands;

internal enum CheckStatus
{
    Ok,
    Warning,
    Failed,
}

internal sealed record DoctorCheck(string Name, CheckStatus Status, string Detail);

/// <summary>`scc doctor`: every prerequisite of a launch, each with what to do when it is not met.</summary>
internal sealed class DoctorCommand : SccCommand
{
    private const long LowDiskBytes = 5L * 1024 * 1024 * 1024;
    private readonly IEngineInfoProvider _engine;
    private readonly ImageProvisioner _provisioner;
    private readonly IPluginCatalog _plugins;
    private readonly IProviderDataReaderFactory _data;
    private readonly GovernanceService _governance;
    private readonly SccPaths _paths;

    public DoctorCommand(CliContext context, IEngineInfoProvider engine, ImageProvisioner provisioner, IPluginCatalog plugins, IProviderDataReaderFactory data, GovernanceService governance, SccPaths paths)
        : base("doctor", "Check the engine, images, sign-ins, config and safety policy", context)
    {
        _engine = engine;
        _provisioner = provisioner;
        _plugins = plugins;
        _data = data;
        _governance = governance;
        _paths = paths;
        AddJsonOption();
    }

    protected override string JsonKind => "Doctor";

    protected override async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var checks = new List<DoctorCheck>();
        var probe = await _engine.ProbeAsync(cancellationToken).ConfigureAwait(false);
        if (probe is { Reachable: true, Info: { } info })
        {
            checks.Add(new("engine", CheckStatus.Ok, $"{info.Endpoint}: version {info.Version} ({info.Os}/{info.Arch})"));
            checks.Add(new("api version", CheckStatus.Ok, $"{info.ApiVersion} (minimum {info.MinApiVersion})"));
            var major = int.TryParse(info.Version.Split('.')[0], out var m) ? m : 0;
            if (major is > 0 and < 26)
            {
                checks.Add(new("engine dns", CheckStatus.Warning, $"engine {info.Version} is older than 26: on internal networks its embedded DNS forwards external names, so name lookups can leak out of web-egress-enforced sandboxes; upgrade the engine"));
            }

            foreach (var image in await ImagesListCommand.StatusesAsync(_provisioner, _plugins, cancellationToken).ConfigureAwait(false))
            {
                checks.Add(new($"image {image.Image}", image.State is ImageState.Current ? CheckStatus.Ok : CheckStatus.Warning, image.State switch
                {
                    ImageState.Current => "present, built from the context this scc ships",
                    ImageState.Missing => "missing: built on first start, or now with `scc images build`",
                    ImageState.Stale => $"{image.Detail}; rebuilt on the next start, or now with `scc images build`",
                    _ => image.Detail,
                }));
            }
        }
        else
        {
            // No engine: how to get one. Any other refusal (e.g. the socket's permissions) has its own remedy.
            var remedy = probe.FailureKind == RuntimeErrorKind.DaemonNotRunning || probe.FailureAction is null
                ? "Install and start one with scripts/install-docker-engine.sh, or set DOCKER_HOST."
                : probe.FailureAction;
            checks.Add(new("engine", CheckStatus.Failed, $"{probe.FailureMessage} {remedy}"));
        }

        foreach (var provider in _plugins.Get().Providers)
        {
            AuthStatus auth;
            try
            {
                auth = await provider.CheckAuthAsync(_data.For(provider.Spec), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                auth = AuthStatus.Unknown(ex.Message);
            }

            checks.Add(new($"auth {provider.Spec.ProviderId}", auth.State == AuthState.Ready ? CheckStatus.Ok : CheckStatus.Warning, $"{auth.State.ToString().ToLowerInvariant()}: {auth.Detail}"));
        }

        checks.Add(WritableCheck("config dir", _paths.ConfigDir));
        checks.Add(WritableCheck("audit dir", _paths.AuditDir));
        try
        {
            var resolved = await _governance.ResolveAsync(new GovernanceRequest(Environment.CurrentDirectory, Context.OrgConfigOverride, Context.Offline), cancellationToken).ConfigureAwait(false);
            checks.Add(new("org config", CheckStatus.Ok, resolved.Org is null ? "standalone (no org config)" : $"{resolved.Org.Source} valid{(resolved.Org.FromCache ? " (from cache)" : string.Empty)}"));
            var policy = SafetyPolicyLoader.Load(System.Text.Encoding.UTF8.GetBytes(resolved.SafetyPolicy.ToJson()), "derived policy");
            checks.Add(new("safety policy", policy.IsFailClosed ? CheckStatus.Failed : CheckStatus.Ok, policy.IsFailClosed ? policy.LoadError! : $"action {policy.Action.ToString().ToLowerInvariant()}, {policy.Rules.Count(r => !r.Value)} rule(s) disabled"));
        }
        catch (SccException ex)
        {
            checks.Add(new("org config", CheckStatus.Failed, $"{ex.Message} {ex.Action}"));
        }

        var disk = FreeDisk(_paths.StateDir);
        checks.Add(new("free disk", disk < LowDiskBytes ? CheckStatus.Warning : CheckStatus.Ok, $"{disk / (1024 * 1024 * 1024.0):F1} GiB free"));

        var ok = checks.All(c => c.Status != CheckStatus.Failed);
        if (IsJson(parseResult))
        {
            Output.Json("Doctor", new JsonArray([.. checks.Select(c => (JsonNode)new JsonObject { ["check"] = c.Name, ["status"] = c.Status.ToString().ToLowerInvariant(), ["detail"] = c.Detail })]), ok, checks.Where(c => c.Status == CheckStatus.Failed).Select(c => $"{c.Name}: {c.Detail}"));
        }
        else
        {
            var table = new Table().Border(TableBorder.Simple).AddColumns("CHECK", "STATUS", "DETAIL");
            foreach (var c in checks)
            {
                var status = c.Status switch { CheckStatus.Ok => "[green]ok[/]", CheckStatus.Warning => "[yellow]warning[/]", _ => "[red]failed[/]" };
                table.AddRow(CliOutput.Escape(c.Name), status, CliOutput.Escape(c.Detail));
            }

            Output.Out.Write(table);
        }

        return ok ? ExitCodes.Ok : probe.Reachable ? ExitCodes.ConfigOrNetwork : ExitCodes.PrerequisiteMissing;
    }

    private static DoctorCheck WritableCheck(string name, string dir)
    {
        try
        {
            Directory.CreateDirectory(dir);
            var probe = Path.Combine(dir, $".doctor-{Guid.NewGuid():N}");
            File.WriteAllText(probe, "ok");
            File.Delete(probe);
            return new(name, CheckStatus.Ok, $"{dir} writable");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new(name, CheckStatus.Failed, $"{dir} is not writable: {ex.Message}");
        }
    }

    private static long FreeDisk(string path)
    {
        for (var dir = new DirectoryInfo(path); dir is not null; dir = dir.Parent)
        {
            if (dir.Exists)
            {
                return new DriveInfo(dir.FullName).AvailableFreeSpace;
            }
        }

        return long.MaxValue;
    }
}
