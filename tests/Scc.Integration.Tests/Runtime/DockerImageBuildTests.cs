using Scc.Core.Runtime;

namespace Scc.Integration.Tests.Runtime;

public sealed class DockerImageBuildTests(DockerTestEngine engine) : IClassFixture<DockerTestEngine>, IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly string _context = Directory.CreateTempSubdirectory("scc-build-").FullName;

    public void Dispose() => Directory.Delete(_context, recursive: true);

    [SkippableFact]
    public async Task Build_GoodDockerfile_BuildsWithArgsLabelsAndStepEvents()
    {
        engine.RequireEngine();
        File.WriteAllText(Path.Combine(_context, "greeting.txt"), "hello from the context\n");
        File.WriteAllText(Path.Combine(_context, "Dockerfile"), $"""
            ARG BASE_IMAGE=does-not-exist
            FROM ${"{"}BASE_IMAGE{"}"}
            ARG FLAVOUR=plain
            COPY greeting.txt /greeting.txt
            RUN echo "flavour=$FLAVOUR" > /flavour.txt
            """);
        var tag = $"scc-test-build:{engine.RunId}";
        var events = new List<ImageBuildEvent>();

        var result = await engine.Runtime.BuildImageAsync(
            new ImageBuildRequest(
                _context,
                [tag],
                BuildArgs: new Dictionary<string, string> { ["BASE_IMAGE"] = DockerTestEngine.BaseImage, ["FLAVOUR"] = "spicy" },
                Labels: engine.Labels),
            new ListProgress(events),
            None);

        result.ImageId.ShouldNotBeNullOrWhiteSpace();
        var image = await engine.Runtime.InspectImageAsync(tag, None);
        image.ShouldNotBeNull();
        image.Labels[DockerTestEngine.TestLabel].ShouldBe(engine.RunId);
        // Five steps of the Dockerfile, and the engine may add one for the labels.
        var steps = events.Where(e => e.Kind == ImageBuildEventKind.Step).ToList();
        steps.Count.ShouldBeGreaterThanOrEqualTo(5);
        steps.Select(e => e.Step).ShouldBe(Enumerable.Range(1, steps.Count).Cast<int?>());
        steps.ShouldAllBe(e => e.StepCount == steps.Count);
        steps[3].Text.ShouldBe("Step 4/" + steps.Count + " : COPY greeting.txt /greeting.txt");
        events.ShouldAllBe(e => e.Kind != ImageBuildEventKind.Error);

        var id = await engine.StartIdleContainerAsync(s => s with { Image = tag });
        (await engine.Runtime.ExecAsync(id, new ExecRequest(["cat", "/greeting.txt", "/flavour.txt"]), None))
            .StandardOutput.ShouldBe("hello from the context\nflavour=spicy\n");
        (await engine.Runtime.ListImagesAsync(LabelSelector.Of((DockerTestEngine.TestLabel, engine.RunId)), null, None))
            .ShouldContain(i => i.Tags.Contains(tag));
    }

    /// <summary>What a rebuild does with the image it replaced: kept while a container uses it, removed after.</summary>
    [SkippableFact]
    public async Task RemoveImageIfUnused_RefusedWhileAContainerUsesIt_RemovedAfter()
    {
        engine.RequireEngine();
        File.WriteAllText(Path.Combine(_context, "Dockerfile"), $"FROM {DockerTestEngine.BaseImage}\nRUN echo {engine.RunId} > /marker\n");
        var built = await engine.Runtime.BuildImageAsync(new ImageBuildRequest(_context, [$"scc-test-unused:{engine.RunId}"], Labels: engine.Labels), null, None);
        var container = await engine.StartIdleContainerAsync(s => s with { Image = built.ImageId });

        (await engine.Runtime.RemoveImageIfUnusedAsync(built.ImageId, None)).ShouldBeFalse("a container uses it");
        (await engine.Runtime.InspectImageAsync(built.ImageId, None)).ShouldNotBeNull();

        await engine.Runtime.RemoveContainerAsync(container, None);
        (await engine.Runtime.RemoveImageIfUnusedAsync(built.ImageId, None)).ShouldBeTrue();
        (await engine.Runtime.InspectImageAsync(built.ImageId, None)).ShouldBeNull();
        (await engine.Runtime.RemoveImageIfUnusedAsync(built.ImageId, None)).ShouldBeTrue("gone already counts as removed");
    }

    [SkippableFact]
    public async Task Build_FailingRun_NamesTheFailingStepAndItsOutput()
    {
        engine.RequireEngine();
        File.WriteAllText(Path.Combine(_context, "Dockerfile"), $"""
            FROM {DockerTestEngine.BaseImage}
            RUN echo preparing
            RUN echo "about to fail" && exit 7
            RUN echo never
            """);
        var tag = $"scc-test-broken:{engine.RunId}";
        var events = new List<ImageBuildEvent>();

        var error = await Should.ThrowAsync<ImageBuildFailedException>(() => engine.Runtime.BuildImageAsync(
            new ImageBuildRequest(_context, [tag], Labels: engine.Labels),
            new ListProgress(events),
            None));

        error.FailingStep.ShouldNotBeNull();
        error.FailingStep.ShouldMatch(@"^Step 3/\d+ : RUN echo ""about to fail"" && exit 7$");
        error.Message.ShouldContain(error.FailingStep);
        error.EngineMessage.ShouldContain("7");
        error.LastOutput.ShouldContain("about to fail");
        error.Kind.ShouldBe(RuntimeErrorKind.BuildFailed);
        events.ShouldContain(e => e.Kind == ImageBuildEventKind.Error && e.Step == 3);
        (await engine.Runtime.ImageExistsAsync(tag, None)).ShouldBeFalse();
    }

    [SkippableFact]
    public async Task Build_MissingBaseImage_FailsAtTheFromStep()
    {
        engine.RequireEngine();
        File.WriteAllText(Path.Combine(_context, "Dockerfile"), "FROM scc-test-no-such-base:never\nRUN true\n");

        var error = await Should.ThrowAsync<ImageBuildFailedException>(() => engine.Runtime.BuildImageAsync(
            new ImageBuildRequest(_context, [$"scc-test-nobase:{engine.RunId}"], Labels: engine.Labels),
            null,
            None));

        error.FailingStep.ShouldNotBeNull();
        error.FailingStep.ShouldStartWith("Step 1/");
        error.FailingStep.ShouldEndWith(" : FROM scc-test-no-such-base:never");
    }

    private sealed class ListProgress(List<ImageBuildEvent> events) : IProgress<ImageBuildEvent>
    {
        public void Report(ImageBuildEvent value) => events.Add(value);
    }
}
