using Scc.Core.Paths;

namespace Scc.Testing;

/// <summary>An environment whose HOME and XDG folders live in a fresh temp folder, removed on dispose.</summary>
public sealed class TestEnvironment : IDisposable
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);

    public TestEnvironment()
    {
        Root = Path.Combine(Path.GetTempPath(), "scc-test-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Root);
        _values["HOME"] = Path.Combine(Root, "home");
        _values["XDG_CONFIG_HOME"] = Path.Combine(Root, "config");
        _values["XDG_DATA_HOME"] = Path.Combine(Root, "data");
        _values["XDG_STATE_HOME"] = Path.Combine(Root, "state");
        _values["XDG_CACHE_HOME"] = Path.Combine(Root, "cache");
        Directory.CreateDirectory(_values["HOME"]!);
    }

    public string Root { get; }

    internal IEnvironment Environment => new Reader(_values);

    internal SccPaths Paths => new(Environment);

    public string this[string name]
    {
        set => _values[name] = value;
    }

    /// <summary>The variables to pass to a child `scc` process so it uses this environment.</summary>
    public IReadOnlyDictionary<string, string?> Variables => _values;

    public string Dir(string relative)
    {
        var path = Path.Combine(Root, relative);
        Directory.CreateDirectory(path);
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
        catch (UnauthorizedAccessException)
        {
        }
    }

    private sealed class Reader(Dictionary<string, string?> values) : IEnvironment
    {
        public string? Get(string name) => values.TryGetValue(name, out var v) ? v : System.Environment.GetEnvironmentVariable(name);
    }
}
