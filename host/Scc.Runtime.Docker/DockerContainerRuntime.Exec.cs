using Docker.DotNet;
using Docker.DotNet.Models;
using Scc.Core.Runtime;

namespace Scc.Runtime.Docker;

internal sealed partial class DockerContainerRuntime
{
    public async Task<ExecResult> ExecAsync(string idOrName, ExecRequest request, CancellationToken cancellationToken)
    {
        using var stdout = new MemoryStream();
        using var stderr = new MemoryStream();
        var exitCode = await ExecStreamingAsync(idOrName, request, stdout, stderr, cancellationToken).ConfigureAwait(false);
        return new ExecResult(exitCode, System.Text.Encoding.UTF8.GetString(stdout.ToArray()), System.Text.Encoding.UTF8.GetString(stderr.ToArray()));
    }

    public Task<long> ExecStreamingAsync(string idOrName, ExecRequest request, Stream standardOutput, Stream standardError, CancellationToken cancellationToken)
    {
        if (request.Argv.Count == 0)
        {
            throw new ArgumentException("An exec needs at least the program to run.", nameof(request));
        }

        return CallAsync(
            "run a command in the container",
            idOrName,
            async c =>
            {
                ContainerExecCreateResponse created;
                try
                {
                    created = await c.Exec.CreateContainerExecAsync(
                        idOrName,
                        new ContainerExecCreateParameters
                        {
                            Cmd = [.. request.Argv],
                            User = request.User!,
                            WorkingDir = request.WorkingDirectory!,
                            Env = request.Environment.Select(e => $"{e.Key}={e.Value}").ToList(),
                            AttachStdout = true,
                            AttachStderr = true,
                            AttachStdin = request.StandardInput is not null,
                        },
                        cancellationToken).ConfigureAwait(false);
                }
                catch (DockerApiException e) when (IsNotFound(e))
                {
                    throw ContainerRuntimeException.ContainerNotFound(idOrName, e);
                }

                using (var stream = await c.Exec.StartContainerExecAsync(created.ID, new ContainerExecStartParameters(), cancellationToken).ConfigureAwait(false))
                {
                    if (request.StandardInput is { } input)
                    {
                        await stream.WriteAsync(input, 0, input.Length, cancellationToken).ConfigureAwait(false);
                        stream.CloseWrite();
                    }

                    await stream.CopyOutputToAsync(Stream.Null, standardOutput, standardError, cancellationToken).ConfigureAwait(false);
                }

                // The output ends a moment before the engine records the exit code.
                for (var attempt = 0; ; attempt++)
                {
                    var inspected = await c.Exec.InspectContainerExecAsync(created.ID, cancellationToken).ConfigureAwait(false);
                    if (!inspected.Running && inspected.ExitCode is { } exitCode)
                    {
                        return exitCode;
                    }

                    await Task.Delay(attempt < 10 ? 10 : 100, cancellationToken).ConfigureAwait(false);
                }
            },
            cancellationToken);
    }
}
