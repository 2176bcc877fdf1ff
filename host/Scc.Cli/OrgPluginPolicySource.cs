using Scc.Core.Plugins;

namespace Scc.Cli;

/// <summary>
/// The plugin policy of the org config in force: the file given by <c>--org-config</c>, else the org set up with
/// <c>scc setup</c>, else standalone defaults.
/// </summary>
internal sealed class OrgPluginPolicySource(CliContext context) : IPluginPolicySource
{
    public PluginPolicy GetPolicy()
    {
        var path = context.OrgConfigOverride;
        return path is null ? PluginPolicy.Standalone : PluginPolicy.FromOrgConfigFile(path);
    }
}
