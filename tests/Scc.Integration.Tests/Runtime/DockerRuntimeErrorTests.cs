using Scc.Core.Errors;
using Scc.Core.Paths;
using Scc.Core.Runtime;
using Scc.Runtime.Docker;

namespace Scc.Integration.Tests.Runtime;

public sealed class DockerRuntimeErrorTests(DockerTestEngine engine) : IClassFixture<DockerTestEngine>
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task AnyCall_DockerHostAtMissingSocket_IsDaemonNotRunningWithExit5()
    {
        // No engine needed: this is the "no engine" case itself.
        var socket = Path.Combine(Path.GetTempPath(), $"scc-missing-{Guid.NewGuid():N}.sock");
        using var clients = new DockerClientProvider(new FixedEnvironment(("DOCKER_HOST", $"unix://{socket}")));
        var runtime = new DockerContainerRuntime(clients);

        var error = await Should.ThrowAsync<ContainerRuntimeException>(() => runtime.ListContainersAsync(LabelSelector.Has("scc.managed"), None));

        error.Kind.ShouldBe(RuntimeErrorKind.DaemonNotRunning);
        error.ExitCode.ShouldBe(ExitCodes.PrerequisiteMissing);
        error.Message.ShouldContain(socket);
        error.Action.ShouldNotBeNull();
        error.Action.ShouldContain("scc doctor");
        error.Action.ShouldContain("scripts/install-docker-engine.sh");

        var probe = await runtime.ProbeAsync(None);
        probe.Reachable.ShouldBeFalse();
        probe.FailureKind.ShouldBe(RuntimeErrorKind.DaemonNotRunning);
    }

    [Fact]
    public async Task AnyCall_DockerHostTcpNobodyListens_IsDaemonNotRunning()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var clients = new DockerClientProvider(new FixedEnvironment(("DOCKER_HOST", $"tcp://127.0.0.1:{port}")));

        var error = await Should.ThrowAsync<ContainerRuntimeException>(() => new DockerContainerRuntime(clients).GetInfoAsync(None));

        error.Kind.ShouldBe(RuntimeErrorKind.DaemonNotRunning);
        error.Message.ShouldContain($"127.0.0.1:{port}");
    }

    [Fact]
    public void Resolve_DockerHostGarbage_IsConfigError()
    {
        var error = Should.Throw<ConfigException>(() => DockerEndpoint.Resolve(new FixedEnvironment(("DOCKER_HOST", "not a uri"))));

        error.Message.ShouldContain("DOCKER_HOST");
    }

    [SkippableFact]
    public async Task Create_ImageMissing_IsImageMissing()
    {
        engine.RequireEngine();

        var error = await Should.ThrowAsync<ContainerRuntimeException>(() => engine.Runtime.CreateContainerAsync(
            new ContainerSpec("scc-test-no-such-image:never", engine.Name("noimg")) { Labels = engine.Labels },
            None));

        error.Kind.ShouldBe(RuntimeErrorKind.ImageMissing);
        error.ExitCode.ShouldBe(ExitCodes.PrerequisiteMissing);
        error.Message.ShouldContain("scc-test-no-such-image:never");
        error.Action!.ShouldContain("scc images build");
        (await engine.Runtime.InspectImageAsync("scc-test-no-such-image:never", None)).ShouldBeNull();
    }

    [SkippableFact]
    public async Task Create_NameTaken_IsNameConflictAndLeavesTheFirst()
    {
        engine.RequireEngine();
        var name = engine.Name("dup");
        var first = await engine.Runtime.CreateContainerAsync(new ContainerSpec(DockerTestEngine.BaseImage, name) { Labels = engine.Labels }, None);

        var error = await Should.ThrowAsync<ContainerRuntimeException>(() =>
            engine.Runtime.CreateContainerAsync(new ContainerSpec(DockerTestEngine.BaseImage, name) { Labels = engine.Labels }, None));

        error.Kind.ShouldBe(RuntimeErrorKind.NameConflict);
        error.ExitCode.ShouldBe(ExitCodes.Tool);
        error.Message.ShouldContain(name);
        (await engine.Runtime.InspectContainerAsync(name, None))!.Id.ShouldBe(first);
    }

    [SkippableFact]
    public async Task CreateNetwork_NameTaken_IsNameConflict()
    {
        engine.RequireEngine();
        var name = engine.Name("dupnet");
        await engine.Runtime.CreateNetworkAsync(new NetworkSpec(name) { Internal = true, Labels = engine.Labels }, None);

        var error = await Should.ThrowAsync<ContainerRuntimeException>(() =>
            engine.Runtime.CreateNetworkAsync(new NetworkSpec(name) { Internal = true, Labels = engine.Labels }, None));

        error.Kind.ShouldBe(RuntimeErrorKind.NameConflict);
        (await engine.Runtime.ListNetworksAsync(LabelSelector.Of((DockerTestEngine.TestLabel, engine.RunId)), None))
            .Count(n => n.Name == name).ShouldBe(1);
    }

    [SkippableFact]
    public async Task Create_ExtraNetworkMissing_FailsAndLeavesNoContainer()
    {
        engine.RequireEngine();
        var name = engine.Name("nonet");
        var network = await engine.Runtime.CreateNetworkAsync(new NetworkSpec(engine.Name("first")) { Labels = engine.Labels }, None);

        var error = await Should.ThrowAsync<ContainerRuntimeException>(() => engine.Runtime.CreateContainerAsync(
            new ContainerSpec(DockerTestEngine.BaseImage, name) { Labels = engine.Labels, Networks = [network.Name, "scc-test-no-such-network"] },
            None));

        error.Kind.ShouldBe(RuntimeErrorKind.NetworkNotFound);
        (await engine.Runtime.InspectContainerAsync(name, None)).ShouldBeNull();
    }

    [SkippableFact]
    public async Task Exec_ContainerMissing_IsContainerNotFoundWithExit1()
    {
        engine.RequireEngine();

        var error = await Should.ThrowAsync<ContainerRuntimeException>(() =>
            engine.Runtime.ExecAsync("scc-test-no-such-container", new ExecRequest(["true"]), None));

        error.Kind.ShouldBe(RuntimeErrorKind.ContainerNotFound);
        error.ExitCode.ShouldBe(ExitCodes.NotFound);
    }

    [SkippableFact]
    public async Task Create_CancelledAtAnyMoment_LeavesNoContainerOrNetwork()
    {
        engine.RequireEngine();

        // Cancel at different moments of the create, including after the engine has made the object.
        for (var delay = 0; delay <= 60; delay += 4)
        {
            var name = engine.Name("cancel");
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(delay));
            var containerMade = false;
            try
            {
                await engine.Runtime.CreateContainerAsync(new ContainerSpec(DockerTestEngine.BaseImage, name) { Labels = engine.Labels }, cts.Token);
                containerMade = true;
                await engine.Runtime.CreateNetworkAsync(new NetworkSpec(name) { Labels = engine.Labels }, cts.Token);
            }
            catch (OperationCanceledException)
            {
                var container = await engine.Runtime.InspectContainerAsync(name, None);
                var network = await engine.Runtime.InspectNetworkAsync(name, None);

                network.ShouldBeNull($"network left after a cancel at {delay} ms");
                if (containerMade)
                {
                    await engine.Runtime.RemoveContainerAsync(name, None);
                }
                else
                {
                    container.ShouldBeNull($"container left after a cancel at {delay} ms");
                }

                continue;
            }

            await engine.Runtime.RemoveContainerAsync(name, None);
            await engine.Runtime.RemoveNetworkAsync(name, None);
        }
    }

    private sealed class FixedEnvironment(params (string Name, string Value)[] values) : IEnvironment
    {
        public string? Get(string name) => values.FirstOrDefault(v => v.Name == name).Value;
    }
}
