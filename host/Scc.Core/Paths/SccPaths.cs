namespace Scc.Core.Paths;

/// <summary>Reads environment variables; a seam so tests can point every path at a scratch folder.</summary>
internal interface IEnvironment
{
    string? Get(string name);
}

internal sealed class ProcessEnvironment : IEnvironment
{
    public static ProcessEnvironment Instance { get; } = new();

    public string? Get(string name) => Environment.GetEnvironmentVariable(name);
}

/// <summary>
/// The XDG base directories <c>scc</c> uses: config (<c>~/.config/scc</c>), data (<c>~/.local/share/scc</c>),
/// state (<c>~/.local/state/scc</c>) and cache (<c>~/.cache/scc</c>). A relative XDG value is ignored, as the
/// XDG spec asks.
/// </summary>
internal sealed class SccPaths(IEnvironment environment)
{
    public string Home => environment.Get("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    public string ConfigDir => Path.Combine(Xdg("XDG_CONFIG_HOME", ".config"), "scc");

    public string DataDir => Path.Combine(Xdg("XDG_DATA_HOME", Path.Combine(".local", "share")), "scc");

    public string StateDir => Path.Combine(Xdg("XDG_STATE_HOME", Path.Combine(".local", "state")), "scc");

    public string CacheDir => Path.Combine(Xdg("XDG_CACHE_HOME", ".cache"), "scc");

    public string UserConfigFile => Path.Combine(ConfigDir, "config.json");

    public string UserPluginDir => Path.Combine(DataDir, "plugins");

    public string AuditDir => Path.Combine(StateDir, "audit");

    public string AuditFile => Path.Combine(AuditDir, "audit.jsonl");

    /// <summary>The app's own folder (where <c>scc.dll</c> lives); built-in plugins sit in <c>plugins/</c> below it.</summary>
    public static string AppDir => AppContext.BaseDirectory;

    public static string BuiltInPluginDir => Path.Combine(AppDir, "plugins");

    private string Xdg(string variable, string fallbackUnderHome)
    {
        var value = environment.Get(variable);
        return !string.IsNullOrEmpty(value) && Path.IsPathRooted(value) ? value : Path.Combine(Home, fallbackUnderHome);
    }
}
