using System.Text.Json;
using System.Text.Json.Nodes;

namespace Scc.Core.Audit;

/// <summary>The outcome of <c>scc audit verify</c>: the first bad line (1-based) and why, or ok.</summary>
internal sealed record AuditVerification(bool Ok, long Lines, long? BadLine, string? Problem)
{
    public static AuditVerification Good(long lines) => new(true, lines, null, null);

    public static AuditVerification Bad(long lines, long line, string problem) => new(false, lines, line, problem);
}

internal static class AuditReader
{
    /// <summary>The last <paramref name="count"/> records, oldest first. Lines that do not parse are skipped.</summary>
    public static IReadOnlyList<JsonObject> Tail(string path, int count)
    {
        if (!File.Exists(path) || count <= 0)
        {
            return [];
        }

        var queue = new Queue<JsonObject>(count);
        foreach (var line in File.ReadLines(path))
        {
            if (line.Length == 0)
            {
                continue;
            }

            JsonObject? obj;
            try
            {
                obj = JsonNode.Parse(line) as JsonObject;
            }
            catch (JsonException)
            {
                continue;
            }

            if (obj is null)
            {
                continue;
            }

            if (queue.Count == count)
            {
                queue.Dequeue();
            }

            queue.Enqueue(obj);
        }

        return [.. queue];
    }

    /// <summary>
    /// Walks the chain: every line must parse, carry seq = its position, and a <c>prev</c> equal to the hash of the
    /// line before it; the head file must match the last line. Names the first line that is wrong.
    /// </summary>
    public static AuditVerification Verify(string path)
    {
        if (!File.Exists(path))
        {
            return File.Exists(path + ".head")
                ? AuditVerification.Bad(0, 1, "the log file is missing but its head file says lines were written")
                : AuditVerification.Good(0);
        }

        var bytes = File.ReadAllBytes(path);
        var expectedPrev = AuditLog.GenesisHash;
        long lineNo = 0;
        var start = 0;
        string? lastHash = null;
        while (start < bytes.Length)
        {
            var nl = Array.IndexOf(bytes, (byte)'\n', start);
            var torn = nl < 0;
            var end = torn ? bytes.Length : nl;
            var line = new ReadOnlySpan<byte>(bytes, start, end - start);
            lineNo++;
            if (torn)
            {
                return AuditVerification.Bad(lineNo, lineNo, "the line is incomplete (no newline): a write was cut off or the file was edited");
            }

            long seq;
            string? prev;
            try
            {
                using var doc = JsonDocument.Parse(line.ToArray());
                var root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object ||
                    !root.TryGetProperty("seq", out var seqEl) || !seqEl.TryGetInt64(out seq) ||
                    !root.TryGetProperty("prev", out var prevEl) || prevEl.ValueKind != JsonValueKind.String)
                {
                    return AuditVerification.Bad(lineNo, lineNo, "the line is not an audit record (seq or prev missing)");
                }

                prev = prevEl.GetString();
            }
            catch (JsonException)
            {
                return AuditVerification.Bad(lineNo, lineNo, "the line is not valid JSON");
            }

            if (seq != lineNo)
            {
                return AuditVerification.Bad(lineNo, lineNo, $"sequence number {seq} where {lineNo} was expected: a line was removed, inserted or reordered");
            }

            if (!string.Equals(prev, expectedPrev, StringComparison.Ordinal))
            {
                // The record before this one no longer hashes to what this line recorded: that line was changed.
                var bad = lineNo - 1;
                return bad == 0
                    ? AuditVerification.Bad(lineNo, 1, "the first line does not start the chain")
                    : AuditVerification.Bad(lineNo, bad, $"line {bad} was changed after it was written (line {lineNo} recorded a different hash for it)");
            }

            lastHash = AuditLog.Hash(line);
            expectedPrev = lastHash;
            start = end + 1;
        }

        var headPath = path + ".head";
        if (File.Exists(headPath))
        {
            try
            {
                using var head = JsonDocument.Parse(File.ReadAllBytes(headPath));
                var headSeq = head.RootElement.GetProperty("seq").GetInt64();
                var headHash = head.RootElement.GetProperty("hash").GetString();
                if (headSeq != lineNo)
                {
                    return AuditVerification.Bad(lineNo, Math.Max(1, Math.Min(headSeq, lineNo)), $"the log ends at line {lineNo} but {headSeq} lines were written: lines were removed from the end");
                }

                if (lineNo > 0 && !string.Equals(headHash, lastHash, StringComparison.Ordinal))
                {
                    return AuditVerification.Bad(lineNo, lineNo, $"line {lineNo} was changed after it was written (the head file recorded a different hash)");
                }
            }
            catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                return AuditVerification.Bad(lineNo, lineNo, "the head file audit.jsonl.head is damaged");
            }
        }

        return AuditVerification.Good(lineNo);
    }
}
