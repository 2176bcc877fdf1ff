using System.Net.Sockets;
using System.Text;
using Scc.Core.Errors;
using Scc.Core.Paths;
using Scc.Core.Runtime;
using Scc.Runtime.Docker;

namespace Scc.Integration.Tests.Runtime;

/// <summary>
/// The engine connection is one attempt shared by every caller (a start begins it before anything else): against a
/// fake engine on a unix socket that counts the version requests it answers. No Docker engine needed.
/// </summary>
public sealed class DockerClientProviderTests : IDisposable
{
    private readonly string _socket = Path.Combine(Path.GetTempPath(), $"scc-fake-engine-{Guid.NewGuid():N}.sock");

    public void Dispose() => File.Delete(_socket);

    [Fact]
    public async Task Warm_ThenConcurrentCallers_ShareOneConnection()
    {
        using var engine = FakeEngine.Start(_socket);
        using var clients = new DockerClientProvider(new SocketEnvironment(_socket));

        clients.Warm();
        var infos = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => clients.GetInfoAsync(CancellationToken.None)));
        var client = await clients.GetClientAsync(CancellationToken.None);

        infos.ShouldAllBe(i => i.Version == "99.1.0" && i.ApiVersion == "1.43");
        client.ShouldNotBeNull();
        engine.VersionRequests.ShouldBe(1);
    }

    [Fact]
    public async Task FailedAttempt_IsReportedToTheNextCaller_ThenTheOneAfterConnectsAgain()
    {
        using var clients = new DockerClientProvider(new SocketEnvironment(_socket));

        clients.Warm(); // no engine yet: this attempt fails
        var error = await Should.ThrowAsync<ContainerRuntimeException>(() => clients.GetInfoAsync(CancellationToken.None));
        error.Kind.ShouldBe(RuntimeErrorKind.DaemonNotRunning);

        using var engine = FakeEngine.Start(_socket);
        var info = await clients.GetInfoAsync(CancellationToken.None);

        info.Version.ShouldBe("99.1.0");
        engine.VersionRequests.ShouldBe(1);
    }

    [Fact]
    public async Task CancelledCaller_StopsOnlyItsOwnWait()
    {
        using var engine = FakeEngine.Start(_socket, holdAnswers: true);
        using var clients = new DockerClientProvider(new SocketEnvironment(_socket));
        using var cancel = new CancellationTokenSource();

        var cancelled = clients.GetInfoAsync(cancel.Token);
        var patient = clients.GetInfoAsync(CancellationToken.None);
        await engine.FirstRequest.WaitAsync(TimeSpan.FromSeconds(30));
        cancel.Cancel();
        await Should.ThrowAsync<OperationCanceledException>(() => cancelled);
        patient.IsCompleted.ShouldBeFalse();

        engine.Release();
        (await patient.WaitAsync(TimeSpan.FromSeconds(30))).Version.ShouldBe("99.1.0");
        engine.VersionRequests.ShouldBe(1);
    }

    private sealed class SocketEnvironment(string socket) : IEnvironment
    {
        public string? Get(string name) => name == "DOCKER_HOST" ? $"unix://{socket}" : null;
    }

    /// <summary>Answers GET /version (and nothing else) on a unix socket, one connection at a time.</summary>
    private sealed class FakeEngine : IDisposable
    {
        private const string Body = """{"Version":"99.1.0","ApiVersion":"1.43","MinAPIVersion":"1.24","Os":"linux","Arch":"amd64"}""";
        private readonly Socket _listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        private readonly TaskCompletionSource _first = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly CancellationTokenSource _stop = new();
        private int _versionRequests;

        public int VersionRequests => Volatile.Read(ref _versionRequests);

        public Task FirstRequest => _first.Task;

        public static FakeEngine Start(string path, bool holdAnswers = false)
        {
            var engine = new FakeEngine();
            engine._listener.Bind(new UnixDomainSocketEndPoint(path));
            engine._listener.Listen(16);
            if (!holdAnswers)
            {
                engine.Release();
            }

            _ = engine.ServeAsync();
            return engine;
        }

        public void Release() => _release.TrySetResult();

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Dispose();
            _stop.Dispose();
        }

        private async Task ServeAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                Socket connection;
                try
                {
                    connection = await _listener.AcceptAsync(_stop.Token);
                }
                catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
                {
                    return;
                }

                _ = AnswerAsync(connection);
            }
        }

        private async Task AnswerAsync(Socket connection)
        {
            using (connection)
            {
                var request = new StringBuilder();
                var buffer = new byte[4096];
                while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    var n = await connection.ReceiveAsync(buffer, SocketFlags.None);
                    if (n == 0)
                    {
                        return;
                    }

                    request.Append(Encoding.ASCII.GetString(buffer, 0, n));
                }

                var isVersion = request.ToString().StartsWith("GET /version ", StringComparison.Ordinal);
                if (isVersion)
                {
                    Interlocked.Increment(ref _versionRequests);
                    _first.TrySetResult();
                    await _release.Task;
                }

                var (status, body) = isVersion ? ("200 OK", Body) : ("404 Not Found", """{"message":"not here"}""");
                var bytes = Encoding.UTF8.GetBytes(body);
                var head = $"HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n\r\n";
                await connection.SendAsync(Encoding.ASCII.GetBytes(head).Concat(bytes).ToArray(), SocketFlags.None);
                connection.Shutdown(SocketShutdown.Both);
            }
        }
    }
}
