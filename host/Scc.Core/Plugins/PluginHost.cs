using System.Reflection;
using System.Text.Json.Nodes;
using System.Runtime.Loader;
using McMaster.NETCore.Plugins.Loader;
using Microsoft.Extensions.DependencyInjection;
using Scc.Abstractions;
using Scc.Core.Audit;

namespace Scc.Core.Plugins;

internal interface IPluginPolicySource
{
    PluginPolicy GetPolicy();
}

/// <summary>
/// Discovers plugin folders, decides each by manifest, ABI range and org policy before loading any code, then
/// loads the allowed ones, each into its own load context with <c>Scc.Abstractions</c> and the DI abstractions
/// shared. Every plugin ends in one <see cref="PluginState"/>; nothing a plugin does stops the others.
/// </summary>
internal sealed class PluginHost(PluginDirectories directories, IPluginPolicySource policySource, IAuditLog audit)
{
    private static readonly Type[] SharedTypes = [typeof(ISccPlugin), typeof(IServiceCollection)];

    // Load contexts made ahead (see Prepare), by entry assembly path; a plugin the policy refuses never uses its own.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<AssemblyLoadContext>> _loaders = new(StringComparer.Ordinal);

    /// <summary>
    /// Builds, on another thread, the load context of <paramref name="providerId"/>'s plugin (the one <see cref="Load(string?)"/>
    /// would pick: built-in first), while the caller resolves the config that the policy needs. Making a load context
    /// reads the plugin's manifest and deps.json; none of the plugin's code is loaded or run, and the policy still
    /// decides in <see cref="Load(string?)"/> whether it ever is. A no-op when nothing matches.
    /// </summary>
    public void Prepare(string providerId) => new Thread(() => PrepareNow(providerId)) { IsBackground = true, Name = "scc plugin prepare" }.Start();

    // Its own thread, not the pool's: the pool's few threads are busy with the engine connection then.
    private void PrepareNow(string providerId)
    {
        try
        {
            foreach (var (folder, _) in Discover())
            {
                if (string.Equals(Path.GetFileName(folder), providerId, StringComparison.OrdinalIgnoreCase)
                    && PluginManifestReader.Read(folder) is { } manifest
                    && string.Equals(manifest.Id, providerId, StringComparison.OrdinalIgnoreCase)
                    && File.Exists(Path.Combine(folder, manifest.EntryAssembly)))
                {
                    _ = LoaderFor(Path.Combine(folder, manifest.EntryAssembly));
                    return;
                }
            }
        }
        catch (Exception)
        {
            // Whatever went wrong, only the head start is lost (and nothing may escape this thread): Load reads the
            // manifests again and reports a loader that failed, which LoaderFor keeps, like its own.
        }
    }

    public PluginCatalog Load() => Load(only: null);

    /// <summary>
    /// Decides every plugin from its manifest and the policy, like <see cref="Load()"/>, but loads the code of the
    /// plugin <paramref name="only"/> names alone (a start with --provider needs no other provider's code). The others
    /// that the policy allows stay <see cref="PluginState.Approved"/>; refusals are the same as a full load's.
    /// </summary>
    public PluginCatalog Load(string? only)
    {
        var policy = policySource.GetPolicy();
        var records = new List<PluginRecord>();
        var seen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (folder, origin) in Discover())
        {
            records.Add(Decide(folder, origin, policy, seen));
        }

        // The same precedence as PluginCatalog.Find: a built-in plugin before a user plugin of that id.
        var chosen = only is null ? null
            : records.FirstOrDefault(r => r.State == PluginState.Loaded && r.Origin == PluginOrigin.BuiltIn && string.Equals(r.Id, only, StringComparison.OrdinalIgnoreCase))
              ?? records.FirstOrDefault(r => r.State == PluginState.Loaded && string.Equals(r.Id, only, StringComparison.OrdinalIgnoreCase));
        for (var i = 0; i < records.Count; i++)
        {
            if (records[i].State == PluginState.Loaded)
            {
                records[i] = only is null || ReferenceEquals(records[i], chosen) ? LoadCode(records[i]) : records[i] with { State = PluginState.Approved };
            }
        }

        string? auditError = null;
        try
        {
            // A start (only: one provider's code) records its preflight right after, which waits for these events and
            // fails if they could not be written: they are written meanwhile. A listing reports the failure itself.
            IReadOnlyList<AuditEvent> events = [.. records.Where(r => r.State != PluginState.Approved).Select(ToEvent)];
            if (only is null)
            {
                audit.Append(events);
            }
            else
            {
                audit.AppendSoon(events);
            }
        }
        catch (AuditWriteException ex)
        {
            auditError = ex.Message;
        }

        return new PluginCatalog(records, auditError);
    }

    /// <summary>Decides a folder by manifest and policy without loading code (used by install and verify).</summary>
    public static PluginRecord Inspect(string folder, PluginOrigin origin, PluginPolicy policy)
    {
        var id = Path.GetFileName(Path.TrimEndingDirectorySeparator(folder));
        PluginManifest manifest;
        try
        {
            manifest = PluginManifestReader.Read(folder);
        }
        catch (ManifestException ex)
        {
            return new PluginRecord(id, folder, origin, null, PluginState.Invalid, ex.Message);
        }

        return Decide(folder, origin, policy, manifest, id) ?? new PluginRecord(manifest.Id, folder, origin, manifest, PluginState.Loaded, null);
    }

    private IEnumerable<(string Folder, PluginOrigin Origin)> Discover()
    {
        foreach (var (root, origin) in new[] { (directories.BuiltIn, PluginOrigin.BuiltIn), (directories.User, PluginOrigin.User) })
        {
            if (!Directory.Exists(root))
            {
                continue;
            }

            foreach (var dir in Directory.EnumerateDirectories(root).Where(d => !Path.GetFileName(d).StartsWith('.')).Order(StringComparer.Ordinal))
            {
                yield return (dir, origin);
            }
        }
    }

    /// <summary>The record by manifest and policy; <see cref="PluginState.Loaded"/> here means allowed, code not loaded yet.</summary>
    private static PluginRecord Decide(string folder, PluginOrigin origin, PluginPolicy policy, Dictionary<string, string> seen)
    {
        var inspected = Inspect(folder, origin, policy);
        if (inspected.Manifest is { } m && seen.TryGetValue(m.Id, out var first))
        {
            return inspected with { State = PluginState.Invalid, Reason = $"another plugin with id \"{m.Id}\" is already installed at {first}; remove one of them" };
        }

        if (inspected.Manifest is not null)
        {
            seen[inspected.Manifest.Id] = folder;
        }

        return inspected;
    }

    private static PluginRecord? Decide(string folder, PluginOrigin origin, PluginPolicy policy, PluginManifest manifest, string folderName)
    {
        if (!string.Equals(manifest.Id, folderName, StringComparison.Ordinal))
        {
            return new PluginRecord(folderName, folder, origin, manifest, PluginState.Invalid, $"the manifest id \"{manifest.Id}\" differs from the folder name \"{folderName}\"");
        }

        if (!manifest.SupportsAbi(AbiVersion.Current))
        {
            return new PluginRecord(manifest.Id, folder, origin, manifest, PluginState.Incompatible, $"built for ABI {manifest.AbiMin}..{manifest.AbiMax}, this scc provides ABI {AbiVersion.Current}; install a version of the plugin built for ABI {AbiVersion.Current}");
        }

        PolicyDecision decision;
        try
        {
            decision = policy.Decide(manifest, origin == PluginOrigin.BuiltIn, () => PluginHasher.Compute(folder));
        }
        catch (IOException ex)
        {
            return new PluginRecord(manifest.Id, folder, origin, manifest, PluginState.HashMismatch, $"the folder cannot be hashed: {ex.Message}");
        }

        return decision.Outcome switch
        {
            PolicyOutcome.Blocked => new PluginRecord(manifest.Id, folder, origin, manifest, PluginState.Blocked, decision.Reason),
            PolicyOutcome.HashMismatch => new PluginRecord(manifest.Id, folder, origin, manifest, PluginState.HashMismatch, decision.Reason),
            _ => File.Exists(Path.Combine(folder, manifest.EntryAssembly))
                ? null
                : new PluginRecord(manifest.Id, folder, origin, manifest, PluginState.Invalid, $"the entry assembly {manifest.EntryAssembly} named by the manifest is missing"),
        };
    }

    /// <summary>The load context for an entry assembly: the one Prepare made (waiting for it if it is being made), or a new one.</summary>
    private AssemblyLoadContext LoaderFor(string entryAssembly) =>
        _loaders.GetOrAdd(entryAssembly, path => new Lazy<AssemblyLoadContext>(() => NewLoadContext(path))).Value;

    /// <summary>
    /// The plugin's own load context, as McMaster's <c>PluginLoader</c> makes it (its folder's deps.json resolves the
    /// plugin's dependencies; the shared assemblies come from the host's context; not unloadable), without reading
    /// runtimeconfig files: PluginLoader reads the plugin's and the host's with reflection-based JSON (~20 ms of CPU in
    /// every start) only for <c>additionalProbingPaths</c>, which a published plugin never has.
    /// </summary>
    private static AssemblyLoadContext NewLoadContext(string entryAssembly)
    {
        var builder = new AssemblyLoadContextBuilder()
            .SetMainAssemblyPath(entryAssembly)
            .SetDefaultContext(AssemblyLoadContext.Default);
        foreach (var shared in SharedTypes.Select(t => t.Assembly).Distinct())
        {
            builder.PreferDefaultLoadContextAssembly(shared.GetName());
        }

        return builder.Build();
    }

    private PluginRecord LoadCode(PluginRecord record)
    {
        var manifest = record.Manifest!;
        try
        {
            var entryAssembly = Path.Combine(record.Folder, manifest.EntryAssembly);
            var assembly = LoaderFor(entryAssembly).LoadFromAssemblyPath(entryAssembly);
            var entryTypes = assembly.GetExportedTypes()
                .Where(t => typeof(ISccPlugin).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
                .ToList();
            if (entryTypes.Count != 1)
            {
                return Fail(record, entryTypes.Count == 0
                    ? $"no public type in {manifest.EntryAssembly} implements ISccPlugin"
                    : $"{entryTypes.Count} types in {manifest.EntryAssembly} implement ISccPlugin; exactly one must");
            }

            var entry = (ISccPlugin)Activator.CreateInstance(entryTypes[0])!;
            var services = new ServiceCollection();
            entry.ConfigureServices(services);
            var provider = services.BuildServiceProvider();
            var providers = provider.GetServices<IAgentProvider>().ToList();
            var runners = provider.GetServices<IAgentRunner>().ToList();
            if (providers.Count != 1 || runners.Count != 1)
            {
                return Fail(record, $"registers {providers.Count} providers and {runners.Count} runners; ABI {AbiVersion.Current} needs exactly one of each");
            }

            var spec = providers[0].Spec;
            if (!string.Equals(spec.ProviderId, manifest.Id, StringComparison.Ordinal) || !string.Equals(runners[0].ProviderId, manifest.Id, StringComparison.Ordinal))
            {
                return Fail(record, $"the provider id \"{spec.ProviderId}\" and runner id \"{runners[0].ProviderId}\" must equal the plugin id \"{manifest.Id}\"");
            }

            return record with { State = PluginState.Loaded, Reason = null, Provider = providers[0], Runner = runners[0] };
        }
        catch (Exception ex)
        {
            var inner = ex is TargetInvocationException { InnerException: { } ie } ? ie : ex;
            return Fail(record, $"{inner.GetType().Name}: {inner.Message}");
        }
    }

    private static PluginRecord Fail(PluginRecord record, string reason) => record with { State = PluginState.Failed, Reason = reason };

    private static AuditEvent ToEvent(PluginRecord r)
    {
        var data = new JsonObject
        {
            ["id"] = r.Id,
            ["origin"] = PluginRecord.OriginName(r.Origin),
            ["folder"] = r.Folder,
            ["version"] = r.Manifest?.Version,
            ["publisher"] = r.Manifest?.Publisher,
        };
        if (r.State == PluginState.Loaded)
        {
            return AuditEvent.Info("plugin.loaded", r.Id, data);
        }

        data["state"] = PluginRecord.StateName(r.State);
        data["reason"] = r.Reason;
        return AuditEvent.Warning("plugin.refused", r.Id, data);
    }
}
