namespace Scc.Egress.Tests;

/// <summary>The policies the golden configs are compiled from; the Docker test checks each with <c>squid -k parse</c>.</summary>
internal static class Policies
{
    public static IReadOnlyDictionary<string, EgressMergeRequest> Golden { get; } = new Dictionary<string, EgressMergeRequest>
    {
        ["empty.conf"] = new([]),
        ["provider-only.conf"] = new(
        [
            new(EgressSource.Provider("example-agent"), ["api.example-agent.test", "statsig.example-agent.test"]),
        ]),
        ["layered.conf"] = new(
            [
                new(EgressSource.OrgDefaults, ["*.corp.example.com", "@package-registries", "registry.internal.example:5000"]),
                new(EgressSource.Team("web"), ["cdn.example.net", "@package-registries", "[2001:db8::10]", "[2001:db8::443]:8443"]),
                new(EgressSource.Project, ["api.stripe.test", "203.0.113.7", "10.20.1.5:8080", "plain.example.org:80", "tls.example.org:443", "API.Stripe.test"]),
                new(EgressSource.Provider("example-agent"), ["api.example-agent.test"]),
            ],
            new Dictionary<string, IReadOnlyList<string>>
            {
                ["package-registries"] = ["registry.npm.example", "pypi.example", "*.pythonhosted.example"],
            },
            ["10.20.0.0/16"]),
    };

    public static string Compile(string name) => SquidConfigCompiler.Compile(EgressMerger.Merge(Golden[name]).Policy);
}
