using Scc.Abstractions;
using Scc.Core.Launch;
using Scc.Core.Runtime;
using Scc.Testing;

namespace Scc.Core.Tests.Launch;

/// <summary>Stale images (issue 5): the decision, the context hash, and what the provisioner builds because of it.</summary>
public sealed class ImageFreshnessTests : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly string _root = Directory.CreateTempSubdirectory("scc-fresh-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static ImageInfo Image(IReadOnlyDictionary<string, string> labels) => new("sha256:1", ["x"], labels, null, 1);

    [Fact]
    public void Decide_NoImage_MissingAndNeedsBuild()
    {
        var status = ImageFreshness.Decide("scc-base", null, "abc");

        status.State.ShouldBe(ImageState.Missing);
        status.NeedsBuild.ShouldBeTrue();
    }

    [Fact]
    public void Decide_SameHash_CurrentNoBuild()
    {
        var status = ImageFreshness.Decide("scc-base", Image(new Dictionary<string, string> { [ImageFreshness.ContextHashLabel] = "abc" }), "abc");

        status.State.ShouldBe(ImageState.Current);
        status.NeedsBuild.ShouldBeFalse();
    }

    [Fact]
    public void Decide_OtherHash_StaleNeedsBuildAndSaysWhy()
    {
        var status = ImageFreshness.Decide("scc-base", Image(new Dictionary<string, string> { [ImageFreshness.ContextHashLabel] = "0123456789abcdef" }), "fedcba9876543210");

        status.State.ShouldBe(ImageState.Stale);
        status.NeedsBuild.ShouldBeTrue();
        status.Detail.ShouldContain("another build context");
        status.Detail.ShouldContain("0123456789ab");
    }

    [Fact]
    public void Decide_NoLabel_UnverifiedNotRebuiltBehindTheUsersBack()
    {
        var status = ImageFreshness.Decide("scc-base", Image(new Dictionary<string, string>()), "abc");

        status.State.ShouldBe(ImageState.Unverified);
        status.NeedsBuild.ShouldBeFalse();
        status.Detail.ShouldContain("scc images build");
    }

    [Fact]
    public void HashFolder_CopyElsewhere_SameHash()
    {
        var a = Context("a", ("Dockerfile", "FROM x\n"), ("lib/run.sh", "echo hi\n"));
        var b = Context("b", ("lib/run.sh", "echo hi\n"), ("Dockerfile", "FROM x\n"));
        File.SetLastWriteTimeUtc(Path.Combine(b, "Dockerfile"), DateTime.UtcNow.AddDays(-3));

        ImageFreshness.HashFolder(a).ShouldBe(ImageFreshness.HashFolder(b));
    }

    [Theory]
    [InlineData("content")]
    [InlineData("rename")]
    [InlineData("new file")]
    [InlineData("executable")]
    public void HashFolder_AnyChangeThatReachesTheImage_NewHash(string change)
    {
        var dir = Context("c", ("Dockerfile", "FROM x\n"), ("run.sh", "echo hi\n"));
        var before = ImageFreshness.HashFolder(dir);
        var script = Path.Combine(dir, "run.sh");
        switch (change)
        {
            case "content":
                File.WriteAllText(script, "echo bye\n");
                break;
            case "rename":
                File.Move(script, Path.Combine(dir, "start.sh"));
                break;
            case "new file":
                File.WriteAllText(Path.Combine(dir, "extra.txt"), string.Empty);
                break;
            default:
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(script, File.GetUnixFileMode(script) | UnixFileMode.UserExecute);
                }

                break;
        }

        ImageFreshness.HashFolder(dir).ShouldNotBe(before);
    }

    [Fact]
    public async Task AgentStatus_ImagesBuiltByProvisioner_CurrentUntilAContextChanges()
    {
        var (runtime, provisioner, spec, plugin) = Setup();
        await provisioner.EnsureAgentAsync(spec, plugin, ImageBuildOptions.Default, null, None);

        (await provisioner.AgentStatusAsync(spec, plugin, None)).State.ShouldBe(ImageState.Current);
        (await provisioner.BaseStatusAsync(None)).State.ShouldBe(ImageState.Current);
        runtime.Images["scc-base"].Labels.ShouldContainKey(ImageFreshness.ContextHashLabel);

        File.AppendAllText(Path.Combine(plugin, "image", "Dockerfile"), "RUN echo v2\n");
        var fresh = NewProvisioner(runtime);

        (await fresh.AgentStatusAsync(spec, plugin, None)).State.ShouldBe(ImageState.Stale);
        (await fresh.BaseStatusAsync(None)).State.ShouldBe(ImageState.Current);
    }

    [Fact]
    public async Task EnsureAgent_AgentContextChanged_RebuildsOnlyTheAgent()
    {
        var (runtime, provisioner, spec, plugin) = Setup();
        await provisioner.EnsureAgentAsync(spec, plugin, ImageBuildOptions.Default, null, None);
        File.AppendAllText(Path.Combine(plugin, "image", "Dockerfile"), "RUN echo v2\n");
        runtime.Calls.Clear();

        await NewProvisioner(runtime).EnsureAgentAsync(spec, plugin, ImageBuildOptions.Default, null, None);

        runtime.Calls.Where(c => c.StartsWith("build ", StringComparison.Ordinal)).ShouldBe(["build scc-agent-test"]);
    }

    [Fact]
    public async Task EnsureAgent_BaseContextChanged_RebuildsBaseThenAgent()
    {
        var (runtime, provisioner, spec, plugin) = Setup();
        await provisioner.EnsureAgentAsync(spec, plugin, ImageBuildOptions.Default, null, None);
        File.AppendAllText(Path.Combine(_root, "images", "scc-base", "Dockerfile"), "RUN echo new-evaluator\n");
        runtime.Calls.Clear();
        var fresh = NewProvisioner(runtime);
        (await fresh.AgentStatusAsync(spec, plugin, None)).State.ShouldBe(ImageState.Stale, "an agent built on the old base carries the old evaluator");

        await fresh.EnsureAgentAsync(spec, plugin, ImageBuildOptions.Default, null, None);

        runtime.Calls.Where(c => c.StartsWith("build ", StringComparison.Ordinal)).ShouldBe(["build scc-base", "build scc-agent-test"]);
    }

    [Fact]
    public async Task EnsureAgent_Current_BuildsNothing()
    {
        var (runtime, provisioner, spec, plugin) = Setup();
        await provisioner.EnsureAgentAsync(spec, plugin, ImageBuildOptions.Default, null, None);
        runtime.Calls.Clear();

        await provisioner.EnsureAgentAsync(spec, plugin, ImageBuildOptions.Default, null, None);

        runtime.Calls.ShouldNotContain(c => c.StartsWith("build ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EnsureAgent_UnlabelledImages_UsedAsTheyAre()
    {
        var (runtime, provisioner, spec, plugin) = Setup();
        runtime.AddImage("scc-base");
        runtime.AddImage("scc-agent-test");

        await provisioner.EnsureAgentAsync(spec, plugin, ImageBuildOptions.Default, null, None);

        runtime.Calls.ShouldNotContain(c => c.StartsWith("build ", StringComparison.Ordinal));
    }

    private (FakeContainerRuntime Runtime, ImageProvisioner Provisioner, ProviderRuntimeSpec Spec, string PluginFolder) Setup()
    {
        Context("images/scc-base", ("Dockerfile", "FROM debian\n"), ("scc-safety-eval", "binary"));
        Context("images/scc-egress-proxy", ("Dockerfile", "FROM debian\n"));
        var plugin = Path.Combine(_root, "plugin");
        Context("plugin/image", ("Dockerfile", "ARG BASE\nFROM ${BASE}\n"));
        var spec = new ProviderRuntimeSpec("test", "Test", "scc-agent-test", ".test", "settings.json", SettingsScope.Home, "test-data", "/home/agent/.test", [], "image", ["test"], ["test", "--version"]);
        var runtime = new FakeContainerRuntime();
        return (runtime, NewProvisioner(runtime), spec, plugin);
    }

    private ImageProvisioner NewProvisioner(FakeContainerRuntime runtime) => new(runtime, runtime, new ImageSources(Path.Combine(_root, "images")));

    private string Context(string name, params (string Path, string Content)[] files)
    {
        var dir = Path.Combine(_root, name);
        foreach (var (path, content) in files)
        {
            var full = Path.Combine(dir, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, content);
        }

        return dir;
    }
}
