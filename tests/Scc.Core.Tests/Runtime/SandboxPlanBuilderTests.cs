using Scc.Abstractions;
using Scc.Core.Runtime;

namespace Scc.Core.Tests.Runtime;

public sealed class SandboxPlanBuilderTests
{
    private static readonly ProviderRuntimeSpec Provider = new(
        "claude",
        "Claude Code",
        "scc-agent-claude:latest",
        ".claude",
        ".claude/settings.json",
        SettingsScope.Home,
        "scc-claude-data",
        "/home/agent/.claude",
        ["api.anthropic.com"],
        "images/claude",
        ["claude"],
        ["claude", "--version"]);

    private static readonly SessionIdentity Identity = SessionIdentity.For("claude", "/home/dev/app");

    private static SandboxRequest Request(
        WorkspaceOwner? owner = null,
        SandboxNetwork? network = null,
        AgentLaunchSpec? launch = null) => new(
            Identity,
            "sess-1",
            Provider,
            launch ?? new AgentLaunchSpec(["claude", "--dangerously-skip-permissions"], new Dictionary<string, string> { ["CLAUDE_CONFIG_DIR"] = "/home/agent/.claude" }, "", []),
            owner ?? new WorkspaceOwner(1000, 1000),
            network ?? SandboxNetwork.Open);

    [Fact]
    public void Build_Default_IsHardened()
    {
        var plan = SandboxPlanBuilder.Build(Request());
        var c = plan.Container;

        c.SecurityOptions.ShouldBe(["no-new-privileges:true"]);
        c.CapDrop.ShouldBe(["ALL"]);
        c.CapAdd.ShouldBeEmpty();
        c.PidsLimit.ShouldBe(SandboxLimits.DefaultPidsLimit);
        c.MemoryBytes.ShouldBe(SandboxLimits.DefaultMemoryBytes);
        c.User.ShouldBe("1000:1000");
        c.Init.ShouldBeTrue();
        c.Image.ShouldBe("scc-agent-claude:latest");
        c.Name.ShouldBe(Identity.ContainerName);
        plan.Warnings.ShouldBeEmpty();
    }

    [Fact]
    public void Build_Mounts_AreOnlyWorkspaceDataVolumeAndReadOnlyPolicy()
    {
        var request = Request();
        var c = SandboxPlanBuilder.Build(request).Container;

        // The volumes are made by the creation when missing: the data volume marked as this session's (a failed start
        // removes only a volume it made), the policy volume as the session's own.
        c.Mounts.ShouldBe([
            MountSpec.Bind("/home/dev/app", "/home/dev/app"),
            MountSpec.Volume("scc-claude-data", "/home/agent/.claude", new Dictionary<string, string>
            {
                [SessionLabels.Managed] = "true",
                [SessionLabels.Provider] = "claude",
                [SessionLabels.CreatedBy] = request.SessionId,
            }),
            MountSpec.Volume(request.Identity.PolicyVolumeName, "/etc/scc", request.Identity.Labels(request.SessionId, SessionLabels.PolicyRole), readOnly: true),
        ]);
        c.Mounts.Count(m => m.Kind == MountKind.Bind).ShouldBe(1);
        c.WorkingDirectory.ShouldBe("/home/dev/app");
    }

    [Fact]
    public void Build_ProviderVolumeMount_IsAddedAsNamedVolume()
    {
        var launch = new AgentLaunchSpec(["claude"], new Dictionary<string, string>(), "/home/dev/app", [new VolumeMount("scc-claude-cache", "/home/agent/.cache", false)]);

        var c = SandboxPlanBuilder.Build(Request(launch: launch)).Container;

        c.Mounts.ShouldContain(MountSpec.Volume("scc-claude-cache", "/home/agent/.cache"));
    }

    [Theory]
    [InlineData("/var/run/docker.sock")]
    [InlineData("./host-folder")]
    public void Build_ProviderMountOfAHostPath_IsRefused(string source)
    {
        var launch = new AgentLaunchSpec(["claude"], new Dictionary<string, string>(), "", [new VolumeMount(source, "/var/run/docker.sock", false)]);

        Should.Throw<ArgumentException>(() => SandboxPlanBuilder.Build(Request(launch: launch)));
    }

    [Fact]
    public void Build_ProviderVolumeAtTheSocketPath_IsRefused()
    {
        var launch = new AgentLaunchSpec(["claude"], new Dictionary<string, string>(), "", [new VolumeMount("innocent", "/var/run/docker.sock", false)]);

        Should.Throw<InvalidOperationException>(() => SandboxPlanBuilder.Build(Request(launch: launch))).Message.ShouldContain("engine socket");
    }

    [Fact]
    public void Build_Labels_IdentifyTheSession()
    {
        var labels = SandboxPlanBuilder.Build(Request()).Container.Labels;

        labels["scc.managed"].ShouldBe("true");
        labels["scc.provider"].ShouldBe("claude");
        labels["scc.workspace"].ShouldBe("/home/dev/app");
        labels["scc.session"].ShouldBe("sess-1");
        labels["scc.role"].ShouldBe("agent");
    }

    [Fact]
    public void Build_OwnerUid1234_RunsAsThatUidWithAgentHome()
    {
        var plan = SandboxPlanBuilder.Build(Request(owner: new WorkspaceOwner(1234, 1234)));

        plan.Container.User.ShouldBe("1234:1234");
        plan.AgentUid.ShouldBe(1234);
        plan.AgentExec.User.ShouldBe("1234:1234");
        plan.Container.Environment["HOME"].ShouldBe("/home/agent");
        plan.Container.Environment["USER"].ShouldBe("agent");
    }

    [Fact]
    public void Build_RootOwnedWorkspace_RunsAsUid0WithAWarning()
    {
        var plan = SandboxPlanBuilder.Build(Request(owner: new WorkspaceOwner(0, 0)));

        plan.Container.User.ShouldBe("0:0");
        plan.Container.CapDrop.ShouldBe(["ALL"]);
        plan.Container.Environment["USER"].ShouldBe("root");
        plan.Warnings.ShouldHaveSingleItem().ShouldContain("belongs to root");
    }

    [Fact]
    public void Build_Limits_AreSettable()
    {
        var request = Request() with { Limits = new SandboxLimits { PidsLimit = 100, MemoryBytes = null } };

        var c = SandboxPlanBuilder.Build(request).Container;

        c.PidsLimit.ShouldBe(100);
        c.MemoryBytes.ShouldBeNull();
    }

    [Fact]
    public void Build_OpenNetwork_UsesTheDefaultBridgeWithoutProxy()
    {
        var c = SandboxPlanBuilder.Build(Request()).Container;

        c.Networks.ShouldBeEmpty();
        c.Dns.ShouldBeEmpty();
        c.Environment.Keys.ShouldNotContain("HTTP_PROXY");
    }

    [Fact]
    public void Build_LockedDown_HasNoNetwork()
    {
        SandboxPlanBuilder.Build(Request(network: SandboxNetwork.None)).Container.Networks.ShouldBe([ContainerSpec.NoNetwork]);
    }

    [Fact]
    public void Build_Enforced_OnlyInternalNetworkAndProxyInBothCases()
    {
        var c = SandboxPlanBuilder.Build(Request(network: SandboxNetwork.Enforced("scc-net-1", "http://proxy:3128"))).Container;

        c.Networks.ShouldBe(["scc-net-1"]);
        c.Dns.ShouldBe(["127.0.0.1"]);
        c.DnsOptions.ShouldBe(["timeout:1", "attempts:1"]);
        c.Environment["HTTP_PROXY"].ShouldBe("http://proxy:3128");
        c.Environment["HTTPS_PROXY"].ShouldBe("http://proxy:3128");
        c.Environment["http_proxy"].ShouldBe("http://proxy:3128");
        c.Environment["https_proxy"].ShouldBe("http://proxy:3128");
        c.Environment["NO_PROXY"].ShouldBe(string.Empty);
        c.Environment["no_proxy"].ShouldBe(string.Empty);
    }

    [Fact]
    public void Build_EnforcedWithoutProxy_Throws() =>
        Should.Throw<ArgumentException>(() => SandboxPlanBuilder.Build(Request(network: new SandboxNetwork(SandboxNetworkMode.Enforced, "n", null))));

    [Fact]
    public void Build_AgentExec_RunsTheLaunchArgvInTheWorkspace()
    {
        var plan = SandboxPlanBuilder.Build(Request());

        plan.AgentExec.Argv.ShouldBe(["claude", "--dangerously-skip-permissions"]);
        plan.AgentExec.WorkingDirectory.ShouldBe("/home/dev/app");
        plan.Container.Command.ShouldBe(["sleep", "infinity"]);
        plan.Container.Environment["CLAUDE_CONFIG_DIR"].ShouldBe("/home/agent/.claude");
    }

    [Fact]
    public void Build_SameRequest_SamePlan()
    {
        var a = SandboxPlanBuilder.Build(Request());
        var b = SandboxPlanBuilder.Build(Request());

        a.Container.Name.ShouldBe(b.Container.Name);
        a.Container.Environment.OrderBy(e => e.Key).ShouldBe(b.Container.Environment.OrderBy(e => e.Key));
        a.Container.Mounts.ShouldBe(b.Container.Mounts);
    }
}
