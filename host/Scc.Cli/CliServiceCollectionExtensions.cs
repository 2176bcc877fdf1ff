using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Scc.Cli.Commands;
using Scc.Cli.Rendering;
using Scc.Core.Plugins;

namespace Scc.Cli;

internal static class CliServiceCollectionExtensions
{
    /// <summary>Registers the CLI: output, context, and every command. Add a top-level command with one <c>AddTopLevel</c> line.</summary>
    public static IServiceCollection AddSccCli(this IServiceCollection services, CliOutput output)
    {
        services.AddSingleton(output);
        services.AddSingleton<CliContext>();
        services.AddSingleton<IPluginPolicySource, OrgPluginPolicySource>();

        services.AddTopLevel<PluginsCommand>("plugins", typeof(PluginsListCommand), typeof(PluginsShowCommand), typeof(PluginsInstallCommand), typeof(PluginsRemoveCommand), typeof(PluginsVerifyCommand));
        services.AddTopLevel<ProviderCommand>("provider", typeof(ProviderShowCommand), typeof(ProviderSetCommand));
        services.AddTopLevel<AuditCommand>("audit", typeof(AuditTailCommand), typeof(AuditVerifyCommand));
        services.AddTopLevel<SafetyCommand>("safety", typeof(SafetyCheckCommand), typeof(SafetyRulesCommand));
        services.AddTopLevel<StartCommand>("start");
        services.AddTopLevel<ExecCommand>("exec");
        services.AddTopLevel<ListCommand>("list");
        services.AddTopLevel<SessionsCommand>("sessions");
        services.AddTopLevel<StopCommand>("stop");
        services.AddTopLevel<PruneCommand>("prune");
        services.AddTopLevel<DoctorCommand>("doctor");
        services.AddTopLevel<EgressCommand>("egress", typeof(EgressShowCommand), typeof(EgressTestCommand));
        services.AddTopLevel<ImagesCommand>("images", typeof(ImagesBuildCommand), typeof(ImagesListCommand));
        services.AddTopLevel<SetupCommand>("setup");
        services.AddTopLevel<OrgCommand>("org", typeof(OrgValidateCommand), typeof(OrgImportCommand), typeof(OrgUpdateCommand), typeof(OrgStatusCommand), typeof(OrgSchemaCommand), typeof(OrgInitCommand));
        services.AddTopLevel<TeamCommand>("team", typeof(TeamListCommand), typeof(TeamCurrentCommand), typeof(TeamSwitchCommand), typeof(TeamInfoCommand));
        services.AddTopLevel<ConfigCommand>("config", typeof(ConfigExplainCommand), typeof(ConfigValidateCommand));
        services.AddTopLevel<InitCommand>("init");
        services.AddTopLevel<HelperCommand>("helper", typeof(HelperServeCommand), typeof(HelperStatusCommand), typeof(HelperStopCommand));
        return services;
    }

    /// <summary>
    /// Registers a top-level command (by its name, so an invocation builds only the command it runs) and the
    /// subcommands its constructor takes.
    /// </summary>
    public static IServiceCollection AddTopLevel<TCommand>(this IServiceCollection services, string name, params Type[] subcommands)
        where TCommand : Command
    {
        services.AddSingleton<TCommand>();
        services.AddSingleton<Command>(sp => sp.GetRequiredService<TCommand>());
        services.AddSingleton(new TopLevelCommand(name, typeof(TCommand)));
        foreach (var sub in subcommands)
        {
            services.AddSingleton(sub);
        }

        return services;
    }
}

/// <summary>A top-level command's name and type: the CLI builds only the one an invocation names.</summary>
internal sealed record TopLevelCommand(string Name, Type Type);
