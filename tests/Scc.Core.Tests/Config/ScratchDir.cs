using Scc.Core.Paths;

namespace Scc.Core.Tests.Config;

/// <summary>A temp folder that acts as HOME with every XDG variable pointing inside it; deleted on dispose.</summary>
internal sealed class ScratchDir : IDisposable
{
    public ScratchDir()
    {
        Root = Path.Combine(Path.GetTempPath(), "scc-gov-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
        Paths = new SccPaths(new MapEnvironment(new Dictionary<string, string>
        {
            ["HOME"] = Root,
            ["XDG_CONFIG_HOME"] = Path.Combine(Root, "config"),
            ["XDG_CACHE_HOME"] = Path.Combine(Root, "cache"),
            ["XDG_DATA_HOME"] = Path.Combine(Root, "data"),
            ["XDG_STATE_HOME"] = Path.Combine(Root, "state"),
        }));
    }

    public string Root { get; }

    public SccPaths Paths { get; }

    public string Write(string relative, string text)
    {
        var path = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

internal sealed class MapEnvironment(IReadOnlyDictionary<string, string> values) : IEnvironment
{
    public string? Get(string name) => values.TryGetValue(name, out var v) ? v : null;
}
