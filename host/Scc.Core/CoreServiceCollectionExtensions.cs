using Microsoft.Extensions.DependencyInjection;
using Scc.Core.Audit;
using Scc.Core.Governance;
using Scc.Core.Paths;
using Scc.Core.Plugins;

namespace Scc.Core;

internal static class CoreServiceCollectionExtensions
{
    /// <summary>Registers the host services. <paramref name="builtInPluginDir"/> overrides the app's own plugin folder (tests).</summary>
    public static IServiceCollection AddSccCore(this IServiceCollection services, IEnvironment environment, string? builtInPluginDir = null)
    {
        services.AddSingleton(environment);
        services.AddSingleton<SccPaths>();
        services.AddSingleton<IAuditLog>(sp => new AuditLog(sp.GetRequiredService<SccPaths>()));
        services.AddSingleton(sp => new PluginDirectories(builtInPluginDir ?? SccPaths.BuiltInPluginDir, sp.GetRequiredService<SccPaths>().UserPluginDir));
        services.AddSingleton<PluginHost>();
        services.AddSingleton<PluginInstaller>();
        services.AddSingleton<IPluginCatalog, LazyPluginCatalog>();
        services.AddSingleton<Config.UserConfigStore>();
        services.AddSccGovernance();
        services.AddSingleton<IProviderDataReaderFactory, UnavailableProviderDataReaderFactory>();
        return services;
    }
}

/// <summary>Loads the plugins once, on first use, so commands that need none (e.g. --version) pay nothing.</summary>
internal interface IPluginCatalog
{
    PluginCatalog Get();

    /// <summary>
    /// Every plugin decided, the code of <paramref name="providerId"/>'s plugin loaded (the others allowed stay
    /// <see cref="PluginState.Approved"/>, unless a full <see cref="Get"/> happened first).
    /// </summary>
    PluginCatalog GetFor(string providerId) => Get();

    /// <summary>A head start for <see cref="GetFor"/>: the plugin's load context is made on another thread meanwhile.</summary>
    void Prepare(string providerId)
    {
    }
}

internal sealed class LazyPluginCatalog(PluginHost host) : IPluginCatalog
{
    private PluginCatalog? _catalog;
    private (string Id, PluginCatalog Catalog)? _partial;

    public PluginCatalog Get() => _catalog ??= host.Load();

    public void Prepare(string providerId)
    {
        if (_catalog is null && _partial is null)
        {
            host.Prepare(providerId);
        }
    }

    public PluginCatalog GetFor(string providerId)
    {
        if (_catalog is not null)
        {
            return _catalog;
        }

        if (_partial is not { } p || !string.Equals(p.Id, providerId, StringComparison.OrdinalIgnoreCase))
        {
            _partial = (providerId, host.Load(only: providerId));
        }

        return _partial.Value.Catalog;
    }
}
