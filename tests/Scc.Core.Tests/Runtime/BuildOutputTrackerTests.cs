using Scc.Core.Runtime;

namespace Scc.Core.Tests.Runtime;

public sealed class BuildOutputTrackerTests
{
    [Fact]
    public void OnStream_SplitChunks_ReportsStepsAndOutputInOrder()
    {
        var events = new List<ImageBuildEvent>();
        var tracker = new BuildOutputTracker(new ListProgress(events));

        // The engine sends the step line and its newline as separate messages.
        foreach (var chunk in new[] { "Step 1/2 : FROM debian", "\n", " ---> 93a5b\n", "Step 2/2 : RUN make", "\n", " ---> Running in a4ab\n", "cc -o x\nld: error\n" })
        {
            tracker.OnStream(chunk);
        }

        tracker.OnError("The command '/bin/sh -c make' returned a non-zero code: 2");

        events.Select(e => (e.Kind, e.Text, e.Step)).ShouldBe([
            (ImageBuildEventKind.Step, "Step 1/2 : FROM debian", 1),
            (ImageBuildEventKind.Output, " ---> 93a5b", 1),
            (ImageBuildEventKind.Step, "Step 2/2 : RUN make", 2),
            (ImageBuildEventKind.Output, " ---> Running in a4ab", 2),
            (ImageBuildEventKind.Output, "cc -o x", 2),
            (ImageBuildEventKind.Output, "ld: error", 2),
            (ImageBuildEventKind.Error, "The command '/bin/sh -c make' returned a non-zero code: 2", 2),
        ]);
        tracker.CurrentStep.ShouldBe("Step 2/2 : RUN make");
        tracker.LastOutput.ShouldBe([" ---> Running in a4ab", "cc -o x", "ld: error"]);
    }

    [Fact]
    public void OnStream_SuccessLine_RemembersTheImageId()
    {
        var tracker = new BuildOutputTracker(null);

        tracker.OnStream("Successfully built 54f36280fcfd\nSuccessfully tagged x:1\n");

        tracker.ImageId.ShouldBe("54f36280fcfd");
    }

    [Fact]
    public void LastOutput_LongStep_KeepsTheLast20Lines()
    {
        var tracker = new BuildOutputTracker(null);
        tracker.OnStream("Step 1/1 : RUN seq 100\n");

        tracker.OnStream(string.Concat(Enumerable.Range(1, 100).Select(i => $"{i}\n")));

        tracker.LastOutput.Count.ShouldBe(20);
        tracker.LastOutput[^1].ShouldBe("100");
    }

    [Fact]
    public void TarFromFiles_PathEscapingTheFolder_Throws() =>
        Should.Throw<ArgumentException>(() => TarArchives.FromFiles([new ContainerFile("../etc/passwd", [1], 0, 0, UnixFileMode.UserRead)]));

    private sealed class ListProgress(List<ImageBuildEvent> events) : IProgress<ImageBuildEvent>
    {
        public void Report(ImageBuildEvent value) => events.Add(value);
    }

    [Fact]
    public void OnStream_ColouredStandardError_KeptWithoutTheEscapes()
    {
        var tracker = new BuildOutputTracker(null);

        tracker.OnStream("Step 8/25 : RUN npm install\n\u001b[91mnpm ERR! code SELF_SIGNED_CERT_IN_CHAIN\n\u001b[0m\u001b[91mnpm ERR! errno 1\n\u001b[0m");
        tracker.Flush();

        tracker.LastOutput.ShouldBe(["npm ERR! code SELF_SIGNED_CERT_IN_CHAIN", "npm ERR! errno 1"]);
    }

    [Theory]
    [InlineData("npm ERR! code SELF_SIGNED_CERT_IN_CHAIN", true)]
    [InlineData("curl: (60) SSL certificate problem: unable to get local issuer certificate", true)]
    [InlineData("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate in certificate chain", true)]
    [InlineData("E: Unable to locate package nodejs", false)]
    public void BuildFailed_CertificateErrorInTheOutput_TheHintNamesTheCaOption(string line, bool namesCa)
    {
        var error = new ImageBuildFailedException("scc-agent-claude", "Step 8/25 : RUN npm install", "returned a non-zero code: 1", ["some line", line]);

        error.Action!.Contains("--ca-cert", StringComparison.Ordinal).ShouldBe(namesCa, error.Action);
        error.Action.ShouldContain(namesCa ? "TLS-inspecting proxy" : "Fix the cause shown above");
    }
}
