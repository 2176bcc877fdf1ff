using System.CommandLine;
using Scc.Cli.Rendering;

namespace Scc.Cli;

/// <summary>Options every command understands, and the parse result of the running invocation.</summary>
internal sealed class CliContext(CliOutput output)
{
    public CliOutput Output { get; } = output;

    /// <summary>The one root option that takes a value (what <see cref="CliApp.CommandWord"/> skips).</summary>
    public const string OrgConfigOptionName = "--org-config";

    public Option<FileInfo?> OrgConfigOption { get; } = new(OrgConfigOptionName)
    {
        Description = "Use this org config file instead of the one set up with `scc setup`",
        Recursive = true,
    };

    public Option<bool> OfflineOption { get; } = new("--offline")
    {
        Description = "Use only the cached org config; never fetch",
        Recursive = true,
    };

    public ParseResult? ParseResult { get; set; }

    public string? OrgConfigOverride => ParseResult?.GetValue(OrgConfigOption)?.FullName;

    public bool Offline => ParseResult?.GetValue(OfflineOption) ?? false;
}
