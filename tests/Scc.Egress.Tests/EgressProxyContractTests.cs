namespace Scc.Egress.Tests;

public sealed class EgressProxyContractTests
{
    [Fact]
    public void AgentEnvironment_Default_PointsBothSpellingsAtTheAliasAndBypassesNothing()
    {
        var env = EgressProxyContract.AgentEnvironment();
        env["HTTP_PROXY"].ShouldBe("http://scc-egress:3128");
        env["HTTPS_PROXY"].ShouldBe("http://scc-egress:3128");
        env["http_proxy"].ShouldBe("http://scc-egress:3128");
        env["https_proxy"].ShouldBe("http://scc-egress:3128");
        env["NO_PROXY"].ShouldBeEmpty();
        env["no_proxy"].ShouldBeEmpty();
    }

    [Fact]
    public void AgentEnvironment_BlankHost_Throws()
    {
        Should.Throw<ArgumentException>(() => EgressProxyContract.AgentEnvironment(" "));
    }

    [Fact]
    public void Contract_MatchesTheImage()
    {
        // The entrypoint and Dockerfile hard-code these paths; keep them in step.
        var image = Path.Combine(Docker.DockerCli.RepositoryRoot(), "images", "scc-egress-proxy");
        var entrypoint = File.ReadAllText(Path.Combine(image, "entrypoint.sh"));
        entrypoint.ShouldContain($"SCC_EGRESS_CONFIG:-{EgressProxyContract.ConfigPath}");
        entrypoint.ShouldContain($"SCC_EGRESS_STATE:-{EgressProxyContract.StateDirectory}");
        entrypoint.ShouldContain(EgressProxyContract.AccessLogPath);
        File.ReadAllText(Path.Combine(image, "Dockerfile")).ShouldContain($"EXPOSE {EgressProxyContract.ListenPort}");
        EgressProxyContract.CertificatePath.ShouldBe(EgressProxyContract.StateDirectory + "/bump.pem");
    }
}
