using Scc.Core.Runtime;

namespace Scc.Core.Tests.Runtime;

public sealed class SessionIdentityTests
{
    [Fact]
    public void For_SameInputs_IsStable()
    {
        var a = SessionIdentity.For("claude", "/home/dev/projects/app");
        var b = SessionIdentity.For("claude", "/home/dev/projects/app");

        a.ContainerName.ShouldBe(b.ContainerName);
        a.ContainerName.ShouldBe("scc-claude-app-" + a.WorkspaceHash);
        a.WorkspaceHash.Length.ShouldBe(12);

        // SHA-256("/home/dev/projects/app"), first 12 hex digits: pinned so names survive upgrades.
        a.WorkspaceHash.ShouldBe(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("/home/dev/projects/app"u8))[..12]);
    }

    [Fact]
    public void For_TwoProvidersOneWorkspace_DoNotCollide()
    {
        var claude = SessionIdentity.For("claude", "/srv/work/app");
        var codex = SessionIdentity.For("codex", "/srv/work/app");

        claude.ContainerName.ShouldNotBe(codex.ContainerName);
        claude.NetworkName.ShouldNotBe(codex.NetworkName);
        claude.ProxyContainerName.ShouldNotBe(codex.ProxyContainerName);
        claude.WorkspaceHash.ShouldBe(codex.WorkspaceHash);
    }

    [Fact]
    public void For_TwoWorktreesSameFolderName_DoNotCollide()
    {
        var main = SessionIdentity.For("claude", "/home/dev/app");
        var worktree = SessionIdentity.For("claude", "/home/dev/worktrees/feature/app");

        main.ContainerName.ShouldNotBe(worktree.ContainerName);
        main.ContainerName.ShouldStartWith("scc-claude-app-");
        worktree.ContainerName.ShouldStartWith("scc-claude-app-");
    }

    [Theory]
    [InlineData("/home/dev/My Project (v2)", "scc-claude-my-project-v2-")]
    [InlineData("/home/dev/ÜberApp", "scc-claude-berapp-")]
    [InlineData("/home/dev/---", "scc-claude-ws-")]
    [InlineData("/home/dev/a-very-long-folder-name-that-goes-on-and-on", "scc-claude-a-very-long-folder-name-")]
    public void ContainerName_OddFolderNames_AreValidEngineNames(string workspace, string prefix)
    {
        var name = SessionIdentity.For("claude", workspace).ContainerName;

        name.ShouldStartWith(prefix);
        name.ShouldMatch("^[a-zA-Z0-9][a-zA-Z0-9_.-]+$");
        name.Length.ShouldBeLessThanOrEqualTo(64);
    }

    [Theory]
    [InlineData("Claude")]
    [InlineData("")]
    [InlineData("-x")]
    [InlineData("a b")]
    [InlineData("../x")]
    public void For_BadProviderId_Throws(string providerId) =>
        Should.Throw<ArgumentException>(() => SessionIdentity.For(providerId, "/w"));

    [Fact]
    public void For_RelativeWorkspace_Throws() =>
        Should.Throw<ArgumentException>(() => SessionIdentity.For("claude", "work/app"));

    [Fact]
    public void Labels_CarryManagedProviderWorkspaceSessionAndRole()
    {
        var identity = SessionIdentity.For("codex", "/srv/app");

        var labels = identity.Labels("s-1", "agent");

        labels.ShouldBe(new Dictionary<string, string>
        {
            ["scc.managed"] = "true",
            ["scc.provider"] = "codex",
            ["scc.workspace"] = "/srv/app",
            ["scc.session"] = "s-1",
            ["scc.role"] = "agent",
        });
        SessionLabels.ForWorkspace("/srv/app", "codex").Matches(labels).ShouldBeTrue();
        SessionLabels.ForWorkspace("/srv/app", "claude").Matches(labels).ShouldBeFalse();
        SessionLabels.ForSession("s-1").Matches(labels).ShouldBeTrue();
        SessionLabels.AllManaged.Matches(labels).ShouldBeTrue();
    }

    [Fact]
    public void NewSessionId_TwoLaunches_Differ()
    {
        var identity = SessionIdentity.For("claude", "/srv/app");
        var now = new DateTimeOffset(2026, 11, 27, 18, 0, 0, TimeSpan.Zero);

        var first = identity.NewSessionId(now);
        var second = identity.NewSessionId(now);

        first.ShouldNotBe(second);
        first.ShouldStartWith($"claude-{identity.WorkspaceHash[..8]}-20261127180000-");
    }

    [Fact]
    public void LabelSelector_ToFilters_UsesEngineSyntax()
    {
        LabelSelector.Of(("scc.managed", "true"), ("scc.session", null)).ToFilters().ShouldBe(["scc.managed=true", "scc.session"]);
    }
}
