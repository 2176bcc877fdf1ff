using System.CommandLine;
using Scc.Cli.Rendering;

namespace Scc.Cli;

/// <summary>Options every command understands, and the parse result of the running invocation.</summary>
internal sealed class CliContext(CliOutput output)
{
    public CliOutput Output { get; } = output;

    public Option<FileInfo?> OrgConfigOption { get; } = new("--org-config")
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
