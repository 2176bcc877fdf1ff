using Docker.DotNet;
using Docker.DotNet.Models;
using Scc.Core.Runtime;

namespace Scc.Runtime.Docker;

internal sealed partial class DockerContainerRuntime
{
    public Task PutArchiveAsync(string idOrName, string containerDirectory, Stream tar, CancellationToken cancellationToken) =>
        CallAsync(
            "copy files into the container",
            idOrName,
            async c =>
            {
                try
                {
                    await c.Containers.ExtractArchiveToContainerAsync(
                        idOrName,
                        // The client sends this property as the engine's `noOverwriteDirNonDir` query parameter, as is:
                        // true is what refuses to replace a folder with a file (the name says the opposite).
                        new CopyToContainerParameters { Path = containerDirectory, AllowOverwriteDirWithFile = true },
                        tar,
                        cancellationToken).ConfigureAwait(false);
                }
                catch (DockerApiException e) when (IsNotFound(e))
                {
                    var message = DockerErrors.EngineMessage(e);
                    throw message.Contains("container", StringComparison.OrdinalIgnoreCase)
                        ? ContainerRuntimeException.ContainerNotFound(idOrName, e)
                        : ContainerRuntimeException.EngineError("copy files into the container", $"{containerDirectory}: {message}", e);
                }
            },
            cancellationToken);

    public async Task WriteFilesAsync(string idOrName, string containerDirectory, IReadOnlyList<ContainerFile> files, CancellationToken cancellationToken)
    {
        using var tar = TarArchives.FromFiles(files);
        await PutArchiveAsync(idOrName, containerDirectory, tar, cancellationToken).ConfigureAwait(false);
    }

    public async Task<byte[]?> ReadFileAsync(string idOrName, string containerPath, CancellationToken cancellationToken)
    {
        var tar = await OpenArchiveAsync(idOrName, containerPath, cancellationToken).ConfigureAwait(false);
        if (tar is null)
        {
            return null;
        }

        await using (tar.ConfigureAwait(false))
        {
            return await TarArchives.ReadFirstFileAsync(tar, cancellationToken).ConfigureAwait(false);
        }
    }

    public Task<Stream?> OpenArchiveAsync(string idOrName, string containerPath, CancellationToken cancellationToken) =>
        CallAsync<Stream?>(
            "read files from the container",
            idOrName,
            async c =>
            {
                try
                {
                    var response = await c.Containers.GetArchiveFromContainerAsync(
                        idOrName,
                        new ContainerPathStatParameters { Path = containerPath },
                        statOnly: false,
                        cancellationToken).ConfigureAwait(false);
                    if (response.Stream is not { } body)
                    {
                        return null;
                    }

                    // The client's chunked stream fails when a reader asks for exact sub-ranges (TarReader does), so the
                    // archive is first spooled to a temporary file that deletes itself on close.
                    await using (body.ConfigureAwait(false))
                    {
                        var spool = new FileStream(
                            Path.Combine(Path.GetTempPath(), $"scc-archive-{Guid.NewGuid():N}.tar"),
                            FileMode.CreateNew,
                            FileAccess.ReadWrite,
                            FileShare.None,
                            81920,
                            FileOptions.DeleteOnClose);
                        try
                        {
                            await body.CopyToAsync(spool, cancellationToken).ConfigureAwait(false);
                            spool.Position = 0;
                            return spool;
                        }
                        catch
                        {
                            await spool.DisposeAsync().ConfigureAwait(false);
                            throw;
                        }
                    }
                }
                catch (DockerApiException e) when (IsNotFound(e))
                {
                    if (DockerErrors.EngineMessage(e).Contains("No such container", StringComparison.OrdinalIgnoreCase))
                    {
                        throw ContainerRuntimeException.ContainerNotFound(idOrName, e);
                    }

                    return null;
                }
            },
            cancellationToken);
}
