using System.Text.Json.Nodes;

namespace Scc.Core.Audit;

internal enum AuditSeverity
{
    Info,
    Warning,
    Error,
}

/// <summary>An event to append. The log adds the sequence number, the time and the hash chain.</summary>
internal sealed record AuditEvent(string Type, AuditSeverity Severity, string Subject, JsonObject? Data = null)
{
    public static AuditEvent Info(string type, string subject, JsonObject? data = null) => new(type, AuditSeverity.Info, subject, data);

    public static AuditEvent Warning(string type, string subject, JsonObject? data = null) => new(type, AuditSeverity.Warning, subject, data);
}

/// <summary>One line of the log as written.</summary>
internal sealed record AuditRecord(long Seq, DateTimeOffset Timestamp, string Type, string Severity, string Subject, JsonObject? Data, string Prev);
