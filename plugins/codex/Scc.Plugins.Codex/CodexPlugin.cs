using Microsoft.Extensions.DependencyInjection;
using Scc.Abstractions;

namespace Scc.Plugins.Codex;

/// <summary>Entry point of the Codex provider plugin.</summary>
public sealed class CodexPlugin : ISccPlugin
{
    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services)
    {
        services.AddSingleton<IAgentProvider, CodexProvider>();
        services.AddSingleton<IAgentRunner, CodexSettingsRunner>();
    }
}
