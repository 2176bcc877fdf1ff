using Scc.Core.Config;
using Scc.Core.Governance;
using Scc.Core.Plugins;

namespace Scc.Cli;

/// <summary>
/// The plugin policy of the org config in force: the file given by <c>--org-config</c>, else the org set up with
/// <c>scc setup</c> (fetched or cached like every other use of it), else standalone defaults.
/// </summary>
internal sealed class OrgPluginPolicySource(CliContext context, GovernanceService governance, UserConfigStore users) : IPluginPolicySource
{
    public PluginPolicy GetPolicy()
    {
        var request = new GovernanceRequest(null, context.OrgConfigOverride, context.Offline);
        var org = governance.LoadOrgAsync(users.Load(), request, CancellationToken.None).GetAwaiter().GetResult();
        return org is null ? PluginPolicy.Standalone : PluginPolicy.FromOrg(org.Config, org.Source);
    }
}
