using System.Text;
using Scc.Abstractions;
using Scc.Core.Runtime;
using Scc.Testing;

namespace Scc.Core.Tests.Runtime;

public sealed class SandboxPreparerTests
{
    private const string Image = "scc-agent-test:latest";
    private const UnixFileMode Rw = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public async Task Prepare_Uid1234_RenumbersAccountAndHandsHomeAndDataToIt()
    {
        var (runtime, container, plan) = await CreateAsync(new WorkspaceOwner(1234, 1234));

        await new SandboxPreparer(runtime).PrepareAsync(container.Id, plan, "/home/agent/.data", CancellationToken.None);

        Encoding.UTF8.GetString(container.Files["/etc/passwd"].Content!).ShouldContain("agent:x:1234:1234:");
        Encoding.UTF8.GetString(container.Files["/etc/group"].Content!).ShouldContain("agent:x:1234:");
        container.Files["/etc/passwd"].Uid.ShouldBe(0);
        Owner(container, "/home/agent").ShouldBe((1234, 1234));
        Owner(container, "/home/agent/.data").ShouldBe((1234, 1234));

        // Files of the image's agent (uid 1000) now belong to 1234; root's stay root's.
        Owner(container, "/home/agent/.bashrc").ShouldBe((1234, 1234));
        Owner(container, "/home/agent/root-file").ShouldBe((0, 0));
        container.Files["/home/agent/.bashrc"].Content.ShouldBe(Encoding.UTF8.GetBytes("# bashrc\n"));
    }

    [Fact]
    public async Task Prepare_Uid1000_LeavesTheImageFilesAlone()
    {
        var (runtime, container, plan) = await CreateAsync(new WorkspaceOwner(1000, 1000));
        runtime.Calls.Clear();

        await new SandboxPreparer(runtime).PrepareAsync(container.Id, plan, "/home/agent/.data", CancellationToken.None);

        // One archive call: the image's account and files already fit uid 1000.
        runtime.Calls.Count(c => c.StartsWith("put-archive", StringComparison.Ordinal) || c.StartsWith("read", StringComparison.Ordinal)
            || c.StartsWith("open-archive", StringComparison.Ordinal)).ShouldBe(1);
        Encoding.UTF8.GetString(container.Files["/etc/passwd"].Content!).ShouldContain("agent:x:1000:1000:");
        Owner(container, "/home/agent").ShouldBe((1000, 1000));
        Owner(container, "/home/agent/.data").ShouldBe((1000, 1000));
    }

    [Fact]
    public async Task FakeRuntime_CreateTwiceOrMissingImage_FailsLikeTheEngine()
    {
        var runtime = new FakeContainerRuntime(Image);
        await runtime.CreateContainerAsync(new ContainerSpec(Image, "a"), CancellationToken.None);

        (await Should.ThrowAsync<ContainerRuntimeException>(() => runtime.CreateContainerAsync(new ContainerSpec(Image, "a"), CancellationToken.None)))
            .Kind.ShouldBe(RuntimeErrorKind.NameConflict);
        (await Should.ThrowAsync<ContainerRuntimeException>(() => runtime.CreateContainerAsync(new ContainerSpec("nope", "b"), CancellationToken.None)))
            .Kind.ShouldBe(RuntimeErrorKind.ImageMissing);
    }

    [Fact]
    public async Task Prepare_WithFilesToAlsoWrite_DoesItAllInOneUpload()
    {
        var (runtime, container, plan) = await CreateAsync(new WorkspaceOwner(1000, 1000));
        runtime.Calls.Clear();
        var policy = new ContainerFile("etc/scc/safety-policy.json", Encoding.UTF8.GetBytes("{}"), 0, 0, UnixFileMode.UserRead);
        var settings = new ContainerFile("home/agent/.data/settings.json", Encoding.UTF8.GetBytes("{\"a\":1}"), 1000, 1000, Rw);

        await new SandboxPreparer(runtime).PrepareAsync(container.Id, plan, "/home/agent/.data", CancellationToken.None, [policy, settings]);

        runtime.Calls.ShouldBe([$"put-archive {container.Id} /"]);
        container.Files["/etc/scc/safety-policy.json"].Uid.ShouldBe(0);
        Owner(container, "/home/agent/.data/settings.json").ShouldBe((1000, 1000));
        Owner(container, "/home/agent/.data").ShouldBe((1000, 1000));
    }

    [Fact]
    public async Task Prepare_Root_KeepsRootsAccountAndHandsHomeToRoot()
    {
        var (runtime, container, plan) = await CreateAsync(new WorkspaceOwner(0, 0));

        await new SandboxPreparer(runtime).PrepareAsync(container.Id, plan, "/home/agent/.data", CancellationToken.None);

        Encoding.UTF8.GetString(container.Files["/etc/passwd"].Content!).ShouldContain("agent:x:1000:1000:");
        Owner(container, "/home/agent").ShouldBe((0, 0));
        Owner(container, "/home/agent/.bashrc").ShouldBe((0, 0));
    }

    private static (int Uid, int Gid) Owner(FakeContainer container, string path) => (container.Files[path].Uid, container.Files[path].Gid);

    private static async Task<(FakeContainerRuntime Runtime, FakeContainer Container, SandboxContainerPlan Plan)> CreateAsync(WorkspaceOwner owner)
    {
        var runtime = new FakeContainerRuntime(Image);
        var identity = SessionIdentity.For("test", "/srv/app");
        var provider = new ProviderRuntimeSpec("test", "Test", Image, ".data", ".data/s.json", SettingsScope.Home, "vol", "/home/agent/.data", [], "", ["bash"], ["bash"]);
        var plan = SandboxPlanBuilder.Build(new SandboxRequest(
            identity, "s1", provider, new AgentLaunchSpec(["bash"], new Dictionary<string, string>(), "", []), owner, SandboxNetwork.None));
        var id = await runtime.CreateContainerAsync(plan.Container, CancellationToken.None);
        var container = runtime.Containers[plan.Container.Name];

        // What the image ships: the account files and a home made by useradd.
        await runtime.WriteFilesAsync(
            id,
            "/",
            [
                new ContainerFile("etc/passwd", Encoding.UTF8.GetBytes("root:x:0:0:root:/root:/bin/bash\nagent:x:1000:1000::/home/agent:/bin/bash\n"), 0, 0, Rw),
                new ContainerFile("etc/group", Encoding.UTF8.GetBytes("root:x:0:\nagent:x:1000:\n"), 0, 0, Rw),
                ContainerFile.Folder("home/agent", 1000, 1000, Rw | UnixFileMode.UserExecute),
                new ContainerFile("home/agent/.bashrc", Encoding.UTF8.GetBytes("# bashrc\n"), 1000, 1000, Rw),
                new ContainerFile("home/agent/root-file", [1], 0, 0, Rw),
            ],
            CancellationToken.None);
        return (runtime, container, plan);
    }
}
