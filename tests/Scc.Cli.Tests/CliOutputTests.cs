using Scc.Cli.Rendering;
using Spectre.Console;
using Spectre.Console.Testing;

namespace Scc.Cli.Tests;

public sealed class CliOutputTests
{
    private static readonly string LongMessage = string.Join(' ', Enumerable.Repeat("a long warning about [brackets] and more", 6));

    [Fact]
    public void PlainErrors_WarningsAndErrorsAreWholeLinesAndNoConsoleIsMade()
    {
        var (outText, errText) = (new StringWriter(), new StringWriter());
        var made = 0;
        IAnsiConsole Make()
        {
            made++;
            return new TestConsole();
        }

        var output = new CliOutput(Make, Make, outText, errText, plainErrors: true);
        output.Line("started s1");
        output.Warn(LongMessage);
        output.Error("it broke", "do this");

        outText.ToString().ShouldBe($"started s1{Environment.NewLine}");
        errText.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries)
            .ShouldBe([$"warning: {LongMessage}", "error: it broke", "hint: do this"]);
        output.Warnings.ShouldBe([LongMessage]);
        made.ShouldBe(0);
    }

    [Fact]
    public void ConsoleErrors_GoThroughSpectreWithTheSameWords()
    {
        var err = new TestConsole();
        var output = new CliOutput(new TestConsole(), err);

        output.Warn("careful [now]");
        output.Error("it broke", "do this");

        err.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd())
            .ShouldBe(["warning: careful [now]", "error: it broke", "hint: do this"]);
    }
}
