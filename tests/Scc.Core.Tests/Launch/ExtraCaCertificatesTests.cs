using Scc.Core.Config;
using Scc.Core.Launch;
using Scc.Testing;

namespace Scc.Core.Tests.Launch;

public sealed class ExtraCaCertificatesTests
{
    [Fact]
    public void For_GivenFilesThenUserConfigThenVariable_AllAbsoluteAndEachOnce()
    {
        using var env = new TestEnvironment();
        env[ExtraCaCertificates.Variable] = "/etc/ssl/certs/ca-certificates.crt: /opt/corp.pem ::/etc/corp/user.pem";
        var user = UserConfig.Default with { Runtime = UserConfig.Default.Runtime with { ExtraCaCertificates = ["/etc/corp/user.pem"] } };

        var certs = ExtraCaCertificates.For(user, env.Environment, ["given.pem"]);

        certs.ShouldBe([Path.GetFullPath("given.pem"), "/etc/corp/user.pem", "/etc/ssl/certs/ca-certificates.crt", "/opt/corp.pem"]);
    }

    [Fact]
    public void For_NothingSet_NoCertificates()
    {
        using var env = new TestEnvironment();
        env[ExtraCaCertificates.Variable] = "";

        ExtraCaCertificates.For(UserConfig.Default, env.Environment).ShouldBeEmpty();
    }
}
