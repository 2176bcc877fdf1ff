using Microsoft.Extensions.DependencyInjection;
using Scc.Abstractions;

namespace Scc.Samples.Gemini;

/// <summary>The plugin's one entry point: registers one provider and one runner.</summary>
public sealed class GeminiPlugin : ISccPlugin
{
    public void ConfigureServices(IServiceCollection services)
    {
        services.AddSingleton<IAgentProvider, GeminiProvider>();
        services.AddSingleton<IAgentRunner, GeminiSettingsRunner>();
    }
}
