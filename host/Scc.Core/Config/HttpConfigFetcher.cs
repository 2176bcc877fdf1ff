using System.Net;
using System.Net.Http.Headers;
using Scc.Core.Errors;

namespace Scc.Core.Config;

/// <summary>What a conditional GET returned: new text with its ETag, or "not modified".</summary>
internal sealed record FetchResponse(string? Text, string? ETag, bool NotModified);

/// <summary>
/// Fetches a config document over HTTPS (plain HTTP only to loopback, which tests use) with a conditional GET,
/// a timeout and a size cap. Every failure is a <see cref="ConfigException"/> that says what the server did.
/// </summary>
internal sealed class HttpConfigFetcher
{
    private readonly Lazy<HttpClient> _http;

    public HttpConfigFetcher(HttpClient http)
        : this(() => http)
    {
    }

    /// <summary>The client is made on the first fetch: a start without an org URL never makes one (~5 ms of its main thread).</summary>
    public HttpConfigFetcher(Func<HttpClient> http) => _http = new Lazy<HttpClient>(http);

    public const int MaxBytes = 8 * 1024 * 1024;

    public static TimeSpan DefaultTimeout { get; } = TimeSpan.FromSeconds(15);

    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    /// <summary>Refuses anything but https, and http to a loopback address.</summary>
    public static Uri CheckUrl(string url, string what)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw new ConfigException($"The {what} '{url}' is not an https:// URL.", "Use an https:// URL or a local file path.");
        }

        if (uri.Scheme == Uri.UriSchemeHttp && !IsLoopback(uri))
        {
            throw new ConfigException($"The {what} '{url}' uses plain http://, which anyone on the network can read and change.",
                "Use the https:// URL of the same server.");
        }

        return uri;
    }

    public async Task<FetchResponse> GetAsync(Uri url, string? etag, IReadOnlyDictionary<string, string> headers, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (etag is not null && EntityTagHeaderValue.TryParse(etag, out var tag))
        {
            request.Headers.IfNoneMatch.Add(tag);
        }

        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        HttpResponseMessage response;
        try
        {
            response = await _http.Value.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ConfigException($"{url} did not answer within {Timeout.TotalSeconds:0} s.", "Check the network, or use --offline to run from the cache.");
        }
        catch (HttpRequestException e)
        {
            throw new ConfigException($"{url} cannot be reached: {e.Message}", "Check the network and the URL, or use --offline to run from the cache.", e);
        }

        using (response)
        {
            if (response.StatusCode == HttpStatusCode.NotModified)
            {
                return new FetchResponse(null, etag, NotModified: true);
            }

            if (!response.IsSuccessStatusCode)
            {
                throw StatusError(url, response.StatusCode);
            }

            var text = await ReadCappedAsync(response, url, timeout.Token).ConfigureAwait(false);
            var mediaType = response.Content.Headers.ContentType?.MediaType;
            if (mediaType is "text/html" || text.TrimStart().StartsWith('<'))
            {
                throw new ConfigException($"{url} answered with an HTML page, not a JSON config (a login or error page?).",
                    "Check the URL and the credentials (auth).");
            }

            return new FetchResponse(text, response.Headers.ETag?.ToString(), NotModified: false);
        }
    }

    private static ConfigException StatusError(Uri url, HttpStatusCode status) => (int)status switch
    {
        401 or 403 => new ConfigException($"{url} refused access ({(int)status} {status}).", "Check the auth setting (env:VAR or command:CMD) and that the token is valid."),
        404 => new ConfigException($"{url} does not exist (404 Not Found).", "Check the URL."),
        >= 500 => new ConfigException($"{url} failed on the server side ({(int)status} {status}).", "Try again later, or use --offline to run from the cache."),
        _ => new ConfigException($"{url} answered {(int)status} {status}.", "Check the URL."),
    };

    private static async Task<string> ReadCappedAsync(HttpResponseMessage response, Uri url, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength > MaxBytes)
        {
            throw new ConfigException($"{url} sent {response.Content.Headers.ContentLength} bytes; a config may be at most {MaxBytes}.", null);
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxBytes)
            {
                throw new ConfigException($"{url} sent more than {MaxBytes} bytes; that is not a config.", null);
            }

            buffer.Write(chunk, 0, read);
        }

        try
        {
            return new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer.GetBuffer(), 0, (int)buffer.Length).TrimStart('\uFEFF');
        }
        catch (System.Text.DecoderFallbackException)
        {
            throw new ConfigException($"{url} sent text that is not UTF-8.", "Check the URL.");
        }
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
}
