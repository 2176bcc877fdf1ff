using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Scc.Core.Tests.Config;

/// <summary>A canned response of <see cref="LoopbackServer"/>.</summary>
internal sealed record Canned(int Status, string Body, string ContentType = "application/json", string? ETag = null);

/// <summary>
/// A real HTTP server on 127.0.0.1 (never any other address), started by a test. Each path answers with a
/// function of the request; every request is recorded.
/// </summary>
internal sealed class LoopbackServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentDictionary<string, Func<HttpListenerRequest, Canned>> _routes = new();
    private readonly Task _loop;

    public LoopbackServer()
    {
        for (var attempt = 0; ; attempt++)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            Port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            _listener.Prefixes.Clear();
            _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
            try
            {
                _listener.Start();
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
            }
        }

        _loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public ConcurrentQueue<(string Path, string? IfNoneMatch, string? Authorization, IReadOnlyDictionary<string, string?> Headers)> Requests { get; } = new();

    public string Url(string path) => $"http://127.0.0.1:{Port}{path}";

    public void Map(string path, Func<HttpListenerRequest, Canned> handler) => _routes[path] = handler;

    public void Map(string path, Canned response) => _routes[path] = _ => response;

    public int Hits(string path) => Requests.Count(r => r.Path == path);

    public void Dispose()
    {
        // Close alone (it stops too): a Stop before it made Close look the port up again, and the managed listener
        // then binds it anew, failing with "Address already in use" when another test took the port meanwhile.
        try
        {
            _listener.Close();
        }
        catch (HttpListenerException)
        {
            // The listener is gone either way; a test's dispose must not fail on it.
        }

        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            var request = context.Request;
            var path = request.Url!.AbsolutePath;
            Requests.Enqueue((path, request.Headers["If-None-Match"], request.Headers["Authorization"],
                request.Headers.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => request.Headers[k], StringComparer.OrdinalIgnoreCase)));
            var canned = _routes.TryGetValue(path, out var handler) ? handler(request) : new Canned(404, "not found", "text/plain");
            var response = context.Response;
            response.StatusCode = canned.Status;
            response.ContentType = canned.ContentType;
            if (canned.ETag is not null)
            {
                response.Headers["ETag"] = canned.ETag;
            }

            var bytes = Encoding.UTF8.GetBytes(canned.Body);
            if (canned.Status != 304)
            {
                response.ContentLength64 = bytes.Length;
                await response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
            }

            response.Close();
        }
    }
}

/// <summary>A clock the test moves by hand.</summary>
internal sealed class ManualTime : TimeProvider
{
    public DateTimeOffset Now { get; set; } = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Now += by;
}
