using System.Buffers.Binary;
using System.Text;

namespace Scc.Cli.Helper;

/// <summary>What one frame between a client and the helper carries.</summary>
internal enum FrameKind : byte
{
    /// <summary>Client to helper, first and once: the invocation (<see cref="HelperRequest"/>).</summary>
    Request = (byte)'R',

    /// <summary>Client to helper: the user pressed Ctrl-C (or the client got SIGTERM/SIGHUP); cancel the command.</summary>
    Cancel = (byte)'C',

    /// <summary>Helper to client: bytes for standard output.</summary>
    Stdout = (byte)'O',

    /// <summary>Helper to client: bytes for standard error.</summary>
    Stderr = (byte)'E',

    /// <summary>Helper to client, last: the command's exit code (4 bytes, little-endian).</summary>
    Exit = (byte)'X',

    /// <summary>Helper to client, instead of running it: another command is running; run this one in the client.</summary>
    Busy = (byte)'B',
}

/// <summary>One invocation as the helper runs it: the client's arguments, working directory and whole environment.</summary>
internal sealed record HelperRequest(IReadOnlyList<string> Args, string CurrentDirectory, IReadOnlyDictionary<string, string> Environment)
{
    public byte[] Encode()
    {
        var buffer = new MemoryStream();
        WriteStrings(buffer, Args);
        WriteString(buffer, CurrentDirectory);
        WriteInt(buffer, Environment.Count);
        foreach (var (key, value) in Environment)
        {
            WriteString(buffer, key);
            WriteString(buffer, value);
        }

        return buffer.ToArray();
    }

    /// <summary>Reads what <see cref="Encode"/> wrote; throws <see cref="InvalidDataException"/> on anything else.</summary>
    public static HelperRequest Decode(ReadOnlySpan<byte> bytes)
    {
        var reader = new Reader(bytes.ToArray());
        var args = reader.Strings();
        var cwd = reader.String();
        var count = reader.Int();
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            environment[reader.String()] = reader.String();
        }

        reader.End();
        return new HelperRequest(args, cwd, environment);
    }

    private static void WriteStrings(Stream s, IReadOnlyList<string> values)
    {
        WriteInt(s, values.Count);
        foreach (var v in values)
        {
            WriteString(s, v);
        }
    }

    private static void WriteString(Stream s, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        WriteInt(s, bytes.Length);
        s.Write(bytes);
    }

    private static void WriteInt(Stream s, int value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(b, value);
        s.Write(b);
    }

    private sealed class Reader(byte[] bytes)
    {
        private int _at;

        public int Int()
        {
            if (bytes.Length - _at < 4)
            {
                throw new InvalidDataException("the request ends early");
            }

            var value = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(_at, 4));
            _at += 4;
            return value >= 0 ? value : throw new InvalidDataException("a negative length in the request");
        }

        public string String()
        {
            var length = Int();
            if (bytes.Length - _at < length)
            {
                throw new InvalidDataException("the request ends early");
            }

            var value = Encoding.UTF8.GetString(bytes, _at, length);
            _at += length;
            return value;
        }

        public List<string> Strings()
        {
            var count = Int();
            var values = new List<string>(Math.Min(count, 1024));
            for (var i = 0; i < count; i++)
            {
                values.Add(String());
            }

            return values;
        }

        public void End()
        {
            if (_at != bytes.Length)
            {
                throw new InvalidDataException("the request has bytes after its end");
            }
        }
    }
}

/// <summary>
/// Frames on the helper's socket: a kind byte, a 4-byte little-endian length, the payload. Writes are serialized, so
/// standard output and error arrive in the order the command wrote them.
/// </summary>
internal sealed class FrameStream(Stream stream) : IDisposable
{
    /// <summary>The largest payload either side accepts (a request's environment, one write of output).</summary>
    public const int MaxPayload = 16 << 20;

    private readonly SemaphoreSlim _write = new(1, 1);

    public async Task WriteAsync(FrameKind kind, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var head = new byte[5];
        head[0] = (byte)kind;
        BinaryPrimitives.WriteInt32LittleEndian(head.AsSpan(1), payload.Length);
        await _write.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await stream.WriteAsync(head, cancellationToken).ConfigureAwait(false);
            await stream.WriteAsync(payload, cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _write.Release();
        }
    }

    public void Write(FrameKind kind, ReadOnlySpan<byte> payload)
    {
        Span<byte> head = stackalloc byte[5];
        head[0] = (byte)kind;
        BinaryPrimitives.WriteInt32LittleEndian(head[1..], payload.Length);
        _write.Wait();
        try
        {
            stream.Write(head);
            stream.Write(payload);
            stream.Flush();
        }
        finally
        {
            _write.Release();
        }
    }

    public Task WriteExitAsync(int code, CancellationToken cancellationToken)
    {
        var payload = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(payload, code);
        return WriteAsync(FrameKind.Exit, payload, cancellationToken);
    }

    /// <summary>The next frame, or null at the end of the stream (between frames).</summary>
    public async Task<(FrameKind Kind, byte[] Payload)?> ReadAsync(CancellationToken cancellationToken)
    {
        var head = new byte[5];
        if (!await FillAsync(head, allowEnd: true, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(head.AsSpan(1));
        if (length is < 0 or > MaxPayload)
        {
            throw new InvalidDataException($"a frame of {length} bytes");
        }

        var payload = new byte[length];
        await FillAsync(payload, allowEnd: false, cancellationToken).ConfigureAwait(false);
        return ((FrameKind)head[0], payload);
    }

    public void Dispose() => _write.Dispose();

    private async Task<bool> FillAsync(byte[] buffer, bool allowEnd, CancellationToken cancellationToken)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                return read == 0 && allowEnd ? false : throw new EndOfStreamException("the other side closed the connection inside a frame");
            }

            read += n;
        }

        return true;
    }
}

/// <summary>A text writer that sends what is written as frames of one kind (the helper's standard output or error).</summary>
internal sealed class FrameWriter(FrameStream frames, FrameKind kind) : TextWriter
{
    private readonly StringBuilder _pending = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        lock (_pending)
        {
            _pending.Append(value);
            if (value == '\n')
            {
                FlushPending();
            }
        }
    }

    public override void Write(string? value)
    {
        lock (_pending)
        {
            _pending.Append(value);
            if (value is not null && value.Contains('\n', StringComparison.Ordinal))
            {
                FlushPending();
            }
        }
    }

    public override void Flush()
    {
        lock (_pending)
        {
            FlushPending();
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Flush();
        }

        base.Dispose(disposing);
    }

    private void FlushPending()
    {
        if (_pending.Length == 0)
        {
            return;
        }

        var bytes = Encoding.UTF8.GetBytes(_pending.ToString());
        _pending.Clear();
        try
        {
            frames.Write(kind, bytes);
        }
        catch (IOException)
        {
            // The client is gone; the command is being cancelled and its output has no reader.
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
