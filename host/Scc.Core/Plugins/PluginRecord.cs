using Scc.Abstractions;

namespace Scc.Core.Plugins;

internal enum PluginState
{
    Loaded,
    Blocked,
    HashMismatch,
    Incompatible,
    Invalid,
    Failed,

    /// <summary>Allowed by the policy, its code not loaded by this command (it asked for another plugin only).</summary>
    Approved,
}

internal enum PluginOrigin
{
    BuiltIn,
    User,
}

/// <summary>The one state a discovered plugin ends in, with what was loaded when it loaded.</summary>
internal sealed record PluginRecord(
    string Id,
    string Folder,
    PluginOrigin Origin,
    PluginManifest? Manifest,
    PluginState State,
    string? Reason,
    IAgentProvider? Provider = null,
    IAgentRunner? Runner = null)
{
    public static string StateName(PluginState state) => state switch
    {
        PluginState.Loaded => "loaded",
        PluginState.Blocked => "blocked",
        PluginState.HashMismatch => "hash-mismatch",
        PluginState.Incompatible => "incompatible",
        PluginState.Invalid => "invalid",
        PluginState.Approved => "approved",
        _ => "failed",
    };

    public static string OriginName(PluginOrigin origin) => origin == PluginOrigin.BuiltIn ? "built-in" : "user";
}

/// <summary>Where the host looks for plugins: the app's own <c>plugins/</c> folder and the user plugin folder.</summary>
internal sealed record PluginDirectories(string BuiltIn, string User);

/// <summary>All discovered plugins after one load, and the audit events that could not be written.</summary>
internal sealed class PluginCatalog(IReadOnlyList<PluginRecord> plugins, string? auditError)
{
    public IReadOnlyList<PluginRecord> Plugins { get; } = plugins;

    /// <summary>Set when the plugin events could not be appended to the audit log (the command must say so).</summary>
    public string? AuditError { get; } = auditError;

    public IEnumerable<PluginRecord> Loaded => Plugins.Where(p => p.State == PluginState.Loaded);

    public IEnumerable<IAgentProvider> Providers => Loaded.Select(p => p.Provider!);

    public PluginRecord? Find(string id) => Plugins.FirstOrDefault(p => string.Equals(p.Id, id, StringComparison.OrdinalIgnoreCase) && p.Origin == PluginOrigin.BuiltIn)
        ?? Plugins.FirstOrDefault(p => string.Equals(p.Id, id, StringComparison.OrdinalIgnoreCase));

    public (IAgentProvider Provider, IAgentRunner Runner)? FindProvider(string id) =>
        Loaded.FirstOrDefault(p => string.Equals(p.Id, id, StringComparison.OrdinalIgnoreCase)) is { } r ? (r.Provider!, r.Runner!) : null;
}
