namespace Scc.Core.Config;

/// <summary>The project layer: <c>.scc.yaml</c> at the workspace root. Every key is optional.</summary>
internal sealed record ProjectConfig
{
    public const string FileName = ".scc.yaml";

    public IReadOnlyList<string> AdditionalPlugins { get; init; } = [];

    public IReadOnlyList<McpServerSpec> AdditionalMcpServers { get; init; } = [];

    public string? NetworkPolicy { get; init; }

    public SessionConfig? Session { get; init; }

    public EgressConfig? Egress { get; init; }
}
