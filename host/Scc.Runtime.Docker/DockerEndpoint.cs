using Scc.Core.Paths;

namespace Scc.Runtime.Docker;

/// <summary>Where the engine listens: <c>DOCKER_HOST</c> (<c>unix://</c> or <c>tcp://</c>) or the default socket.</summary>
internal static class DockerEndpoint
{
    public const string DefaultSocket = "unix:///var/run/docker.sock";

    public static Uri Resolve(IEnvironment environment)
    {
        var value = environment.Get("DOCKER_HOST");
        if (string.IsNullOrWhiteSpace(value))
        {
            return new Uri(DefaultSocket);
        }

        value = value.Trim();
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("unix" or "tcp" or "http" or "https" or "npipe"))
        {
            throw new Core.Errors.ConfigException(
                $"DOCKER_HOST='{value}' is not an engine address scc understands.",
                "Use unix:///path/to/docker.sock or tcp://host:port, or unset DOCKER_HOST to use /var/run/docker.sock.");
        }

        return uri;
    }

    /// <summary>The endpoint as people write it (a socket path stays a path).</summary>
    public static string Describe(Uri endpoint) => endpoint.Scheme == "unix" ? endpoint.AbsolutePath : endpoint.ToString().TrimEnd('/');
}
