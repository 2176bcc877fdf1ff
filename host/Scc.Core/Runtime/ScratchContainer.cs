namespace Scc.Core.Runtime;

/// <summary>
/// A container that is created and never started, only to reach volumes through the engine's archive API (read a
/// provider's credentials, write a session's policy and settings), and removed right after, whatever happened.
/// </summary>
internal static class ScratchContainer
{
    public static async Task<T> UseAsync<T>(
        IContainerLifecycle containers,
        string image,
        string name,
        IReadOnlyDictionary<string, string> labels,
        IReadOnlyList<MountSpec> mounts,
        Func<Task<T>> work,
        CancellationToken cancellationToken)
    {
        await containers.CreateContainerAsync(new ContainerSpec(image, name)
        {
            Labels = labels,
            Mounts = mounts,
            Networks = [ContainerSpec.NoNetwork],
            Command = ["true"],
            Entrypoint = [],
        }, cancellationToken).ConfigureAwait(false);
        try
        {
            return await work().ConfigureAwait(false);
        }
        finally
        {
            await containers.RemoveContainerAsync(name, CancellationToken.None).ConfigureAwait(false);
        }
    }
}
