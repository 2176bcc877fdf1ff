using System.Text;
using System.Text.Json.Nodes;
using Scc.Core.Audit;
using Scc.Testing;

namespace Scc.Core.Tests.Audit;

public sealed class AuditLogTests : IDisposable
{
    private readonly TestEnvironment _env = new();

    public void Dispose() => _env.Dispose();

    private AuditLog NewLog() => new(_env.Paths);

    private AuditLog WriteEvents(int count)
    {
        var log = NewLog();
        for (var i = 0; i < count; i++)
        {
            log.Append([AuditEvent.Info("test.event", $"s{i}", new JsonObject { ["i"] = i })]);
        }

        return log;
    }

    [Fact]
    public void Append_ThreeEvents_ChainVerifies()
    {
        var log = WriteEvents(3);
        var lines = File.ReadAllLines(log.FilePath);
        lines.Length.ShouldBe(3);
        var first = JsonNode.Parse(lines[0])!;
        first["seq"]!.GetValue<long>().ShouldBe(1);
        first["prev"]!.GetValue<string>().ShouldBe(AuditLog.GenesisHash);
        first["type"]!.GetValue<string>().ShouldBe("test.event");
        first["severity"]!.GetValue<string>().ShouldBe("info");
        first["subject"]!.GetValue<string>().ShouldBe("s0");
        first["ts"]!.GetValue<string>().ShouldEndWith("Z");
        JsonNode.Parse(lines[1])!["prev"]!.GetValue<string>().ShouldBe(AuditLog.Hash(Encoding.UTF8.GetBytes(lines[0])));
        AuditReader.Verify(log.FilePath).ShouldBe(AuditVerification.Good(3));
    }

    [Fact]
    public void Verify_LineEditedByHand_NamesThatLine()
    {
        var log = WriteEvents(5);
        var lines = File.ReadAllLines(log.FilePath);
        lines[2] = lines[2].Replace("\"s2\"", "\"sX\"", StringComparison.Ordinal);
        File.WriteAllText(log.FilePath, string.Join('\n', lines) + "\n");

        var result = AuditReader.Verify(log.FilePath);

        result.Ok.ShouldBeFalse();
        result.BadLine.ShouldBe(3);
    }

    [Fact]
    public void Verify_LastLineEdited_FoundThroughHead()
    {
        var log = WriteEvents(3);
        var lines = File.ReadAllLines(log.FilePath);
        lines[2] = lines[2].Replace("\"s2\"", "\"sX\"", StringComparison.Ordinal);
        File.WriteAllText(log.FilePath, string.Join('\n', lines) + "\n");

        var result = AuditReader.Verify(log.FilePath);

        result.Ok.ShouldBeFalse();
        result.BadLine.ShouldBe(3);
    }

    [Fact]
    public void Verify_LineRemoved_Detected()
    {
        var log = WriteEvents(5);
        var lines = File.ReadAllLines(log.FilePath).ToList();
        lines.RemoveAt(1);
        File.WriteAllText(log.FilePath, string.Join('\n', lines) + "\n");

        var result = AuditReader.Verify(log.FilePath);

        result.Ok.ShouldBeFalse();
        result.BadLine.ShouldBe(2);
        result.Problem!.ShouldContain("removed");
    }

    [Fact]
    public void Verify_LastLineRemoved_Detected()
    {
        var log = WriteEvents(4);
        var lines = File.ReadAllLines(log.FilePath).Take(3);
        File.WriteAllText(log.FilePath, string.Join('\n', lines) + "\n");

        AuditReader.Verify(log.FilePath).Ok.ShouldBeFalse();
    }

    [Fact]
    public void Verify_LinesReordered_Detected()
    {
        var log = WriteEvents(4);
        var lines = File.ReadAllLines(log.FilePath);
        (lines[1], lines[2]) = (lines[2], lines[1]);
        File.WriteAllText(log.FilePath, string.Join('\n', lines) + "\n");

        var result = AuditReader.Verify(log.FilePath);

        result.Ok.ShouldBeFalse();
        result.BadLine.ShouldBe(2);
    }

    [Fact]
    public void Verify_TornLastLine_Detected()
    {
        var log = WriteEvents(2);
        File.AppendAllText(log.FilePath, "{\"seq\":3,\"ts\":");

        var result = AuditReader.Verify(log.FilePath);

        result.Ok.ShouldBeFalse();
        result.BadLine.ShouldBe(3);
    }

    [Fact]
    public void Append_ConcurrentWriters_EveryLineWholeAndChained()
    {
        const int writers = 8;
        const int perWriter = 40;
        Parallel.For(0, writers, new ParallelOptions { MaxDegreeOfParallelism = writers }, w =>
        {
            var log = NewLog();
            for (var i = 0; i < perWriter; i++)
            {
                log.Append([AuditEvent.Info("test.concurrent", $"w{w}", new JsonObject { ["i"] = i })]);
            }
        });

        var path = NewLog().FilePath;
        File.ReadAllLines(path).Length.ShouldBe(writers * perWriter);
        AuditReader.Verify(path).ShouldBe(AuditVerification.Good(writers * perWriter));
    }

    [Fact]
    public void Append_StateFolderIsAFile_ThrowsClearError()
    {
        var blocker = Path.Combine(_env.Root, "state-is-a-file");
        File.WriteAllText(blocker, "x");
        _env["XDG_STATE_HOME"] = blocker;
        var log = NewLog();

        var ex = Should.Throw<AuditWriteException>(() => log.Append([AuditEvent.Info("t", "s")]));

        ex.Message.ShouldContain(log.FilePath);
        ex.ExitCode.ShouldBe(5);
    }

    [Fact]
    public void AppendSoon_ThenAppend_BothInOrderAndChainVerifies()
    {
        var log = NewLog();

        log.AppendSoon([AuditEvent.Info("plugin.loaded", "claude"), AuditEvent.Info("plugin.loaded", "codex")]);
        log.Append([AuditEvent.Info("launch.preflight.passed", "session")]);

        AuditReader.Tail(log.FilePath, 10).Select(e => (e["seq"]!.GetValue<long>(), e["subject"]!.GetValue<string>()))
            .ShouldBe([(1L, "claude"), (2L, "codex"), (3L, "session")]);
        AuditReader.Verify(log.FilePath).ShouldBe(AuditVerification.Good(3));
    }

    [Fact]
    public void AppendSoon_Twice_SecondWaitsForTheFirst()
    {
        var log = NewLog();

        for (var i = 0; i < 20; i++)
        {
            log.AppendSoon([AuditEvent.Info("test.event", $"s{i}")]);
        }

        log.Dispose(); // waits for the last one
        AuditReader.Tail(log.FilePath, 100).Select(e => e["subject"]!.GetValue<string>()).ShouldBe(Enumerable.Range(0, 20).Select(i => $"s{i}"));
    }

    [Fact]
    public void AppendSoon_LogUnwritable_NextAppendThrowsAndWritesNothing()
    {
        var blocker = Path.Combine(_env.Root, "state-is-a-file");
        File.WriteAllText(blocker, "x");
        _env["XDG_STATE_HOME"] = blocker;
        var log = NewLog();

        log.AppendSoon([AuditEvent.Info("plugin.loaded", "claude")]); // returns at once; the failure comes with the next write
        var ex = Should.Throw<AuditWriteException>(() => log.Append([AuditEvent.Info("launch.preflight.passed", "s")]));

        ex.Message.ShouldContain(log.FilePath);
        File.Exists(log.FilePath).ShouldBeFalse();
    }

    [Fact]
    public void Tail_MoreRequestedThanWritten_ReturnsAllOldestFirst()
    {
        var log = WriteEvents(3);
        var tail = AuditReader.Tail(log.FilePath, 10);
        tail.Select(e => e["subject"]!.GetValue<string>()).ShouldBe(["s0", "s1", "s2"]);
        AuditReader.Tail(log.FilePath, 2).Select(e => e["subject"]!.GetValue<string>()).ShouldBe(["s1", "s2"]);
    }
}
