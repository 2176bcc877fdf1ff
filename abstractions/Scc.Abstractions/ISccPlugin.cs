using Microsoft.Extensions.DependencyInjection;

namespace Scc.Abstractions;

/// <summary>
/// The entry point of a plugin assembly: exactly one public, non-abstract type with a public parameterless
/// constructor implements it. The host calls <see cref="ConfigureServices"/> once, in the plugin's own load
/// context, and resolves every <see cref="IAgentProvider"/> and <see cref="IAgentRunner"/> registered.
/// </summary>
public interface ISccPlugin
{
    /// <summary>Registers the plugin's providers and runners.</summary>
    /// <param name="services">The plugin's service collection.</param>
    void ConfigureServices(IServiceCollection services);
}
