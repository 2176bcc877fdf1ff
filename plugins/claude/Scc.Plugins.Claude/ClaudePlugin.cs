using Microsoft.Extensions.DependencyInjection;
using Scc.Abstractions;

namespace Scc.Plugins.Claude;

/// <summary>Entry point of the Claude Code provider plugin.</summary>
public sealed class ClaudePlugin : ISccPlugin
{
    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services)
    {
        services.AddSingleton<IAgentProvider, ClaudeProvider>();
        services.AddSingleton<IAgentRunner, ClaudeSettingsRunner>();
    }
}
