using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Scc.Core.Config;

namespace Scc.Core.Governance;

internal static class GovernanceServiceCollectionExtensions
{
    /// <summary>Config loading, org/team fetching and the governance service. Tests replace the HttpClient or TimeProvider.</summary>
    public static IServiceCollection AddSccGovernance(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<UserConfigStore>();
        services.AddSingleton(_ => new HttpConfigFetcher(static () => new HttpClient(new SocketsHttpHandler { AutomaticDecompression = System.Net.DecompressionMethods.All }) { Timeout = Timeout.InfiniteTimeSpan }));
        services.AddSingleton<SourceAuth>();
        services.AddSingleton<OrgConfigProvider>();
        services.AddSingleton<TeamProfileResolver>();
        services.AddSingleton<GovernanceService>();
        return services;
    }
}
