using Scc.Abstractions;
using Scc.Core.Plugins;
using Scc.Core.Runtime;

namespace Scc.Core.Launch;

/// <summary>
/// Reads files of a provider's data volume through a helper container that is created (never started) with the
/// volume mounted read-only, then removed. Without a reachable engine or an image to create it from, the reader
/// says it is unavailable and providers answer "unknown".
/// </summary>
internal sealed class VolumeDataReaderFactory(IEngineInfoProvider engine, IImageStore images, IContainerLifecycle containers, IContainerFiles files, IVolumeStore volumes) : IProviderDataReaderFactory
{
    private readonly IVolumeStore _volumes = volumes;
    private readonly IEngineInfoProvider _engine = engine;
    private readonly IImageStore _images = images;
    private readonly IContainerLifecycle _containers = containers;
    private readonly IContainerFiles _files = files;

    private const string MountPoint = "/scc-data";

    public IProviderDataReader For(ProviderRuntimeSpec spec) => new Reader(this, spec);

    /// <summary>
    /// Where a provider's <paramref name="relativePath"/> is in a container that mounts its data volume at
    /// <paramref name="mountPoint"/>; a path that would leave the volume is refused (every reader of provider data).
    /// </summary>
    public static string PathInVolume(string mountPoint, string relativePath) =>
        relativePath.StartsWith('/') || relativePath.Split('/').Contains("..")
            ? throw new ArgumentException($"'{relativePath}' is not a path inside the data volume.", nameof(relativePath))
            : $"{mountPoint}/{relativePath}";

    private sealed class Reader(VolumeDataReaderFactory owner, ProviderRuntimeSpec spec) : IProviderDataReader
    {
        private string? _image;
        private bool? _available;

        public bool IsAvailable => _available ??= Probe();

        public async Task<byte[]?> ReadFileAsync(string relativePath, CancellationToken cancellationToken)
        {
            if (!IsAvailable || _image is null)
            {
                throw new InvalidOperationException("No container runtime is available to read provider data.");
            }

            var path = PathInVolume(MountPoint, relativePath);

            // A volume that does not exist holds no credentials; mounting it would create it (unlabelled).
            if (await owner._volumes.InspectVolumeAsync(spec.DataVolumeName, cancellationToken).ConfigureAwait(false) is null)
            {
                return null;
            }

            var name = $"scc-read-{spec.ProviderId}-{Guid.NewGuid():N}"[..40];
            return await ScratchContainer.UseAsync(
                owner._containers,
                _image,
                name,
                new Dictionary<string, string> { [SessionLabels.Managed] = SessionLabels.ManagedValue, [SessionLabels.Role] = "data-reader" },
                [MountSpec.Volume(spec.DataVolumeName, MountPoint, readOnly: true)],
                () => owner._files.ReadFileAsync(name, path, cancellationToken),
                cancellationToken).ConfigureAwait(false);
        }

        private bool Probe()
        {
            var probe = owner._engine.ProbeAsync(CancellationToken.None).GetAwaiter().GetResult();
            if (!probe.Reachable)
            {
                return false;
            }

            foreach (var candidate in new[] { spec.ImageReference, ImageProvisioner.BaseImage })
            {
                if (owner._images.ImageExistsAsync(candidate, CancellationToken.None).GetAwaiter().GetResult())
                {
                    _image = candidate;
                    return true;
                }
            }

            return false;
        }
    }
}
