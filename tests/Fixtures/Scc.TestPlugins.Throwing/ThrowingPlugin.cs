using Microsoft.Extensions.DependencyInjection;
using Scc.Abstractions;

namespace Scc.TestPlugins.Throwing;

public sealed class ThrowingPlugin : ISccPlugin
{
    public ThrowingPlugin() => throw new InvalidOperationException("boom from the plugin constructor");

    public void ConfigureServices(IServiceCollection services)
    {
    }
}
