using Scc.Abstractions;

namespace Scc.Core.Plugins;

/// <summary>Gives a provider read access to its data volume; the container runtime supplies the real one.</summary>
internal interface IProviderDataReaderFactory
{
    IProviderDataReader For(ProviderRuntimeSpec spec);
}

/// <summary>Used when no container runtime is present: providers answer an honest "unknown".</summary>
internal sealed class UnavailableProviderDataReaderFactory : IProviderDataReaderFactory
{
    public IProviderDataReader For(ProviderRuntimeSpec spec) => Reader.Instance;

    private sealed class Reader : IProviderDataReader
    {
        public static Reader Instance { get; } = new();

        public bool IsAvailable => false;

        public Task<byte[]?> ReadFileAsync(string relativePath, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("No container runtime is available to read provider data.");
    }
}
