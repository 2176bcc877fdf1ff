using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Scc.Abstractions;
using Scc.Core.Launch;
using Scc.Core.Runtime;
using Scc.Integration.Tests.Launch;
using Scc.Testing;

namespace Scc.Integration.Tests.Runtime;

/// <summary>
/// The image provisioner on the real engine with small throw-away build contexts under test tags (never the real
/// scc images): stale images are rebuilt, and Ctrl-C during a build leaves no build container and no tagged image.
/// </summary>
[Collection("sandbox")]
public sealed class ImageProvisionerTests : IAsyncLifetime, IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly DockerTestEngine _engine = new();
    private readonly TestEnvironment _env = new();
    private ImageSources _sources = null!;
    private ProviderRuntimeSpec _spec = null!;
    private string _plugin = null!;

    public Task InitializeAsync() => _engine.InitializeAsync();

    public Task DisposeAsync() => _engine.DisposeAsync();

    public void Dispose() => _env.Dispose();

    private void WriteContexts(string proxyDockerfile)
    {
        var run = _engine.RunId;
        var images = _env.Dir("images");
        Write("images/scc-base/Dockerfile", $"""
            FROM {DockerTestEngine.BaseImage}
            ARG SCC_CA_FINGERPRINT=none
            LABEL scc.test={run}
            COPY scc-safety-eval /usr/local/bin/scc-safety-eval
            RUN echo base-v1 > /base-version
            """);
        Write("images/scc-base/scc-safety-eval", "#!/bin/sh\n");
        Write("images/scc-egress-proxy/Dockerfile", proxyDockerfile);
        Write("plugin/image/Dockerfile", $"""
            ARG BASE
            FROM ${"{"}BASE{"}"}
            LABEL scc.test={run}
            RUN echo agent-v1 > /agent-version
            """);
        _sources = new ImageSources(images, BaseTag: $"scc-test-base:{run}", ProxyTag: $"scc-test-proxy:{run}");
        _plugin = Path.Combine(_env.Root, "plugin");
        _spec = new ProviderRuntimeSpec("fresh", "Fresh", $"scc-test-agent:{run}", ".fresh", "settings.json", SettingsScope.Home, "unused", "/home/agent/.fresh", [], "image", ["true"], ["true"]);
    }

    private void Write(string relative, string content)
    {
        var path = Path.Combine(_env.Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    private ImageProvisioner NewProvisioner() => new(_engine.Runtime, _engine.Runtime, _sources);

    private async Task<string> ImageIdAsync(string tag) => (await _engine.Runtime.InspectImageAsync(tag, None))!.Id;

    private async Task<string> CatAsync(string image, string file)
    {
        var id = await _engine.StartIdleContainerAsync(s => s with { Image = image });
        return (await _engine.Runtime.ExecAsync(id, new ExecRequest(["cat", file]), None)).StandardOutput.Trim();
    }

    [SkippableFact]
    public async Task EnsureAgent_ContextsChange_StaleImagesRebuiltAndShownStale()
    {
        _engine.RequireEngine();
        WriteContexts($"FROM {DockerTestEngine.BaseImage}\nLABEL scc.test={_engine.RunId}\n");

        await NewProvisioner().EnsureAgentAsync(_spec, _plugin, ImageBuildOptions.Default, null, None);
        var provisioner = NewProvisioner();
        (await provisioner.BaseStatusAsync(None)).State.ShouldBe(ImageState.Current);
        (await provisioner.AgentStatusAsync(_spec, _plugin, None)).State.ShouldBe(ImageState.Current);
        var baseId = await ImageIdAsync(_sources.BaseTag);
        var agentId = await ImageIdAsync(_spec.ImageReference);

        // Unchanged contexts: nothing is built again.
        var steps = new List<ImageBuildEvent>();
        await provisioner.EnsureAgentAsync(_spec, _plugin, ImageBuildOptions.Default, new Collect(steps), None);
        steps.ShouldBeEmpty();

        // An upgraded plugin: only its agent image is stale and rebuilt.
        Write("plugin/image/Dockerfile", File.ReadAllText(Path.Combine(_plugin, "image", "Dockerfile")).Replace("agent-v1", "agent-v2", StringComparison.Ordinal));
        provisioner = NewProvisioner();
        (await provisioner.AgentStatusAsync(_spec, _plugin, None)).State.ShouldBe(ImageState.Stale);
        await provisioner.EnsureAgentAsync(_spec, _plugin, ImageBuildOptions.Default, null, None);
        (await ImageIdAsync(_sources.BaseTag)).ShouldBe(baseId);
        (await ImageIdAsync(_spec.ImageReference)).ShouldNotBe(agentId);
        (await CatAsync(_spec.ImageReference, "/agent-version")).ShouldBe("agent-v2");

        // An upgraded scc (a new base context): the base and the agent on it are stale; the CLI shows it.
        Write("images/scc-base/Dockerfile", File.ReadAllText(Path.Combine(_env.Root, "images", "scc-base", "Dockerfile")).Replace("base-v1", "base-v2", StringComparison.Ordinal));
        provisioner = NewProvisioner();
        (await provisioner.BaseStatusAsync(None)).State.ShouldBe(ImageState.Stale);
        (await provisioner.AgentStatusAsync(_spec, _plugin, None)).State.ShouldBe(ImageState.Stale);
        await using (var scc = new InProcessScc(_env, _engine.Runtime, s => s.Replace(ServiceDescriptor.Singleton(_sources))))
        {
            (await scc.RunAsync("images", "list", "--json")).ShouldBe(0, scc.Err);
            var listed = JsonNode.Parse(scc.Out)!["data"]!.AsArray();
            listed.ShouldContain(i => i!["image"]!.GetValue<string>() == _sources.BaseTag && i["state"]!.GetValue<string>() == "stale");
            (await scc.RunAsync("doctor", "--json")).ShouldBeOneOf(0, 3);
            scc.Out.ShouldContain($"image {_sources.BaseTag}");
        }

        await provisioner.EnsureAgentAsync(_spec, _plugin, ImageBuildOptions.Default, null, None);
        (await ImageIdAsync(_sources.BaseTag)).ShouldNotBe(baseId);
        (await CatAsync(_spec.ImageReference, "/base-version")).ShouldBe("base-v2");
        (await NewProvisioner().AgentStatusAsync(_spec, _plugin, None)).State.ShouldBe(ImageState.Current);
    }

    /// <summary>
    /// Ctrl-C during a build: the token is cancelled while a slow RUN step runs. The build ends with a cancellation
    /// (what the CLI turns into exit 130), soon; the engine removes the step's container; no image gets the tag.
    /// </summary>
    [SkippableFact]
    public async Task EnsureProxy_CancelledDuringSlowStep_NoBuildContainerNoTaggedImage()
    {
        _engine.RequireEngine();
        var marker = $"scc-test-slow-{_engine.RunId}";
        WriteContexts($"FROM {DockerTestEngine.BaseImage}\nLABEL scc.test={_engine.RunId}\nRUN echo {marker} && sleep 300\nRUN echo never\n");
        using var cts = new CancellationTokenSource();
        var progress = new Collect([], e =>
        {
            if (e.Kind == ImageBuildEventKind.Output && e.Text.Contains(marker, StringComparison.Ordinal))
            {
                cts.CancelAfter(TimeSpan.FromSeconds(1)); // the step's container is running now
            }
        });
        var watch = Stopwatch.StartNew();

        await Should.ThrowAsync<OperationCanceledException>(() => NewProvisioner().EnsureProxyAsync(ImageBuildOptions.Default, progress, cts.Token));

        watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(60));
        cts.IsCancellationRequested.ShouldBeTrue("the slow step was reached");
        (await _engine.Runtime.InspectImageAsync(_sources.ProxyTag, None)).ShouldBeNull();
        ProcessResult left = null!;
        for (var i = 0; i < 100; i++)
        {
            left = await SccProcess.ShellAsync($"docker ps -a --no-trunc --format '{{{{.ID}}}} {{{{.Command}}}}' | grep -F '{marker}' || true");
            if (left.Out.Trim().Length == 0)
            {
                break;
            }

            await Task.Delay(200);
        }

        left.Out.Trim().ShouldBeEmpty($"the build's container is still there: {left}");
    }

    private sealed class Collect(List<ImageBuildEvent> events, Action<ImageBuildEvent>? onEvent = null) : IProgress<ImageBuildEvent>
    {
        public void Report(ImageBuildEvent value)
        {
            lock (events)
            {
                events.Add(value);
            }

            onEvent?.Invoke(value);
        }
    }
}
