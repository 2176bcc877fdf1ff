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

        services.AddTopLevel<PluginsCommand>(typeof(PluginsListCommand), typeof(PluginsShowCommand), typeof(PluginsInstallCommand), typeof(PluginsRemoveCommand), typeof(PluginsVerifyCommand));
        services.AddTopLevel<ProviderCommand>(typeof(ProviderShowCommand), typeof(ProviderSetCommand));
        services.AddTopLevel<AuditCommand>(typeof(AuditTailCommand), typeof(AuditVerifyCommand));
        services.AddTopLevel<SafetyCommand>(typeof(SafetyCheckCommand), typeof(SafetyRulesCommand));
        services.AddTopLevel<StartCommand>();
        services.AddTopLevel<ExecCommand>();
        services.AddTopLevel<ListCommand>();
        services.AddTopLevel<SessionsCommand>();
        services.AddTopLevel<StopCommand>();
        services.AddTopLevel<PruneCommand>();
        services.AddTopLevel<DoctorCommand>();
        services.AddTopLevel<EgressCommand>(typeof(EgressShowCommand), typeof(EgressTestCommand));
        services.AddTopLevel<ImagesCommand>(typeof(ImagesBuildCommand), typeof(ImagesListCommand));
        services.AddTopLevel<SetupCommand>();
        services.AddTopLevel<OrgCommand>(typeof(OrgValidateCommand), typeof(OrgImportCommand), typeof(OrgUpdateCommand), typeof(OrgStatusCommand), typeof(OrgSchemaCommand), typeof(OrgInitCommand));
        services.AddTopLevel<TeamCommand>(typeof(TeamListCommand), typeof(TeamCurrentCommand), typeof(TeamSwitchCommand), typeof(TeamInfoCommand));
        services.AddTopLevel<ConfigCommand>(typeof(ConfigExplainCommand), typeof(ConfigValidateCommand));
        services.AddTopLevel<InitCommand>();
        return services;
    }

    /// <summary>Registers a top-level command and the subcommands its constructor takes.</summary>
    public static IServiceCollection AddTopLevel<TCommand>(this IServiceCollection services, params Type[] subcommands)
        where TCommand : Command
    {
        services.AddSingleton<TCommand>();
        services.AddSingleton<Command>(sp => sp.GetRequiredService<TCommand>());
        foreach (var sub in subcommands)
        {
            services.AddSingleton(sub);
        }

        return services;
    }
}
