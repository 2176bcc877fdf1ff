using System.Text;
using Scc.Core.Runtime;

namespace Scc.Integration.Tests.Runtime;

public sealed class DockerContainerRuntimeTests(DockerTestEngine engine) : IClassFixture<DockerTestEngine>
{
    private static readonly CancellationToken None = CancellationToken.None;

    // perl-base is in every Debian image: a TCP listener on port 8080 that answers and closes, forever.
    private const string ListenScript =
        "perl -MIO::Socket::INET -e '$s=IO::Socket::INET->new(LocalPort=>8080,Listen=>5,ReuseAddr=>1) or die; while($c=$s->accept){print $c \"ok\\n\"; close $c}'";

    private static string Connect(string host, int attempts = 10) => $"for i in $(seq {attempts}); do timeout 2 bash -c 'exec 3<>/dev/tcp/{host}/8080 && head -c 3 <&3' && exit 0; sleep 0.2; done; exit 1";

    [SkippableFact]
    public async Task GetInfo_RealEngine_PinsToTheDaemonsApiVersion()
    {
        engine.RequireEngine();

        var info = await engine.Runtime.GetInfoAsync(None);

        Version.Parse(info.ApiVersion).ShouldBeGreaterThanOrEqualTo(new Version(1, 41));
        info.Version.ShouldNotBeNullOrWhiteSpace();

        // The pinned client must be accepted: any versioned call proves it.
        (await engine.Runtime.ListContainersAsync(LabelSelector.Has("scc.never-used"), None)).ShouldBeEmpty();
    }

    [SkippableFact]
    public async Task Lifecycle_CreateStartExecStopRemove_BehavesAndCleansUp()
    {
        engine.RequireEngine();
        var name = engine.Name("life");
        var spec = new ContainerSpec(DockerTestEngine.BaseImage, name)
        {
            Labels = new Dictionary<string, string>(engine.Labels) { ["scc.session"] = name },
            Command = ["sleep", "infinity"],
            Init = true,
        };

        var id = await engine.Runtime.CreateContainerAsync(spec, None);
        (await engine.Runtime.InspectContainerAsync(name, None))!.Running.ShouldBeFalse();

        await engine.Runtime.StartContainerAsync(id, None);
        var running = await engine.Runtime.InspectContainerAsync(name, None);
        running.ShouldNotBeNull();
        running.Running.ShouldBeTrue();
        running.Id.ShouldBe(id);
        running.Label("scc.session").ShouldBe(name);

        var result = await engine.Runtime.ExecAsync(id, new ExecRequest(["sh", "-c", "echo out; echo err >&2; exit 3"]), None);
        result.ExitCode.ShouldBe(3);
        result.StandardOutput.ShouldBe("out\n");
        result.StandardError.ShouldBe("err\n");

        var listed = await engine.Runtime.ListContainersAsync(LabelSelector.Of(("scc.session", name)), None);
        listed.Select(c => c.Id).ShouldBe([id]);
        listed[0].Running.ShouldBeTrue();

        await engine.Runtime.StopContainerAsync(id, TimeSpan.FromSeconds(2), None);
        var stopped = await engine.Runtime.InspectContainerAsync(id, None);
        stopped!.Running.ShouldBeFalse();

        // Stopping twice is not an error.
        await engine.Runtime.StopContainerAsync(id, TimeSpan.FromSeconds(2), None);

        await engine.Runtime.RemoveContainerAsync(id, None);
        (await engine.Runtime.InspectContainerAsync(id, None)).ShouldBeNull();
        (await engine.Runtime.ListContainersAsync(LabelSelector.Of(("scc.session", name)), None)).ShouldBeEmpty();
        await engine.Runtime.RemoveContainerAsync(id, None);
    }

    [SkippableFact]
    public async Task Exec_UserWorkdirEnvAndStdin_AreApplied()
    {
        engine.RequireEngine();
        var id = await engine.StartIdleContainerAsync();

        var result = await engine.Runtime.ExecAsync(
            id,
            new ExecRequest(["sh", "-c", "id -u; pwd; echo \"$GREETING\"; cat"])
            {
                User = "1234:1234",
                WorkingDirectory = "/tmp",
                Environment = new Dictionary<string, string> { ["GREETING"] = "hello world" },
                StandardInput = Encoding.UTF8.GetBytes("from stdin"),
            },
            None);

        result.ExitCode.ShouldBe(0);
        result.StandardOutput.ShouldBe("1234\n/tmp\nhello world\nfrom stdin");
    }

    [SkippableFact]
    public async Task ExecStreaming_LargeOutput_ArrivesComplete()
    {
        engine.RequireEngine();
        var id = await engine.StartIdleContainerAsync();
        using var stdout = new MemoryStream();
        using var stderr = new MemoryStream();

        var exit = await engine.Runtime.ExecStreamingAsync(id, new ExecRequest(["sh", "-c", "seq 1 100000"]), stdout, stderr, None);

        exit.ShouldBe(0);
        var lines = Encoding.UTF8.GetString(stdout.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Length.ShouldBe(100000);
        lines[^1].ShouldBe("100000");
    }

    [SkippableFact]
    public async Task Volumes_EnsureListRemove_AreIdempotent()
    {
        engine.RequireEngine();
        var name = engine.Name("vol");
        var labels = new Dictionary<string, string>(engine.Labels) { ["scc.provider"] = "test" };

        (await engine.Runtime.InspectVolumeAsync(name, None)).ShouldBeNull();
        (await engine.Runtime.EnsureVolumeAsync(name, labels, None)).ShouldBe(name);
        (await engine.Runtime.EnsureVolumeAsync(name, labels, None)).ShouldBe(name);
        (await engine.Runtime.InspectVolumeAsync(name, None))!.Labels["scc.provider"].ShouldBe("test");

        var listed = await engine.Runtime.ListVolumesAsync(LabelSelector.Of((DockerTestEngine.TestLabel, engine.RunId), ("scc.provider", "test")), None);
        listed.Select(v => v.Name).ShouldContain(name);
        listed.Single(v => v.Name == name).Labels["scc.provider"].ShouldBe("test");

        await engine.Runtime.RemoveVolumeAsync(name, None);
        await engine.Runtime.RemoveVolumeAsync(name, None);
        (await engine.Runtime.ListVolumesAsync(LabelSelector.Of((DockerTestEngine.TestLabel, engine.RunId)), None))
            .Select(v => v.Name).ShouldNotContain(name);
    }

    [SkippableFact]
    public async Task Volume_MountedInContainer_KeepsDataAcrossContainers()
    {
        engine.RequireEngine();
        var volume = await engine.Runtime.EnsureVolumeAsync(engine.Name("data"), engine.Labels, None);
        var first = await engine.StartIdleContainerAsync(s => s with { Mounts = [MountSpec.Volume(volume, "/data")] });
        (await engine.Runtime.ExecAsync(first, new ExecRequest(["sh", "-c", "echo kept > /data/f"]), None)).ExitCode.ShouldBe(0);
        await engine.Runtime.RemoveContainerAsync(first, None);

        var second = await engine.StartIdleContainerAsync(s => s with { Mounts = [MountSpec.Volume(volume, "/data", readOnly: true)] });
        (await engine.Runtime.ExecAsync(second, new ExecRequest(["cat", "/data/f"]), None)).StandardOutput.ShouldBe("kept\n");
        (await engine.Runtime.ExecAsync(second, new ExecRequest(["sh", "-c", "echo x > /data/g"]), None)).ExitCode.ShouldNotBe(0);
    }

    [SkippableFact]
    public async Task Networks_InternalNetwork_HasNoRouteOffTheHost()
    {
        engine.RequireEngine();
        var internalName = engine.Name("int");
        var outerName = engine.Name("out");
        var labels = new Dictionary<string, string>(engine.Labels) { ["scc.session"] = internalName };

        var created = await engine.Runtime.CreateNetworkAsync(new NetworkSpec(internalName) { Internal = true, Labels = labels }, None);
        created.Internal.ShouldBeTrue();
        created.Name.ShouldBe(internalName);
        var outer = await engine.Runtime.CreateNetworkAsync(new NetworkSpec(outerName) { Labels = engine.Labels }, None);
        outer.Internal.ShouldBeFalse();

        var agent = await engine.StartIdleContainerAsync(s => s with { Networks = [internalName] });
        var proxy = await engine.StartIdleContainerAsync(s => s with { Networks = [internalName, outerName], NetworkAliases = ["proxy"] });

        (await engine.Runtime.InspectContainerAsync(agent, None))!.Networks.ShouldBe([internalName]);
        (await engine.Runtime.InspectContainerAsync(proxy, None))!.Networks.ShouldBe(new[] { internalName, outerName }.Order(StringComparer.Ordinal));

        // The proxy listens on every interface; the agent reaches it by its alias on the internal network, but not at its
        // address on the outer network: an internal network has no way off its bridge.
        await engine.Runtime.ExecAsync(proxy, new ExecRequest(["sh", "-c", ListenScript + " >/dev/null 2>&1 &"]), None);
        var outerAddress = (await engine.Runtime.InspectContainerAsync(proxy, None))!.Addresses[outerName];
        var viaAlias = await engine.Runtime.ExecAsync(agent, new ExecRequest(["bash", "-c", Connect("proxy")]), None);
        viaAlias.ExitCode.ShouldBe(0, viaAlias.StandardError);
        var viaOuter = await engine.Runtime.ExecAsync(agent, new ExecRequest(["bash", "-c", Connect(outerAddress, attempts: 1)]), None);
        viaOuter.ExitCode.ShouldNotBe(0);

        // Control: a container on the outer network does reach that address, so the refusal above is the isolation.
        var neighbour = await engine.StartIdleContainerAsync(s => s with { Networks = [outerName] });
        var fromOuter = await engine.Runtime.ExecAsync(neighbour, new ExecRequest(["bash", "-c", Connect(outerAddress)]), None);
        fromOuter.ExitCode.ShouldBe(0, fromOuter.StandardError);

        (await engine.Runtime.ListNetworksAsync(LabelSelector.Of(("scc.session", internalName)), None)).Select(n => n.Name).ShouldBe([internalName]);

        await engine.Runtime.DisconnectAsync(outerName, proxy, None);
        (await engine.Runtime.InspectContainerAsync(proxy, None))!.Networks.ShouldBe([internalName]);

        await engine.Runtime.RemoveContainerAsync(agent, None);
        await engine.Runtime.RemoveContainerAsync(proxy, None);
        await engine.Runtime.RemoveNetworkAsync(internalName, None);
        await engine.Runtime.RemoveNetworkAsync(internalName, None);
        (await engine.Runtime.InspectNetworkAsync(internalName, None)).ShouldBeNull();
    }

    [SkippableFact]
    public async Task NoNetwork_Container_HasOnlyLoopback()
    {
        engine.RequireEngine();
        var id = await engine.StartIdleContainerAsync(s => s with { Networks = [ContainerSpec.NoNetwork] });

        var links = await engine.Runtime.ExecAsync(id, new ExecRequest(["ls", "/sys/class/net"]), None);

        links.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).ShouldBe(["lo"]);
    }

    [SkippableFact]
    public async Task WriteFiles_OwnerAndMode_AreKeptAndReadBack()
    {
        engine.RequireEngine();
        var id = await engine.StartIdleContainerAsync();
        var settings = Encoding.UTF8.GetBytes("{\"permissions\":{}}\n");
        var policy = Encoding.UTF8.GetBytes("{\"rules\":[]}\n");

        const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        const UnixFileMode PrivateFolder = Private | UnixFileMode.UserExecute;
        const UnixFileMode ReadOnly = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

        await engine.Runtime.WriteFilesAsync(
            id,
            "/",
            [
                ContainerFile.Folder("home/agent", 1000, 1000, PrivateFolder),
                ContainerFile.Folder("home/agent/.claude", 1000, 1000, PrivateFolder),
                new ContainerFile("home/agent/.claude/settings.json", settings, 1000, 1000, Private),
                new ContainerFile("etc/scc/safety-policy.json", policy, 0, 0, ReadOnly),
            ],
            None);

        // An existing folder (/tmp) listed again takes the listed owner: how a home is handed to the agent's uid.
        await engine.Runtime.WriteFilesAsync(id, "/", [ContainerFile.Folder("tmp", 1234, 1234, PrivateFolder)], None);

        var stat = await engine.Runtime.ExecAsync(
            id,
            new ExecRequest(["stat", "-c", "%u:%g %a %n", "/home/agent/.claude/settings.json", "/home/agent/.claude", "/home", "/etc/scc", "/etc/scc/safety-policy.json", "/tmp"]),
            None);
        stat.StandardOutput.ShouldBe(
            "1000:1000 600 /home/agent/.claude/settings.json\n1000:1000 700 /home/agent/.claude\n0:0 755 /home\n0:0 755 /etc/scc\n"
            + "0:0 444 /etc/scc/safety-policy.json\n1234:1234 700 /tmp\n");

        (await engine.Runtime.ReadFileAsync(id, "/home/agent/.claude/settings.json", None)).ShouldBe(settings);
        (await engine.Runtime.ReadFileAsync(id, "/etc/scc/safety-policy.json", None)).ShouldBe(policy);
        (await engine.Runtime.ReadFileAsync(id, "/nowhere/file", None)).ShouldBeNull();
    }

    [SkippableFact]
    public async Task ReadFile_StoppedHelperContainer_ReadsAVolume()
    {
        engine.RequireEngine();
        var volume = await engine.Runtime.EnsureVolumeAsync(engine.Name("auth"), engine.Labels, None);
        var writer = await engine.StartIdleContainerAsync(s => s with { Mounts = [MountSpec.Volume(volume, "/data")] });
        await engine.Runtime.ExecAsync(writer, new ExecRequest(["sh", "-c", "echo '{\"token\":1}' > /data/auth.json"]), None);

        // The auth check reads a provider's data volume through a container that never starts.
        var helper = await engine.Runtime.CreateContainerAsync(
            new ContainerSpec(DockerTestEngine.BaseImage, engine.Name("reader"))
            {
                Labels = engine.Labels,
                Mounts = [MountSpec.Volume(volume, "/data", readOnly: true)],
                Networks = [ContainerSpec.NoNetwork],
            },
            None);

        (await engine.Runtime.ReadFileAsync(helper, "/data/auth.json", None)).ShouldBe(Encoding.UTF8.GetBytes("{\"token\":1}\n"));
        (await engine.Runtime.ReadFileAsync(helper, "/data/missing.json", None)).ShouldBeNull();
    }
}
