using Scc.Cli.Rendering;
using Scc.Core.Runtime;
using Spectre.Console.Testing;

namespace Scc.Cli.Tests;

public sealed class LaunchUiTests
{
    private static readonly string[] NpmFailure = ["npm error code SELF_SIGNED_CERT_IN_CHAIN", "npm error self-signed certificate in certificate chain"];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task BuildFails_TheFailingStepsLastOutputIsShownAndTheErrorStillRaised(bool interactive)
    {
        var err = new TestConsole().Width(250);
        if (interactive)
        {
            err.Interactive();
        }

        var ui = new LaunchUi(new CliOutput(new TestConsole(), err), interactive);

        var error = await Should.ThrowAsync<ImageBuildFailedException>(() => ui.WithBuildProgressAsync<bool>("Building scc-agent-claude", progress =>
        {
            progress.Report(new ImageBuildEvent(ImageBuildEventKind.Step, "Step 8/25 : RUN npm install", 8, 25));
            progress.Report(new ImageBuildEvent(ImageBuildEventKind.Output, NpmFailure[0], 8, 25));
            throw new ImageBuildFailedException("scc-agent-claude", "Step 8/25 : RUN npm install", "returned a non-zero code: 1", NpmFailure);
        }));

        error.FailingStep.ShouldBe("Step 8/25 : RUN npm install");
        var lines = err.Output.Split('\n').Select(l => l.TrimEnd()).ToList();
        lines.ShouldContain("output of the failing step (last 2 lines):");
        lines.ShouldContain("  " + NpmFailure[0]);
        lines.ShouldContain("  " + NpmFailure[1]);
        lines.IndexOf("  " + NpmFailure[1]).ShouldBeGreaterThan(lines.FindIndex(l => l.Contains("Step 8/25", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task BuildFailsWithoutOutput_NothingExtraIsShown()
    {
        var err = new TestConsole().Width(250);
        var ui = new LaunchUi(new CliOutput(new TestConsole(), err), interactive: false);

        await Should.ThrowAsync<ImageBuildFailedException>(() => ui.WithBuildProgressAsync<bool>("Building scc-base",
            _ => throw new ImageBuildFailedException("scc-base", null, "the engine reported success but the image is missing", [])));

        err.Output.ShouldNotContain("output of the failing step");
    }
}
