using System.Diagnostics;
using Scc.Core.Launch;
using Scc.Core.Runtime;

namespace Scc.Runtime.Docker;

/// <summary>
/// Attaches the agent to the user's terminal through the docker CLI (`docker exec -it`): the Engine API has no
/// portable way to hand over a TTY, the CLI does. scc starts it as a child process and waits, so scc stays the
/// parent and cleans up after the agent exits. The CLI inherits DOCKER_HOST, so it talks to the same engine.
/// </summary>
internal sealed class DockerCliTerminal : IInteractiveTerminal
{
    private readonly Lazy<string?> _docker = new(FindDocker);

    public bool Available => _docker.Value is not null;

    public Task<int> ExecAttachedAsync(string container, ExecRequest request, CancellationToken cancellationToken)
    {
        var args = new List<string> { "exec", "-i" };
        if (!Console.IsInputRedirected && !Console.IsOutputRedirected)
        {
            args.Add("-t");
        }

        if (request.User is { } user)
        {
            args.AddRange(["-u", user]);
        }

        if (request.WorkingDirectory is { } wd)
        {
            args.AddRange(["-w", wd]);
        }

        foreach (var (k, v) in request.Environment)
        {
            args.AddRange(["-e", $"{k}={v}"]);
        }

        args.Add(container);
        args.AddRange(request.Argv);
        return RunAsync(args, cancellationToken);
    }

    public Task<int> RunAttachedAsync(ContainerSpec spec, CancellationToken cancellationToken)
    {
        var args = new List<string> { "run", "--rm", "-i", "--name", spec.Name };
        if (!Console.IsInputRedirected && !Console.IsOutputRedirected)
        {
            args.Add("-t");
        }

        foreach (var (k, v) in spec.Labels)
        {
            args.AddRange(["--label", $"{k}={v}"]);
        }

        foreach (var m in spec.Mounts)
        {
            args.AddRange(["--mount", $"type={m.Kind.ToString().ToLowerInvariant()},source={m.Source},target={m.Target}{(m.ReadOnly ? ",readonly" : string.Empty)}"]);
        }

        foreach (var cap in spec.CapDrop)
        {
            args.AddRange(["--cap-drop", cap]);
        }

        foreach (var opt in spec.SecurityOptions)
        {
            args.AddRange(["--security-opt", opt]);
        }

        args.Add(spec.Image);
        args.AddRange(spec.Command ?? []);
        return RunAsync(args, cancellationToken);
    }

    private async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo(_docker.Value ?? "docker") { UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException("docker did not start");
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Ctrl-C reaches the child through the terminal too; give it a moment, then make sure it is gone.
            if (!process.WaitForExit(3000))
            {
                process.Kill(entireProcessTree: true);
            }

            throw;
        }

        return process.ExitCode;
    }

    private static string? FindDocker()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, "docker");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
