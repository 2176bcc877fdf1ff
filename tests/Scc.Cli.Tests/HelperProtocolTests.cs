using Scc.Cli.Helper;
using Scc.Testing;

namespace Scc.Cli.Tests;

/// <summary>The resident helper's wire format, who may use it, and where its socket may live.</summary>
public sealed class HelperProtocolTests : IDisposable
{
    private readonly TestEnvironment _env = new();

    public void Dispose() => _env.Dispose();

    [Fact]
    public void Request_RoundTrips_ArgsDirectoryAndEnvironment()
    {
        var request = new HelperRequest(
            ["start", "/w s/ü", "--detach", ""],
            "/home/dev/repo",
            new Dictionary<string, string> { ["PATH"] = "/usr/bin", ["EMPTY"] = "", ["X=Y"] = "a=b\nc" });

        var back = HelperRequest.Decode(request.Encode());

        back.Args.ShouldBe(request.Args);
        back.CurrentDirectory.ShouldBe("/home/dev/repo");
        back.Environment.ShouldBe(request.Environment);
    }

    [Fact]
    public void Request_Truncated_OrWithTrailingBytes_Refused()
    {
        var bytes = new HelperRequest(["start"], "/", new Dictionary<string, string> { ["A"] = "b" }).Encode();

        Should.Throw<InvalidDataException>(() => HelperRequest.Decode(bytes.AsSpan(0, bytes.Length - 1)));
        Should.Throw<InvalidDataException>(() => HelperRequest.Decode([.. bytes, 0]));
        Should.Throw<InvalidDataException>(() => HelperRequest.Decode([0xff, 0xff, 0xff, 0xff]));
    }

    [Fact]
    public async Task Frames_KeepKindPayloadAndOrder_AndEndCleanlyBetweenFrames()
    {
        var buffer = new MemoryStream();
        using (var writer = new FrameStream(buffer))
        {
            await writer.WriteAsync(FrameKind.Stdout, "out\n"u8.ToArray(), CancellationToken.None);
            writer.Write(FrameKind.Stderr, "err\n"u8);
            await writer.WriteExitAsync(130, CancellationToken.None);
        }

        buffer.Position = 0;
        using var reader = new FrameStream(buffer);
        (await reader.ReadAsync(CancellationToken.None)).ShouldBe((FrameKind.Stdout, "out\n"u8.ToArray()), new FrameComparer());
        (await reader.ReadAsync(CancellationToken.None)).ShouldBe((FrameKind.Stderr, "err\n"u8.ToArray()), new FrameComparer());
        var exit = await reader.ReadAsync(CancellationToken.None);
        exit!.Value.Kind.ShouldBe(FrameKind.Exit);
        BitConverter.ToInt32(exit.Value.Payload).ShouldBe(130);
        (await reader.ReadAsync(CancellationToken.None)).ShouldBeNull();
    }

    [Fact]
    public async Task Frames_CutInsideAFrame_OrOversized_Refused()
    {
        var buffer = new MemoryStream();
        using (var writer = new FrameStream(buffer))
        {
            await writer.WriteAsync(FrameKind.Stdout, new byte[10], CancellationToken.None);
        }

        using var cut = new FrameStream(new MemoryStream(buffer.ToArray()[..8]));
        await Should.ThrowAsync<EndOfStreamException>(() => cut.ReadAsync(CancellationToken.None));

        using var huge = new FrameStream(new MemoryStream([(byte)'O', 0xff, 0xff, 0xff, 0x7f]));
        await Should.ThrowAsync<InvalidDataException>(() => huge.ReadAsync(CancellationToken.None));
    }

    [Fact]
    public async Task FrameWriter_SendsWholeLines_AndTheRestOnFlush()
    {
        var buffer = new MemoryStream();
        using (var frames = new FrameStream(buffer))
        using (var writer = new FrameWriter(frames, FrameKind.Stderr))
        {
            writer.Write("warn");
            writer.Write("ing: x\nrest");
        }

        buffer.Position = 0;
        using var reader = new FrameStream(buffer);
        (await reader.ReadAsync(CancellationToken.None))!.Value.Payload.ShouldBe("warning: x\nrest"u8.ToArray());
        (await reader.ReadAsync(CancellationToken.None)).ShouldBeNull();
    }

    [Theory]
    [InlineData(new[] { "start", "/w", "--detach" }, true)]
    [InlineData(new[] { "--org-config", "org.json", "start", "--provider", "claude", "--detach" }, true)]
    [InlineData(new[] { "start", "/w" }, false)]
    [InlineData(new[] { "start", "--detach", "--help" }, false)]
    [InlineData(new[] { "exec", "s", "--", "start", "--detach" }, false)]
    [InlineData(new[] { "stop", "--all" }, false)]
    [InlineData(new string[0], false)]
    public void OnlyADetachedStart_GoesToTheHelper(string[] args, bool detachedStart) =>
        HelperClient.IsDetachedStart(args).ShouldBe(detachedStart);

    [Fact]
    public void SocketFor_SwitchedOffOrWithATerminal_NoHelper()
    {
        string[] args = ["start", "/w", "--detach"];

        HelperClient.SocketFor(args, _env.Environment, terminalAttached: true).ShouldBeNull();
        _env["SCC_HELPER"] = "0";
        HelperClient.SocketFor(args, _env.Environment, terminalAttached: false).ShouldBeNull();
        _env["SCC_HELPER"] = "1";
        if (OperatingSystem.IsLinux())
        {
            HelperClient.SocketFor(args, _env.Environment, terminalAttached: false).ShouldBe(HelperSocket.PathFor(_env.Environment));
        }
    }

    [SkippableFact]
    public void SocketPath_InTheStateFolder_NamedForTheBuildAndTheEngine()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "the helper runs on Linux only");
        var path = HelperSocket.PathFor(_env.Environment)!;

        Path.GetDirectoryName(path).ShouldBe(Path.Combine(_env.Root, "state", "scc", "helper"));
        _env["DOCKER_HOST"] = "unix:///run/other.sock";
        HelperSocket.PathFor(_env.Environment).ShouldNotBe(path);
        _env["XDG_STATE_HOME"] = "/" + new string('x', 120);
        HelperSocket.PathFor(_env.Environment).ShouldBeNull(); // too long for a unix socket
    }

    [Fact]
    public void BuildIdentity_ChangesWithAnyAssemblyOfTheApp()
    {
        var app = _env.Dir("app");
        File.WriteAllText(Path.Combine(app, "scc.dll"), "one");
        File.WriteAllText(Path.Combine(app, "Scc.Core.dll"), "core");
        var before = HelperSocket.BuildIdentity(app);

        File.WriteAllText(Path.Combine(app, "notes.txt"), "not code");
        HelperSocket.BuildIdentity(app).ShouldBe(before);
        File.WriteAllText(Path.Combine(app, "Scc.Core.dll"), "core, fixed"); // another assembly than scc.dll
        HelperSocket.BuildIdentity(app).ShouldNotBe(before);
        var resized = HelperSocket.BuildIdentity(app);
        File.SetLastWriteTimeUtc(Path.Combine(app, "scc.dll"), DateTime.UtcNow.AddMinutes(1));
        HelperSocket.BuildIdentity(app).ShouldNotBe(resized);
    }

    [SkippableFact]
    public void Folder_OnlyWhenThisUsersAlone()
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new SkipException("the helper runs on Linux only");
        }

        var folder = Path.Combine(_env.Root, "helper");

        HelperSocket.CheckFolder(folder).ShouldNotBeNull();
        Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        HelperSocket.CheckFolder(folder).ShouldBeNull();
        File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
        HelperSocket.CheckFolder(folder)!.ShouldContain("must be 700");
    }

    [Fact]
    public async Task Client_NoSocket_RunsTheCommandItself()
    {
        var result = await HelperClient.TryRunAsync(
            Path.Combine(_env.Root, "none.sock"), ["start", "--detach"], _env.Root, new Dictionary<string, string>(), Stream.Null, Stream.Null, CancellationToken.None);

        result.ShouldBeNull();
    }

    private sealed class FrameComparer : IEqualityComparer<(FrameKind Kind, byte[] Payload)?>
    {
        public bool Equals((FrameKind Kind, byte[] Payload)? x, (FrameKind Kind, byte[] Payload)? y) =>
            x is { } a && y is { } b ? a.Kind == b.Kind && a.Payload.SequenceEqual(b.Payload) : x is null && y is null;

        public int GetHashCode((FrameKind Kind, byte[] Payload)? obj) => obj?.Kind.GetHashCode() ?? 0;
    }
}
