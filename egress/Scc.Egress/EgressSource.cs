namespace Scc.Egress;

/// <summary>The kind of configuration layer an egress entry came from.</summary>
public enum EgressLayerKind
{
    /// <summary><c>defaults.egress</c> of the org config.</summary>
    OrgDefaults,

    /// <summary><c>profiles.&lt;team&gt;.egress</c> of the org config (or a federated team profile).</summary>
    Team,

    /// <summary><c>egress</c> in the workspace's <c>.scc.yaml</c>.</summary>
    Project,

    /// <summary>The required API destinations of a provider plugin.</summary>
    Provider,

    /// <summary>The definition of a named destination set.</summary>
    Set,
}

/// <summary>
/// Where an egress entry came from, printed as <c>org-defaults</c>, <c>team:&lt;name&gt;</c>, <c>project</c>,
/// <c>provider:&lt;id&gt;</c> or <c>set:&lt;name&gt;</c> in messages, <c>scc egress show</c> and the compiled config.
/// </summary>
public sealed record EgressSource(EgressLayerKind Kind, string? Name = null)
{
    /// <summary>The org defaults layer.</summary>
    public static EgressSource OrgDefaults { get; } = new(EgressLayerKind.OrgDefaults);

    /// <summary>The project layer.</summary>
    public static EgressSource Project { get; } = new(EgressLayerKind.Project);

    /// <summary>A team profile layer.</summary>
    public static EgressSource Team(string name) => new(EgressLayerKind.Team, name);

    /// <summary>A provider's required destinations.</summary>
    public static EgressSource Provider(string id) => new(EgressLayerKind.Provider, id);

    /// <summary>A named set's definition.</summary>
    public static EgressSource Set(string name) => new(EgressLayerKind.Set, name);

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        EgressLayerKind.OrgDefaults => "org-defaults",
        EgressLayerKind.Project => "project",
        EgressLayerKind.Team => "team:" + Name,
        EgressLayerKind.Provider => "provider:" + Name,
        EgressLayerKind.Set => "set:" + Name,
        _ => Kind.ToString(),
    };
}

/// <summary>An entry that was rejected, with the layer that wrote it and why.</summary>
/// <param name="Entry">The entry as written (may be empty).</param>
/// <param name="Source">The layer that wrote it.</param>
/// <param name="Message">What is wrong and what to write instead.</param>
/// <param name="ViaSet">The named set the entry was reached through, when the layer referenced a set.</param>
public sealed record EgressProblem(string Entry, EgressSource Source, string Message, string? ViaSet = null)
{
    /// <inheritdoc />
    public override string ToString()
    {
        var where = ViaSet is null ? Source.ToString() : $"{Source} (via set:{ViaSet})";
        return $"egress destination '{Entry}' in {where}: {Message}";
    }
}
