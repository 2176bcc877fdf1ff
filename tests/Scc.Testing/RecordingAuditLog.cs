using Scc.Core.Audit;

namespace Scc.Testing;

/// <summary>Keeps appended events in memory; can be told to fail like an unwritable log.</summary>
internal sealed class RecordingAuditLog : IAuditLog
{
    public List<AuditEvent> Events { get; } = [];

    public bool Fail { get; set; }

    public string FilePath => "/memory/audit.jsonl";

    public void Append(IReadOnlyList<AuditEvent> events)
    {
        if (Fail)
        {
            throw new AuditWriteException(FilePath, "simulated failure");
        }

        Events.AddRange(events);
    }
}
