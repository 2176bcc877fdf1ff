using Scc.Core.Paths;
using Scc.Core.Runtime;
using Scc.Runtime.Docker;

namespace Scc.Integration.Tests.Runtime;

/// <summary>
/// A real engine for one test class. Everything a test creates carries the label <see cref="TestLabel"/> with this
/// instance's run id, and <see cref="DisposeAsync"/> removes it all by label, also when the test failed.
/// Skips (with the reason) when no engine answers or the base image is missing, unless <c>SCC_REQUIRE_DOCKER=1</c>,
/// which turns the skip into a failure (CI sets it).
/// </summary>
public sealed class DockerTestEngine : IAsyncLifetime
{
    public const string TestLabel = "scc.test";
    public const string BaseImage = "debian:bookworm-slim";

    private DockerClientProvider? _clients;

    public string RunId { get; } = Guid.NewGuid().ToString("N")[..12];

    internal DockerContainerRuntime Runtime { get; private set; } = null!;

    internal EngineInfo? Info { get; private set; }

    private string? SkipReason { get; set; }

    public IReadOnlyDictionary<string, string> Labels => new Dictionary<string, string> { [TestLabel] = RunId };

    /// <summary>A unique name for a test object, prefixed so a stray one is recognisable.</summary>
    public string Name(string purpose) => $"scc-test-{purpose}-{RunId}-{Guid.NewGuid().ToString("N")[..6]}";

    public async Task InitializeAsync()
    {
        _clients = new DockerClientProvider(ProcessEnvironment.Instance);
        Runtime = new DockerContainerRuntime(_clients);
        var probe = await Runtime.ProbeAsync(CancellationToken.None);
        if (!probe.Reachable)
        {
            SkipReason = $"no Docker engine answers ({probe.FailureMessage})";
            return;
        }

        Info = probe.Info;
        if (!await Runtime.ImageExistsAsync(BaseImage, CancellationToken.None))
        {
            SkipReason = $"the base image {BaseImage} is missing (run scripts/make-base-image.sh)";
        }
    }

    /// <summary>Call first in every test.</summary>
    public void RequireEngine()
    {
        if (SkipReason is null)
        {
            return;
        }

        if (Environment.GetEnvironmentVariable("SCC_REQUIRE_DOCKER") == "1")
        {
            throw new InvalidOperationException($"SCC_REQUIRE_DOCKER=1 but {SkipReason}.");
        }

        Skip.If(true, SkipReason);
    }

    /// <summary>A container that stays up (<c>sleep infinity</c>) for exec tests.</summary>
    internal async Task<string> StartIdleContainerAsync(Func<ContainerSpec, ContainerSpec>? customize = null)
    {
        var spec = new ContainerSpec(BaseImage, Name("idle"))
        {
            Labels = Labels,
            Command = ["sleep", "infinity"],
            Init = true,
        };
        spec = customize?.Invoke(spec) ?? spec;
        var id = await Runtime.CreateContainerAsync(spec, CancellationToken.None);
        await Runtime.StartContainerAsync(id, CancellationToken.None);
        return id;
    }

    public async Task DisposeAsync()
    {
        if (SkipReason is null && _clients is not null)
        {
            var mine = LabelSelector.Of((TestLabel, RunId));
            foreach (var c in await Runtime.ListContainersAsync(mine, CancellationToken.None))
            {
                await Runtime.RemoveContainerAsync(c.Id, CancellationToken.None);
            }

            foreach (var n in await Runtime.ListNetworksAsync(mine, CancellationToken.None))
            {
                await Runtime.RemoveNetworkAsync(n.Id, CancellationToken.None);
            }

            foreach (var v in await Runtime.ListVolumesAsync(mine, CancellationToken.None))
            {
                await Runtime.RemoveVolumeAsync(v.Name, CancellationToken.None);
            }

            foreach (var i in await Runtime.ListImagesAsync(mine, null, CancellationToken.None))
            {
                await Runtime.RemoveImageAsync(i.Id, CancellationToken.None);
            }
        }

        _clients?.Dispose();
    }
}
