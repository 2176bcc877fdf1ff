using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Scc.Core.Paths;
using Scc.Core.Runtime;

namespace Scc.Runtime.Docker;

internal static class DockerRuntimeServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Docker Engine runtime as <see cref="IContainerRuntime"/> and each of its small interfaces (one
    /// instance, one pinned client). Needs an <see cref="IEnvironment"/> (for <c>DOCKER_HOST</c>); adds the process
    /// environment when none is registered.
    /// </summary>
    public static IServiceCollection AddDockerRuntime(this IServiceCollection services)
    {
        services.TryAddSingleton<IEnvironment>(ProcessEnvironment.Instance);
        services.TryAddSingleton<DockerClientProvider>();
        services.TryAddSingleton<DockerContainerRuntime>();
        services.TryAddSingleton<IContainerRuntime>(sp => sp.GetRequiredService<DockerContainerRuntime>());
        services.TryAddSingleton<IEngineInfoProvider>(sp => sp.GetRequiredService<DockerContainerRuntime>());
        services.TryAddSingleton<IImageStore>(sp => sp.GetRequiredService<DockerContainerRuntime>());
        services.TryAddSingleton<IImageBuilder>(sp => sp.GetRequiredService<DockerContainerRuntime>());
        services.TryAddSingleton<IContainerLifecycle>(sp => sp.GetRequiredService<DockerContainerRuntime>());
        services.TryAddSingleton<IContainerExec>(sp => sp.GetRequiredService<DockerContainerRuntime>());
        services.TryAddSingleton<IVolumeStore>(sp => sp.GetRequiredService<DockerContainerRuntime>());
        services.TryAddSingleton<INetworkStore>(sp => sp.GetRequiredService<DockerContainerRuntime>());
        services.TryAddSingleton<IContainerFiles>(sp => sp.GetRequiredService<DockerContainerRuntime>());
        return services;
    }
}
