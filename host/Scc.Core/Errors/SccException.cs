namespace Scc.Core.Errors;

/// <summary>
/// A domain failure with a message for the user, a suggested action and an exit code. Only the CLI's command
/// base turns these into output; everything else throws or returns values.
/// </summary>
internal abstract class SccException : Exception
{
    protected SccException(string message, string? action, int exitCode, Exception? inner = null)
        : base(message, inner)
    {
        Action = action;
        ExitCode = exitCode;
    }

    /// <summary>What the user can do about it, or null.</summary>
    public string? Action { get; }

    public int ExitCode { get; }
}

internal sealed class NotFoundException(string message, string? action = null)
    : SccException(message, action, ExitCodes.NotFound);

internal sealed class UsageException(string message, string? action = null)
    : SccException(message, action, ExitCodes.Usage);

internal sealed class ConfigException(string message, string? action = null, Exception? inner = null)
    : SccException(message, action, ExitCodes.ConfigOrNetwork, inner);

internal sealed class ToolException(string message, string? action = null, Exception? inner = null)
    : SccException(message, action, ExitCodes.Tool, inner);

internal sealed class PrerequisiteException(string message, string? action = null, Exception? inner = null)
    : SccException(message, action, ExitCodes.PrerequisiteMissing, inner);

internal sealed class GovernanceException(string message, string? action = null)
    : SccException(message, action, ExitCodes.Governance);

internal sealed class CancelledException(string message = "Cancelled.")
    : SccException(message, null, ExitCodes.Cancelled);
