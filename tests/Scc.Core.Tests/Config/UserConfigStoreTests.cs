using Scc.Core.Config;
using Scc.Core.Errors;

namespace Scc.Core.Tests.Config;

public sealed class UserConfigStoreTests : IDisposable
{
    private readonly ScratchDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Load_MissingFile_ReturnsDefaults()
    {
        var config = new UserConfigStore(_dir.Paths).Load();

        config.ShouldBe(UserConfig.Default);
        config.IsStandalone.ShouldBeTrue();
        config.Runtime.ExtraCaCertificates.ShouldBeEmpty();
    }

    [Fact]
    public void Save_ThenLoad_RoundTripsEveryField()
    {
        var store = new UserConfigStore(_dir.Paths);
        var config = new UserConfig
        {
            OrgSource = new OrgSourceSetting("https://example.invalid/org.json", "env:ORG_TOKEN"),
            SelectedTeam = "backend",
            Provider = UserConfig.ProviderAsk,
            Runtime = new RuntimeSettings { ExtraCaCertificates = ["/etc/ssl/certs/corp.pem"], EgressNetwork = "corp-net" },
        }
        .WithWorkspaceTeam("/work/repo/", "frontend")
        .WithWorkspaceProvider("/work/repo", "prov-a");

        store.Save(config);
        var loaded = store.Load();

        loaded.OrgSource.ShouldBe(config.OrgSource);
        loaded.SelectedTeam.ShouldBe("backend");
        loaded.Provider.ShouldBe("ask");
        loaded.IsStandalone.ShouldBeFalse();
        loaded.TeamFor("/work/repo").ShouldBe("frontend");
        loaded.TeamFor("/elsewhere").ShouldBe("backend");
        loaded.ProviderFor("/work/repo/").ShouldBe("prov-a");
        loaded.Runtime.ExtraCaCertificates.ShouldBe(["/etc/ssl/certs/corp.pem"]);
        loaded.Runtime.EgressNetwork.ShouldBe("corp-net");
    }

    [Fact]
    public void Save_WritesSnakeCaseKeys_AndCreatesFolder()
    {
        new UserConfigStore(_dir.Paths).Save(new UserConfig { SelectedTeam = "t", Standalone = true });

        var text = File.ReadAllText(_dir.Paths.UserConfigFile);
        text.ShouldContain("\"selected_team\": \"t\"");
        text.ShouldContain("\"standalone\": true");
        text.ShouldContain("\"extra_ca_certificates\"");
        Directory.GetFiles(_dir.Paths.ConfigDir).ShouldBe([_dir.Paths.UserConfigFile], "no temp file left behind");
    }

    [Fact]
    public void Load_NotJson_ThrowsWithPathLineAndColumn_AndKeepsFile()
    {
        const string Corrupt = "{\n  \"selected_team\": \"a\",\n  oops\n}";
        _dir.Write("config/scc/config.json", Corrupt);
        var store = new UserConfigStore(_dir.Paths);

        var error = Should.Throw<ConfigException>(store.Load);

        error.Message.ShouldContain(_dir.Paths.UserConfigFile);
        error.Message.ShouldContain("line 3");
        error.Message.ShouldContain("column 3");
        error.ExitCode.ShouldBe(ExitCodes.ConfigOrNetwork);
        Should.Throw<ConfigException>(() => store.Update(c => c with { SelectedTeam = "b" }));
        File.ReadAllText(_dir.Paths.UserConfigFile).ShouldBe(Corrupt);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n")]
    [InlineData("null")]
    [InlineData("[1,2]")]
    [InlineData("{\"standalone\": \"yes\"}")]
    [InlineData("{\"runtime\": {\"extra_ca_certificates\": \"one.pem\"}}")]
    public void Load_BadContent_ThrowsConfigException(string content)
    {
        _dir.Write("config/scc/config.json", content);

        var error = Should.Throw<ConfigException>(new UserConfigStore(_dir.Paths).Load);

        error.Message.ShouldContain("line ");
        error.Action.ShouldNotBeNull();
    }

    [Fact]
    public void Load_UnknownKeysAndComments_AreTolerated()
    {
        _dir.Write("config/scc/config.json", "{\n // hand edited\n \"selected_team\": \"x\", \"future_key\": 1,\n}");

        var config = new UserConfigStore(_dir.Paths).Load();

        config.SelectedTeam.ShouldBe("x");
        config.Runtime.ShouldNotBeNull();
        config.WorkspaceTeams.ShouldBeEmpty();
    }

    [Fact]
    public void Save_OverExistingFile_ReplacesAtomically()
    {
        var store = new UserConfigStore(_dir.Paths);
        store.Save(new UserConfig { SelectedTeam = "one" });

        store.Update(c => c with { SelectedTeam = "two" });

        store.Load().SelectedTeam.ShouldBe("two");
        Directory.GetFiles(_dir.Paths.ConfigDir).Length.ShouldBe(1);
    }
}
