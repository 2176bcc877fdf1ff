using Scc.Core.Config;
using Scc.Core.Paths;

namespace Scc.Core.Launch;

/// <summary>
/// The extra CA certificates the images trust (docs/images.md): `--ca-cert` files, the user config's
/// <c>runtime.extra_ca_certificates</c>, and <see cref="Variable"/> (paths separated by ':'), through which CI and
/// the checkout's <c>scripts/scc</c> hand in the machine's own CA bundle (DESIGN.md §10).
/// </summary>
internal static class ExtraCaCertificates
{
    public const string Variable = "SCC_EXTRA_CA_CERTS";

    public static IReadOnlyList<string> For(UserConfig user, IEnvironment environment, IEnumerable<string>? given = null) =>
    [
        .. (given ?? [])
            .Concat(user.Runtime.ExtraCaCertificates)
            .Concat((environment.Get(Variable) ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Select(Path.GetFullPath)
            .Distinct(StringComparer.Ordinal),
    ];
}
