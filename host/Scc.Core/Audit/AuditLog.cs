using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Scc.Core.Errors;
using Scc.Core.Paths;

namespace Scc.Core.Audit;

internal interface IAuditLog
{
    string FilePath { get; }

    /// <summary>Appends events as one locked, flushed write. Throws <see cref="AuditWriteException"/> when it cannot.</summary>
    void Append(IReadOnlyList<AuditEvent> events);

    /// <summary>
    /// Appends events like <see cref="Append"/>, but on another thread: the caller goes on meanwhile. The next
    /// <see cref="Append"/> waits for it first (so the log keeps the order) and throws its <see cref="AuditWriteException"/>
    /// if it failed, so a caller that must record something after these still cannot go on without them.
    /// </summary>
    void AppendSoon(IReadOnlyList<AuditEvent> events) => Append(events);
}

internal sealed class AuditWriteException(string path, string reason, Exception? inner = null)
    : SccException(
        $"Could not write the audit log {path}: {reason}",
        "Make the folder writable for this user (or set XDG_STATE_HOME to a writable folder); nothing was recorded.",
        ExitCodes.PrerequisiteMissing,
        inner);

/// <summary>
/// The append-only JSONL audit log (DESIGN.md §8). Every line carries a sequence number and the SHA-256 of the
/// previous line (<c>prev</c>), so editing, removing or reordering lines breaks the chain. A small head file
/// records the last sequence number and hash, so an edit of the last line or its removal is found too.
/// Writers serialize through an exclusive lock on <c>audit.lock</c>; each batch is one write followed by fsync.
/// </summary>
internal sealed class AuditLog : IAuditLog, IDisposable
{
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(10);
    private readonly TimeProvider _time;

    public AuditLog(SccPaths paths, TimeProvider? time = null)
        : this(paths.AuditFile, time)
    {
    }

    public AuditLog(string filePath, TimeProvider? time = null)
    {
        FilePath = filePath;
        _time = time ?? TimeProvider.System;
    }

    public string FilePath { get; }

    public string HeadPath => FilePath + ".head";

    private string LockPath => Path.Combine(Path.GetDirectoryName(FilePath)!, "audit.lock");

    // The write AppendSoon started, if any; only one at a time.
    private Task _pending = Task.CompletedTask;

    public void AppendSoon(IReadOnlyList<AuditEvent> events)
    {
        WaitForPending();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending = done.Task;

        // Its own thread: the pool's few threads may all be busy at the start of a command.
        new Thread(() =>
        {
            try
            {
                Write(events);
                done.SetResult();
            }
            catch (Exception ex)
            {
                done.SetException(ex);
            }
        })
        { IsBackground = true, Name = "scc audit append" }.Start();
    }

    public void Append(IReadOnlyList<AuditEvent> events)
    {
        WaitForPending();
        Write(events);
    }

    /// <summary>Waits for a write AppendSoon started; a failure of it is not reported here (nothing comes after it).</summary>
    public void Dispose()
    {
        try
        {
            WaitForPending();
        }
        catch (AuditWriteException)
        {
        }
    }

    private void WaitForPending()
    {
        var pending = Interlocked.Exchange(ref _pending, Task.CompletedTask);
        pending.GetAwaiter().GetResult();
    }

    private void Write(IReadOnlyList<AuditEvent> events)
    {
        if (events.Count == 0)
        {
            return;
        }

        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
            using var lockHandle = AcquireLock();
            using var stream = new FileStream(FilePath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite, 1, FileOptions.None);
            var (seq, prev, needsNewline) = ReadTail(stream);
            var buffer = new MemoryStream();
            if (needsNewline)
            {
                // A torn line from a crash stays visible to `audit verify`; the new lines start on their own.
                buffer.WriteByte((byte)'\n');
            }

            foreach (var e in events)
            {
                seq++;
                var line = Serialize(new AuditRecord(seq, _time.GetUtcNow(), e.Type, SeverityName(e.Severity), e.Subject, e.Data, prev));
                prev = Hash(line);
                buffer.Write(line);
                buffer.WriteByte((byte)'\n');
            }

            stream.Seek(0, SeekOrigin.End);
            stream.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
            stream.Flush(flushToDisk: true);
            WriteHead(seq, prev);
        }
        catch (AuditWriteException)
        {
            throw;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new AuditWriteException(FilePath, ex.Message, ex);
        }
    }

    internal static byte[] Serialize(AuditRecord record)
    {
        var obj = new JsonObject
        {
            ["seq"] = record.Seq,
            ["ts"] = record.Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture),
            ["type"] = record.Type,
            ["severity"] = record.Severity,
            ["subject"] = record.Subject,
            ["data"] = record.Data?.DeepClone() ?? new JsonObject(),
            ["prev"] = record.Prev,
        };
        // Written node by node: no serializer (and no reflection metadata) is needed for a JSON tree, which keeps the
        // first audit line of a process cheap.
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer, AuditJson.WriterOptions))
        {
            obj.WriteTo(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    internal static string Hash(ReadOnlySpan<byte> line) => Convert.ToHexStringLower(SHA256.HashData(line));

    private static string SeverityName(AuditSeverity severity) => severity switch
    {
        AuditSeverity.Warning => "warning",
        AuditSeverity.Error => "error",
        _ => "info",
    };

    private FileStream AcquireLock()
    {
        var deadline = DateTime.UtcNow + LockTimeout;
        while (true)
        {
            try
            {
                return new FileStream(LockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline && File.Exists(LockPath))
            {
                Thread.Sleep(Random.Shared.Next(2, 15));
            }
        }
    }

    /// <summary>Finds the last complete line by reading backwards; returns its seq and hash.</summary>
    private static (long Seq, string Prev, bool NeedsNewline) ReadTail(FileStream stream)
    {
        var length = stream.Length;
        if (length == 0)
        {
            return (0, GenesisHash, false);
        }

        stream.Seek(length - 1, SeekOrigin.Begin);
        var endsWithNewline = stream.ReadByte() == '\n';
        var end = endsWithNewline ? length - 1 : length;
        var chunk = new byte[8192];
        var collected = new List<byte[]>();
        var pos = end;
        long lineStart = 0;
        while (pos > 0)
        {
            var size = (int)Math.Min(chunk.Length, pos);
            pos -= size;
            stream.Seek(pos, SeekOrigin.Begin);
            stream.ReadExactly(chunk, 0, size);
            var idx = Array.LastIndexOf(chunk, (byte)'\n', size - 1, size);
            if (idx >= 0)
            {
                lineStart = pos + idx + 1;
                break;
            }
        }

        var lineLength = (int)(end - lineStart);
        var line = new byte[lineLength];
        stream.Seek(lineStart, SeekOrigin.Begin);
        stream.ReadExactly(line, 0, lineLength);
        if (!endsWithNewline)
        {
            // The last line is torn; chain from the line before it would hide the tear, so chain from the tear.
            return (TryReadSeq(line) ?? CountLines(stream), Hash(line), true);
        }

        return (TryReadSeq(line) ?? CountLines(stream), Hash(line), false);
    }

    private static long? TryReadSeq(byte[] line)
    {
        try
        {
            using var doc = JsonDocument.Parse(line);
            return doc.RootElement.TryGetProperty("seq", out var s) && s.TryGetInt64(out var v) ? v : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static long CountLines(FileStream stream)
    {
        stream.Seek(0, SeekOrigin.Begin);
        long count = 0;
        int b;
        while ((b = stream.ReadByte()) >= 0)
        {
            if (b == '\n')
            {
                count++;
            }
        }

        return count + 1;
    }

    private void WriteHead(long seq, string hash)
    {
        var text = Encoding.UTF8.GetBytes($"{{\"seq\":{seq},\"hash\":\"{hash}\"}}\n");
        using var head = new FileStream(HeadPath, FileMode.Create, FileAccess.Write, FileShare.None);
        head.Write(text);
        head.Flush(flushToDisk: true);
    }
}

internal static class AuditJson
{
    /// <summary>One line per record; non-ASCII text as it is (only what JSON requires is escaped).</summary>
    public static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = false,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
