using System.Text;

namespace Scc.Core.Config;

internal enum DiagnosticSeverity
{
    Error,
    Warning,
}

/// <summary>One problem found in a config: what, where (origin, JSON path, line and column when known) and how bad.</summary>
internal sealed record ConfigDiagnostic(
    DiagnosticSeverity Severity,
    string Code,
    string Message,
    string? Origin = null,
    string? Path = null,
    int? Line = null,
    int? Column = null)
{
    public bool IsError => Severity == DiagnosticSeverity.Error;

    public static ConfigDiagnostic Error(string code, string message, string? path = null) =>
        new(DiagnosticSeverity.Error, code, message, Path: path);

    public static ConfigDiagnostic Warning(string code, string message, string? path = null) =>
        new(DiagnosticSeverity.Warning, code, message, Path: path);

    /// <summary><c>origin:line:column: path: message</c>, leaving out what is unknown.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        if (Origin is not null)
        {
            text.Append(Origin);
            if (Line is not null)
            {
                text.Append(':').Append(Line);
                if (Column is not null)
                {
                    text.Append(':').Append(Column);
                }
            }

            text.Append(": ");
        }
        else if (Line is not null)
        {
            text.Append("line ").Append(Line).Append(": ");
        }

        if (Path is not null)
        {
            text.Append(Path).Append(": ");
        }

        return text.Append(Message).ToString();
    }
}
