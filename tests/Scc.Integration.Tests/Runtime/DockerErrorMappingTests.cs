using System.Net;
using System.Net.Sockets;
using Docker.DotNet;
using Scc.Core.Errors;
using Scc.Core.Runtime;
using Scc.Runtime.Docker;

namespace Scc.Integration.Tests.Runtime;

/// <summary>The mapping table itself, for the failures a test machine cannot produce on demand (root sees every socket).</summary>
public sealed class DockerErrorMappingTests
{
    private const string Endpoint = "/var/run/docker.sock";

    [Fact]
    public void Map_SocketAccessDenied_IsPermissionDeniedWithExit5()
    {
        var error = DockerErrors.Map(new HttpRequestException("Connection failed.", new SocketException((int)SocketError.AccessDenied)), Endpoint, "list containers");

        error.ShouldNotBeNull();
        error.Kind.ShouldBe(RuntimeErrorKind.PermissionDenied);
        error.ExitCode.ShouldBe(ExitCodes.PrerequisiteMissing);
        error.Message.ShouldContain(Endpoint);
        error.Action!.ShouldContain("docker");
    }

    [Fact]
    public void Map_UnauthorizedAccess_IsPermissionDenied() =>
        DockerErrors.Map(new UnauthorizedAccessException("denied"), Endpoint, "x")!.Kind.ShouldBe(RuntimeErrorKind.PermissionDenied);

    [Theory]
    [InlineData(SocketError.ConnectionRefused)]
    [InlineData(SocketError.AddressNotAvailable)]
    public void Map_SocketNotAnswering_IsDaemonNotRunning(SocketError code) =>
        DockerErrors.Map(new HttpRequestException("Connection failed.", new SocketException((int)code)), Endpoint, "x")!.Kind.ShouldBe(RuntimeErrorKind.DaemonNotRunning);

    [Fact]
    public void Map_NoSpaceLeft_IsOutOfDisk()
    {
        var api = new DockerApiException(HttpStatusCode.InternalServerError, "{\"message\":\"write /var/lib/docker/tmp/x: no space left on device\"}");

        var error = DockerErrors.Map(api, Endpoint, "create a container");

        error!.Kind.ShouldBe(RuntimeErrorKind.OutOfDisk);
        error.Message.ShouldContain("no space left on device");
        error.Action!.ShouldContain("scc prune");
    }

    [Fact]
    public void Map_NoSuchImage_IsImageMissingNamingTheImage()
    {
        var api = new DockerApiException(HttpStatusCode.NotFound, "{\"message\":\"No such image: scc-agent-claude:latest\"}");

        var error = DockerErrors.Map(api, Endpoint, "create a container");

        error!.Kind.ShouldBe(RuntimeErrorKind.ImageMissing);
        error.Message.ShouldContain("scc-agent-claude:latest");
    }

    [Fact]
    public void Map_NameInUse_IsNameConflict()
    {
        var api = new DockerApiException(HttpStatusCode.Conflict, "{\"message\":\"Conflict. The container name \\\"/scc-claude-app-1\\\" is already in use\"}");

        DockerErrors.Map(api, Endpoint, "create a container", "scc-claude-app-1")!.Kind.ShouldBe(RuntimeErrorKind.NameConflict);
    }

    [Fact]
    public void Map_ClientVersionTooNew_SaysNegotiationFailed()
    {
        var api = new DockerApiException(HttpStatusCode.BadRequest, "{\"message\":\"client version 1.50 is too new. Maximum supported API version is 1.41\"}");

        DockerErrors.Map(api, Endpoint, "list containers")!.Message.ShouldContain("negotiation");
    }

    [Fact]
    public void Map_Cancellation_IsNotMapped() =>
        DockerErrors.Map(new OperationCanceledException(), Endpoint, "x").ShouldBeNull();

    [Fact]
    public void Map_Bug_IsNotMapped() =>
        DockerErrors.Map(new NullReferenceException(), Endpoint, "x").ShouldBeNull();

    [Theory]
    [InlineData("1.41", null, "1.41")]
    [InlineData("1.45", "1.24", "1.45")]
    [InlineData("1.99", "1.24", "1.51")]
    [InlineData("1.99", "1.60", "1.60")]
    public void Negotiate_DaemonVersion_PinsToItCappedAtTheClients(string daemon, string? minimum, string expected) =>
        DockerClientProvider.Negotiate(Version.Parse(daemon), minimum is null ? null : Version.Parse(minimum)).ToString(2).ShouldBe(expected);

    [Fact]
    public void Resolve_NoDockerHost_IsTheDefaultSocket() =>
        DockerEndpoint.Resolve(new EmptyEnvironment()).ShouldBe(new Uri("unix:///var/run/docker.sock"));

    private sealed class EmptyEnvironment : Scc.Core.Paths.IEnvironment
    {
        public string? Get(string name) => null;
    }
}
