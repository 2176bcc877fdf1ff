using Docker.DotNet;
using Docker.DotNet.Models;
using Scc.Core.Runtime;
using ImageBuildResult = Scc.Core.Runtime.ImageBuildResult;

namespace Scc.Runtime.Docker;

internal sealed partial class DockerContainerRuntime
{
    public Task<ImageInfo?> InspectImageAsync(string reference, CancellationToken cancellationToken) =>
        CallAsync<ImageInfo?>(
            "inspect the image",
            reference,
            async c =>
            {
                try
                {
                    var r = await c.Images.InspectImageAsync(reference, cancellationToken).ConfigureAwait(false);
                    return new ImageInfo(
                        r.ID,
                        r.RepoTags?.ToList() ?? [],
                        Labels(r.Config?.Labels),
                        r.Created is { } created ? new DateTimeOffset(DateTime.SpecifyKind(created, DateTimeKind.Utc)) : null,
                        r.Size);
                }
                catch (DockerApiException e) when (IsNotFound(e))
                {
                    return null;
                }
            },
            cancellationToken);

    public async Task<bool> ImageExistsAsync(string reference, CancellationToken cancellationToken) =>
        await InspectImageAsync(reference, cancellationToken).ConfigureAwait(false) is not null;

    public Task<IReadOnlyList<ImageInfo>> ListImagesAsync(LabelSelector? labels, string? reference, CancellationToken cancellationToken) =>
        CallAsync<IReadOnlyList<ImageInfo>>(
            "list images",
            null,
            async c =>
            {
                var filters = LabelFilters(labels);
                if (reference is not null)
                {
                    filters["reference"] = new Dictionary<string, bool>(StringComparer.Ordinal) { [reference] = true };
                }

                var list = await c.Images.ListImagesAsync(new ImagesListParameters { Filters = filters }, cancellationToken).ConfigureAwait(false);
                return list
                    .Select(i => new ImageInfo(
                        i.ID,
                        i.RepoTags?.Where(t => t != "<none>:<none>").ToList() ?? [],
                        Labels(i.Labels),
                        new DateTimeOffset(DateTime.SpecifyKind(i.Created, DateTimeKind.Utc)),
                        i.Size))
                    .OrderBy(i => i.Tags.FirstOrDefault() ?? i.Id, StringComparer.Ordinal)
                    .ToList();
            },
            cancellationToken);

    public Task RemoveImageAsync(string reference, CancellationToken cancellationToken) => DeleteImageAsync(reference, force: true, cancellationToken);

    public Task<bool> RemoveImageIfUnusedAsync(string id, CancellationToken cancellationToken) => DeleteImageAsync(id, force: false, cancellationToken);

    /// <summary>True when removed or gone already; false when, without force, the engine refuses (the image is needed).</summary>
    private Task<bool> DeleteImageAsync(string reference, bool force, CancellationToken cancellationToken) =>
        CallAsync(
            "remove the image",
            reference,
            async c =>
            {
                try
                {
                    await c.Images.DeleteImageAsync(reference, new ImageDeleteParameters { Force = force }, cancellationToken).ConfigureAwait(false);
                    return true;
                }
                catch (DockerApiException e) when (IsNotFound(e))
                {
                    return true; // gone already
                }
                catch (DockerApiException e) when (!force && e.StatusCode == System.Net.HttpStatusCode.Conflict)
                {
                    return false; // used by a container, a parent of another image, or tagged more than once
                }
            },
            cancellationToken);

    public async Task<ImageBuildResult> BuildImageAsync(ImageBuildRequest request, IProgress<ImageBuildEvent>? progress, CancellationToken cancellationToken)
    {
        if (request.Tags.Count == 0)
        {
            throw new ArgumentException("An image build needs at least one tag.", nameof(request));
        }

        var image = request.Tags[0];
        using var context = TarArchives.FromDirectory(request.ContextDirectory);
        var tracker = new BuildOutputTracker(progress);
        string? error = null;

        // Synchronous callback: messages arrive in order, and the tracker is not thread-safe.
        var messages = new SynchronousProgress<JSONMessage>(m =>
        {
            tracker.OnStream(m.Stream);
            if (m.Aux?.ExtensionData is { } aux && aux.TryGetValue("ID", out var id))
            {
                tracker.OnImageId(id?.ToString());
            }

            var message = m.Error?.Message;
            if (!string.IsNullOrEmpty(message))
            {
                error ??= message;
                tracker.OnError(message);
            }
        });

        var parameters = new ImageBuildParameters
        {
            Tags = [.. request.Tags],
            Dockerfile = request.Dockerfile,
            BuildArgs = request.BuildArgs is null ? null : new Dictionary<string, string>(request.BuildArgs, StringComparer.Ordinal),
            Labels = request.Labels is null ? null : new Dictionary<string, string>(request.Labels, StringComparer.Ordinal),
            NoCache = request.NoCache,
            Remove = true,
            ForceRemove = true,
        };

        await CallAsync(
            "build the image",
            image,
            c => c.Images.BuildImageFromDockerfileAsync(parameters, context, [], new Dictionary<string, string>(), messages, cancellationToken),
            cancellationToken).ConfigureAwait(false);
        tracker.Flush();

        if (error is not null)
        {
            if (error.Contains("no space left on device", StringComparison.OrdinalIgnoreCase))
            {
                throw ContainerRuntimeException.OutOfDisk(error);
            }

            throw new ImageBuildFailedException(image, tracker.CurrentStep, error, tracker.LastOutput);
        }

        var built = await InspectImageAsync(image, cancellationToken).ConfigureAwait(false)
            ?? throw new ImageBuildFailedException(image, tracker.CurrentStep, "the engine reported success but the image is missing", tracker.LastOutput);
        return new ImageBuildResult(built.Id, request.Tags);
    }

    /// <summary><see cref="Progress{T}"/> posts to the thread pool and may reorder; this one calls straight through.</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
