using System.Text;
using System.Text.Json.Nodes;
using Scc.Abstractions;
using Scc.Core.Audit;
using Scc.Core.Config;
using Scc.Core.Errors;
using Scc.Core.Governance;
using Scc.Core.Paths;
using Scc.Core.Plugins;
using Scc.Core.Runtime;

namespace Scc.Core.Launch;

/// <summary>
/// The one launch pipeline every entry point uses (DESIGN.md §6): resolve provider → readiness → ensure ready →
/// plan → preflight audit event → create and start → write settings and safety policy → attach. Anything created
/// is removed again when a later step fails or is cancelled.
/// </summary>
internal sealed class LaunchPipeline(
    GovernanceService governance,
    IPluginCatalog plugins,
    UserConfigStore userConfig,
    IContainerRuntime runtime,
    ImageProvisioner images,
    IProviderDataReaderFactory data,
    IWorkspaceOwnerReader owners,
    SessionService sessions,
    EgressTopology egress,
    IInteractiveTerminal terminal,
    IAuditLog audit,
    SccPaths paths,
    IEnvironment environment,
    TimeProvider time)
{

    public async Task<LaunchResult> StartAsync(LaunchRequest request, ILaunchUi ui, CancellationToken cancellationToken)
    {
        var workspace = WorkspacePaths.Require(request.Workspace, request.CurrentDirectory, paths.Home, request.AllowSuspiciousWorkspace);

        // The engine connection (version negotiation, the client's first request) is made while the config and the
        // plugins load: the runtime makes it on the thread pool (begun already when `scc start` connected early). It
        // is the slowest step of a start before anything is created.
        var engineWarm = runtime.GetInfoAsync(cancellationToken);

        // Also meanwhile: the asked provider's plugin load context (no plugin code runs before the policy allows it).
        if (request.Provider is { } asked)
        {
            plugins.Prepare(asked);
        }

        LaunchPlan plan;
        PluginRecord record;
        EngineFacts facts;
        var authChecked = true;
        try
        {
            var resolved = await governance.ResolveAsync(new GovernanceRequest(workspace, request.OrgConfigOverride, request.Offline), cancellationToken).ConfigureAwait(false);
            resolved.Project.GetOrThrow(); // no sandbox without the project's own settings when its file is invalid
            (record, var why) = await ResolveProviderAsync(request, workspace, resolved, ui, cancellationToken).ConfigureAwait(false);
            var provider = record.Provider!;
            var network = CheckNetworkPolicy(resolved.Effective, provider.Spec);
            var identity = SessionIdentity.For(provider.Spec.ProviderId, workspace);

            // Ask the engine what is there (a running session, a crashed one's proxy, the images) while the plan is made.
            var needsProxy = network.Policy == NetworkPolicies.WebEgressEnforced;
            var lookup = LookUpAsync(engineWarm, identity, provider.Spec, record.Folder, needsProxy, checkImages: !request.DryRun, cancellationToken);
            plan = Plan(workspace, record, identity, resolved, network, why, request.Resume);
            facts = await lookup.ConfigureAwait(false);
            var existing = facts.Session;
            if (existing is { Running: true } && !request.Fresh)
            {
                if (request.Resume || (ui.IsInteractive && !ui.ConfirmReplace(identity.ContainerName)))
                {
                    return await ReattachAsync(existing, request, provider, ui, cancellationToken).ConfigureAwait(false);
                }

                if (!ui.IsInteractive)
                {
                    throw new UsageException(
                        $"A {provider.Spec.DisplayName} session is already running for {workspace} ({identity.ContainerName}).",
                        "Add --resume to attach to it, or --fresh to replace it.");
                }
            }

            if (!request.DryRun)
            {
                authChecked = await EnsureReadyAsync(record, request, ui, facts, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (!request.DryRun && ex is SccException or OperationCanceledException)
        {
            TryAudit(AuditEvent.Warning("launch.preflight.failed", workspace, new JsonObject { ["workspace"] = workspace, ["provider"] = request.Provider, ["reason"] = ex.Message }));
            throw;
        }

        if (request.DryRun)
        {
            return new LaunchResult(plan.SessionId, plan.Identity.ContainerName, plan.Provider.ProviderId, false, null, plan);
        }

        // A detached start checks the sign-in while the sandbox starts, through the session's files container; it only warns.
        var auth = await LaunchAsync(plan, facts, ui, authChecked ? null : record.Provider!, cancellationToken).ConfigureAwait(false);
        if (auth is { State: not AuthState.Ready })
        {
            ui.Warn($"{plan.Provider.DisplayName}: {auth.Detail}. The sandbox starts; the agent needs a sign-in before it can work.");
        }

        if (request.Detach)
        {
            return new LaunchResult(plan.SessionId, plan.Identity.ContainerName, plan.Provider.ProviderId, false, null, plan);
        }

        int? exit = null;
        try
        {
            exit = await AttachAsync(plan.Identity.ContainerName, plan.Sandbox.AgentExec, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // scc is the agent's parent: whether it exited or the user pressed Ctrl-C, the session goes with it.
            await sessions.StopAsync(plan.Identity.ContainerName, exit is { } code ? $"the agent exited with code {code}" : "interrupted", CancellationToken.None).ConfigureAwait(false);
        }

        return new LaunchResult(plan.SessionId, plan.Identity.ContainerName, plan.Provider.ProviderId, false, exit, plan);
    }

    /// <summary>The preflight record, then the sandbox; the workspace remembers its provider once it runs.</summary>
    /// <param name="checkAuth">A provider whose sign-in is checked while the sandbox starts (its result is returned).</param>
    private async Task<AuthStatus?> LaunchAsync(LaunchPlan plan, EngineFacts facts, ILaunchUi ui, IAgentProvider? checkAuth, CancellationToken cancellationToken)
    {
        // No launch without its record: a preflight event that cannot be written stops here (AuditWriteException).
        audit.Append([AuditEvent.Info("launch.preflight.passed", plan.SessionId, new JsonObject
        {
            ["session"] = plan.SessionId,
            ["provider"] = plan.Provider.ProviderId,
            ["workspace"] = plan.Workspace,
            ["image"] = plan.Provider.ImageReference,
            ["network_policy"] = plan.NetworkPolicy,
            ["network_policy_source"] = plan.NetworkPolicySource.ToString(),
            ["org"] = plan.Governance.Effective.OrganizationId,
            ["team"] = plan.Governance.Effective.Team,
            ["provider_choice"] = plan.ProviderChoiceReason,
        })]);

        foreach (var problem in plan.Egress?.Problems ?? [])
        {
            ui.Warn(problem.ToString());
        }

        var auth = await CreateAndStartAsync(plan, facts, checkAuth, cancellationToken).ConfigureAwait(false);
        foreach (var warning in plan.Sandbox.Warnings)
        {
            ui.Warn(warning);
        }

        // Written only when it changes: the usual start runs the workspace's last provider again, and a rewrite (a
        // temp file, fsync, rename) would be the last thing between the started sandbox and the command's end.
        if (plan.Governance.User.ProviderFor(plan.Workspace) != plan.Provider.ProviderId)
        {
            userConfig.Update(c => c.WithWorkspaceProvider(plan.Workspace, plan.Provider.ProviderId));
        }

        return auth;
    }

    /// <summary>What the engine has of this session and provider, asked together once the warm-up connection is made.</summary>
    private async Task<EngineFacts> LookUpAsync(Task engineWarm, SessionIdentity identity, ProviderRuntimeSpec spec, string pluginFolder, bool needsProxy, bool checkImages, CancellationToken cancellationToken)
    {
        try
        {
            await engineWarm.ConfigureAwait(false);
        }
        catch (ContainerRuntimeException)
        {
            // The lookups below report it, with the same mapped message.
        }

        var session = runtime.InspectContainerAsync(identity.ContainerName, cancellationToken);
        var proxy = runtime.InspectContainerAsync(identity.ProxyContainerName, cancellationToken);

        // What a start that crashed may have left under this identity's names.
        var files = runtime.InspectContainerAsync(identity.FilesContainerName, cancellationToken);
        var policy = runtime.InspectVolumeAsync(identity.PolicyVolumeName, cancellationToken);
        var network = runtime.InspectNetworkAsync(identity.NetworkName, cancellationToken);

        // The images last: each hashes its build context while the engine answers all of these.
        var agentImage = checkImages ? images.AgentStatusAsync(spec, pluginFolder, cancellationToken) : Task.FromResult<ImageStatus?>(null)!;
        var proxyImage = checkImages && needsProxy ? images.ProxyStatusAsync(cancellationToken) : Task.FromResult<ImageStatus?>(null)!;
        await Task.WhenAll(session, proxy, agentImage, proxyImage, files, policy, network).ConfigureAwait(false);
        return new EngineFacts(session.Result, proxy.Result, agentImage.Result, proxyImage.Result)
        {
            Leftovers = files.Result is not null || policy.Result is not null || network.Result is not null,
        };
    }

    /// <param name="Session">The session's container, if one exists (running or a crashed session's).</param>
    /// <param name="Proxy">The session's egress proxy, if one is left.</param>
    /// <param name="AgentImage">Whether the agent image is there and built from this scc's context (not asked for a dry run).</param>
    /// <param name="ProxyImage">The same for the egress proxy image, when the policy needs it.</param>
    private sealed record EngineFacts(ContainerInfo? Session, ContainerInfo? Proxy, ImageStatus? AgentImage, ImageStatus? ProxyImage)
    {
        /// <summary>A files container, policy volume or network of this identity exists (a crashed start's).</summary>
        public bool Leftovers { get; init; }
    }

    private async Task<LaunchResult> ReattachAsync(ContainerInfo existing, LaunchRequest request, IAgentProvider provider, ILaunchUi ui, CancellationToken cancellationToken)
    {
        var session = existing.Label(SessionLabels.Session) ?? existing.Name;
        ui.Info($"Attaching to the running session {session}.");
        if (request.Detach || request.DryRun)
        {
            return new LaunchResult(session, existing.Name, provider.Spec.ProviderId, true, null, null);
        }

        var launch = provider.BuildLaunchSpec(new AgentLaunchContext(existing.Label(SessionLabels.Workspace) ?? request.Workspace, SandboxPlanBuilder.AgentHome, Resume: true));
        int? exit = null;
        try
        {
            exit = await AttachAsync(existing.Name, new ExecRequest(launch.Argv) { Environment = launch.Environment }, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await sessions.StopAsync(existing.Name, exit is { } code ? $"the agent exited with code {code}" : "interrupted", CancellationToken.None).ConfigureAwait(false);
        }

        return new LaunchResult(session, existing.Name, provider.Spec.ProviderId, true, exit, null);
    }

    private async Task<(PluginRecord Record, string Why)> ResolveProviderAsync(LaunchRequest request, string workspace, GovernanceResult resolved, ILaunchUi ui, CancellationToken cancellationToken)
    {
        var effective = resolved.Effective;
        var policySource = resolved.Org?.Source ?? "the standalone defaults";
        if (request.Provider is { } asked)
        {
            // Only the asked provider's plugin code is loaded: the others' manifests are read, their code is not.
            var catalog = plugins.GetFor(asked);
            var record = catalog.Find(asked) ?? throw new NotFoundException(
                $"There is no provider \"{asked}\".",
                $"Available: {string.Join(", ", catalog.Plugins.Where(p => p.State is PluginState.Loaded or PluginState.Approved).Select(p => p.Id))}. See `scc plugins list`.");
            if (record.State != PluginState.Loaded)
            {
                throw new GovernanceException($"Provider \"{asked}\" cannot be used: its plugin is {PluginRecord.StateName(record.State)} ({record.Reason}).", "See `scc plugins show " + asked + "`.");
            }

            if (!effective.IsProviderAllowed(record.Id))
            {
                throw new GovernanceException($"Provider \"{asked}\" is not allowed by security.allowed_providers of {policySource}.", "Choose an allowed provider, or ask your org admin.");
            }

            return (record, "--provider");
        }

        var all = plugins.Get();
        var allowed = all.Loaded.Where(p => effective.IsProviderAllowed(p.Id)).ToList();
        if (allowed.Count == 0)
        {
            throw new GovernanceException($"No provider may run here: none of the loaded plugins ({string.Join(", ", all.Loaded.Select(p => p.Id))}) is in security.allowed_providers of {policySource}.", "See `scc plugins list` and `scc provider show`.");
        }

        PluginRecord? Pick(string? id) => id is null ? null : allowed.FirstOrDefault(p => string.Equals(p.Id, id, StringComparison.OrdinalIgnoreCase));

        if (request.Resume)
        {
            var running = await sessions.ListAsync(cancellationToken).ConfigureAwait(false);
            if (running.FirstOrDefault(s => s.Workspace == workspace && s.Running) is { } s && Pick(s.Provider) is { } r)
            {
                return (r, "resumed session");
            }
        }

        if (Pick(resolved.User.ProviderFor(workspace)) is { } last)
        {
            return (last, "last used in this workspace");
        }

        if (resolved.User.Provider is { } preferred && preferred != UserConfig.ProviderAsk && Pick(preferred) is { } pref)
        {
            return (pref, "provider preference");
        }

        if (allowed.Count == 1)
        {
            return (allowed[0], "the only available provider");
        }

        var ready = new List<PluginRecord>();
        foreach (var candidate in allowed)
        {
            if (await images.ExistsAsync(candidate.Provider!.Spec.ImageReference, cancellationToken).ConfigureAwait(false)
                && (await CheckAuthAsync(candidate.Provider, cancellationToken).ConfigureAwait(false)).State == AuthState.Ready)
            {
                ready.Add(candidate);
            }
        }

        if (ready.Count == 1)
        {
            return (ready[0], "the only ready provider");
        }

        if (ui.IsInteractive)
        {
            var chosen = ui.ChooseProvider([.. allowed.Select(p => p.Provider!.Spec)]);
            return (allowed.First(p => p.Id == chosen), "chosen at the prompt");
        }

        throw new UsageException(
            $"More than one provider can run here ({string.Join(", ", allowed.Select(p => p.Id))}) and none is chosen.",
            "Pass --provider <id>, or set a preference with `scc provider set <id>`.");
    }

    private static (string Policy, Provenance Source) CheckNetworkPolicy(EffectiveConfig effective, ProviderRuntimeSpec provider)
    {
        var policy = NetworkPolicies.Normalize(effective.NetworkPolicy.Value) ?? NetworkPolicies.Open;
        if (policy == NetworkPolicies.LockedDownWeb && provider.RequiredEgressDestinations.Count > 0)
        {
            throw new GovernanceException(
                $"{provider.DisplayName} needs to reach {string.Join(", ", provider.RequiredEgressDestinations)}, but the network policy is locked-down-web (set by {effective.NetworkPolicy.Source}), which allows no network at all.",
                "Ask your org admin for web-egress-enforced, or use a provider that works offline.");
        }

        return (policy, effective.NetworkPolicy.Source);
    }

    /// <returns>Whether the sign-in is checked yet: not for a detached start, whose check only warns.</returns>
    private async Task<bool> EnsureReadyAsync(PluginRecord record, LaunchRequest request, ILaunchUi ui, EngineFacts facts, CancellationToken cancellationToken)
    {
        var provider = record.Provider!;
        var spec = provider.Spec;
        if (facts.ProxyImage is { NeedsBuild: true } proxy)
        {
            await ui.WithBuildProgressAsync($"Building the egress proxy image {proxy.Image} ({proxy.Detail})", async progress =>
            {
                await images.EnsureProxyAsync(ImageBuildOptions.Default, progress, cancellationToken).ConfigureAwait(false);
                return true;
            }).ConfigureAwait(false);
        }

        // Missing, or stale: built from another build context than this scc ships (an upgrade changed it).
        if (facts.AgentImage is { NeedsBuild: true } agent)
        {
            var options = new ImageBuildOptions(ExtraCaCertificates.For(userConfig.Load(), environment));
            await ui.WithBuildProgressAsync($"Building the {spec.DisplayName} image {spec.ImageReference} ({agent.Detail})", async progress =>
            {
                await images.EnsureAgentAsync(spec, record.Folder, options, progress, cancellationToken).ConfigureAwait(false);
                return true;
            }).ConfigureAwait(false);
        }

        if (request.Detach)
        {
            // A detached sandbox starts either way; the check only decides a warning, and reads through the session's
            // files container while the sandbox starts (LaunchAsync) instead of a reader container of its own.
            return false;
        }

        var auth = await CheckAuthAsync(provider, cancellationToken).ConfigureAwait(false);
        if (auth.State == AuthState.Ready)
        {
            return true;
        }

        if (!ui.IsInteractive || !terminal.Available)
        {
            throw new PrerequisiteException($"{spec.DisplayName} is not signed in: {auth.Detail}.", $"Run `scc start --provider {spec.ProviderId}` on a terminal once to sign in.");
        }

        var result = await provider.BootstrapAuthAsync(new BootstrapHost(terminal, ui, spec), cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new PrerequisiteException(result.Message, $"Run `scc start --provider {spec.ProviderId}` on a terminal to sign in.");
        }

        return true;
    }

    private Task<AuthStatus> CheckAuthAsync(IAgentProvider provider, CancellationToken cancellationToken) =>
        CheckAuthAsync(provider, data.For(provider.Spec), cancellationToken);

    private static async Task<AuthStatus> CheckAuthAsync(IAgentProvider provider, IProviderDataReader reader, CancellationToken cancellationToken)
    {
        try
        {
            return await provider.CheckAuthAsync(reader, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return AuthStatus.Unknown($"the auth check failed: {ex.Message}");
        }
    }

    private LaunchPlan Plan(string workspace, PluginRecord record, SessionIdentity identity, GovernanceResult resolved, (string Policy, Provenance Source) network, string why, bool resume)
    {
        var provider = record.Provider!;
        var sessionId = identity.NewSessionId(time.GetUtcNow());
        var launch = provider.BuildLaunchSpec(new AgentLaunchContext(workspace, SandboxPlanBuilder.AgentHome, resume));
        var egressPlan = network.Policy == NetworkPolicies.WebEgressEnforced ? EgressPlanner.Plan(resolved.Effective, provider.Spec) : null;
        var mode = network.Policy switch
        {
            NetworkPolicies.LockedDownWeb => SandboxNetwork.None,
            NetworkPolicies.WebEgressEnforced => SandboxNetwork.Enforced(identity.NetworkName, EgressTopology.ProxyUrl),
            _ => SandboxNetwork.Open,
        };
        var sandbox = SandboxPlanBuilder.Build(new SandboxRequest(identity, sessionId, provider.Spec, launch, owners.Read(workspace), mode));
        var settings = record.Runner!.Render(SettingsPlanner.Fragment(resolved.Effective, provider.Capabilities));
        if (settings.Scope == SettingsScope.Workspace)
        {
            RefuseToReplaceUserFiles(workspace, settings.RelativePath, provider.Spec.DisplayName);
        }

        return new LaunchPlan(workspace, provider.Spec, identity, sessionId, sandbox, settings, resolved.SafetyPolicy.ToJson(), network.Policy, network.Source, resolved, why)
        {
            Egress = egressPlan,
        };
    }

    /// <summary>
    /// The engine's archive upload replaces whatever is in the way; in the user's workspace that would delete a file
    /// where the provider keeps its settings folder. Refuse before anything is created.
    /// </summary>
    private static void RefuseToReplaceUserFiles(string workspace, string relativePath, string provider)
    {
        var parts = relativePath.Split('/');
        for (var i = 1; i <= parts.Length; i++)
        {
            var path = Path.Combine(workspace, Path.Combine(parts[..i]));
            var mustBeFolder = i < parts.Length;
            var info = new FileInfo(path);
            var isLink = info.Exists ? info.LinkTarget is not null : new DirectoryInfo(path).LinkTarget is not null;
            if (isLink || (mustBeFolder && File.Exists(path)) || (!mustBeFolder && Directory.Exists(path)))
            {
                throw new UsageException(
                    $"{path} is in the way: {provider} keeps its settings at {relativePath} in the workspace, and scc would have to replace it.",
                    "Rename or remove it, then start again.");
            }
        }
    }

    private async Task<AuthStatus?> CreateAndStartAsync(LaunchPlan plan, EngineFacts facts, IAgentProvider? checkAuth, CancellationToken cancellationToken)
    {
        var name = plan.Identity.ContainerName;
        var files = new SessionFiles(runtime);
        var volumes = Task.CompletedTask;
        AuthStatus? auth = null;
        try
        {
            // A crashed session's leftovers go first (usually there are none, and the lookups said so already). The
            // volumes need no call of their own: the containers' creation makes them, labelled (their mounts say how).
            if (facts.Session is not null || facts.Proxy is not null || facts.Leftovers)
            {
                await sessions.RemoveSessionContainersAsync(plan.Identity, [facts.Session, facts.Proxy], cancellationToken).ConfigureAwait(false);
            }

            // The proxy gets ready while the agent's container is created and prepared; the agent starts only after.
            var proxyReady = plan.Egress is { } egressPlan
                ? await egress.SetUpAsync(plan.Identity, plan.SessionId, egressPlan.SquidConfig, plan.Governance.User.Runtime.EgressNetwork, cancellationToken).ConfigureAwait(false)
                : Task.CompletedTask;

            // The policy and the settings go into their volumes while the engine creates and starts the container (the
            // agent's creation is asked first: it is the one the start waits for).
            var create = runtime.CreateContainerAsync(plan.Sandbox.Container, cancellationToken);
            volumes = files.WriteVolumesAsync(
                plan,
                checkAuth is null ? null : async reader => auth = await CheckAuthAsync(checkAuth, reader, cancellationToken).ConfigureAwait(false),
                cancellationToken);
            await create.ConfigureAwait(false);
            if (SessionFiles.ContainerNeedsPreparing(plan))
            {
                await files.PrepareContainerAsync(plan, cancellationToken).ConfigureAwait(false);
            }

            // The container's main process only keeps it up; the agent runs later as an exec. So the engine may start
            // it while it starts the proxy and the files are written: nothing of the agent runs before both are done.
            await runtime.StartContainerAsync(name, cancellationToken).ConfigureAwait(false);
            await volumes.ConfigureAwait(false);
            await proxyReady.ConfigureAwait(false);
            audit.Append([AuditEvent.Info("launch.started", plan.SessionId, new JsonObject
            {
                ["session"] = plan.SessionId,
                ["container"] = name,
                ["provider"] = plan.Provider.ProviderId,
                ["workspace"] = plan.Workspace,
                ["user"] = plan.Sandbox.Container.User,
            })]);
            return auth;
        }
        catch (Exception ex)
        {
            // Ctrl-C, a failed write or an engine error: leave no half-created container, proxy, network or volume.
            // Only this start's (by their session label): another start of the same workspace that raced this one
            // owns the objects of the same names, and its session must survive this failure.
            await Task.WhenAny(volumes).ConfigureAwait(false); // its volumes go only once it is done with them
            await egress.WaitForProxyStartAsync(plan.Identity).ConfigureAwait(false);
            await sessions.RemoveSessionAsync(plan.SessionId, CancellationToken.None).ConfigureAwait(false);
            await sessions.RemoveVolumeIfCreatedByAsync(plan.Provider.DataVolumeName, plan.SessionId, CancellationToken.None).ConfigureAwait(false);
            TryAudit(AuditEvent.Warning("launch.failed", plan.SessionId, new JsonObject { ["session"] = plan.SessionId, ["reason"] = ex.Message }));
            if (ex is SccException or OperationCanceledException)
            {
                throw;
            }

            throw new ToolException($"Starting the sandbox failed: {ex.GetType().Name}: {ex.Message}", "Run `scc doctor`; nothing was left behind.", ex);
        }
    }

    private async Task<int> AttachAsync(string container, ExecRequest exec, CancellationToken cancellationToken)
    {
        if (!terminal.Available)
        {
            throw new PrerequisiteException("Attaching to the agent needs the docker CLI, which is not installed.", "Start with --detach and use `scc exec`, or install the docker CLI.");
        }

        return await terminal.ExecAttachedAsync(container, exec, cancellationToken).ConfigureAwait(false);
    }

    private void TryAudit(AuditEvent e)
    {
        try
        {
            audit.Append([e]);
        }
        catch (AuditWriteException)
        {
            // The failure being reported is the user's error; the unwritable log surfaces on the next write.
        }
    }

    private sealed class BootstrapHost(IInteractiveTerminal terminal, ILaunchUi ui, ProviderRuntimeSpec spec) : IAuthBootstrapHost
    {
        public bool IsInteractive => ui.IsInteractive;

        public Task<int> RunInteractiveAsync(IReadOnlyList<string> argv, CancellationToken cancellationToken) =>
            terminal.RunAttachedAsync(new ContainerSpec(spec.ImageReference, $"scc-signin-{spec.ProviderId}-{Guid.NewGuid():N}"[..40])
            {
                Command = argv,
                Mounts = [MountSpec.Volume(spec.DataVolumeName, spec.DataMountPath)],
                Labels = new Dictionary<string, string> { [SessionLabels.Managed] = SessionLabels.ManagedValue, [SessionLabels.Role] = "sign-in" },
                CapDrop = SandboxPlanBuilder.CapDrop,
                SecurityOptions = SandboxPlanBuilder.SecurityOptions,
            }, cancellationToken);
    }
}
