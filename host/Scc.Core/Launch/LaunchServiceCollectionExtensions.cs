using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Scc.Core.Plugins;
using Scc.Core.Runtime;

namespace Scc.Core.Launch;

internal static class LaunchServiceCollectionExtensions
{
    /// <summary>The launch pipeline and sessions. Needs a container runtime and an <see cref="IInteractiveTerminal"/>.</summary>
    public static IServiceCollection AddSccLaunch(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(ImageSources.Default);
        services.TryAddSingleton<IWorkspaceOwnerReader, StatWorkspaceOwnerReader>();
        services.AddSingleton<ImageProvisioner>();
        services.AddSingleton<SessionService>();
        services.AddSingleton<EgressTopology>();
        services.AddSingleton<LaunchPipeline>();
        services.Replace(ServiceDescriptor.Singleton<IProviderDataReaderFactory, VolumeDataReaderFactory>());
        return services;
    }
}
