namespace Scc.Core.Errors;

/// <summary>Process exit codes of every <c>scc</c> command (DESIGN.md §9).</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int NotFound = 1;
    public const int Usage = 2;
    public const int ConfigOrNetwork = 3;
    public const int Tool = 4;
    public const int PrerequisiteMissing = 5;
    public const int Governance = 6;
    public const int Cancelled = 130;
}
