using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Scc.Cli.Rendering;
using Scc.Testing;
using Spectre.Console.Testing;

namespace Scc.Cli.Tests;

/// <summary>An invocation builds only the top-level command it names; the registered names must match the commands.</summary>
public sealed class CliCompositionTests : IDisposable
{
    private readonly TestEnvironment _env = new();

    public void Dispose() => _env.Dispose();

    [Fact]
    public void TopLevelCommands_RegisteredNameIsTheCommandsOwn_AndEveryCommandIsRegistered()
    {
        using var services = CliApp.BuildServices(new CliOutput(new TestConsole(), new TestConsole()), _env.Environment, CliRunner.BuiltInPlugins);

        var registered = services.GetServices<TopLevelCommand>().ToList();

        foreach (var entry in registered)
        {
            ((Command)services.GetRequiredService(entry.Type)).Name.ShouldBe(entry.Name);
        }

        registered.Select(r => r.Name).ShouldBe(services.GetServices<Command>().Select(c => c.Name), ignoreOrder: true);
        registered.Select(r => r.Name).ShouldBeUnique();
    }

    [Theory]
    [InlineData("start|--provider|claude", "start")]
    [InlineData("--org-config|org.json|start|--detach", "start")]
    [InlineData("--offline|list", "list")]
    [InlineData("--help", null)]
    [InlineData("--org-config|org.json", null)]
    public void CommandWord_SkipsRootOptionsAndTheirValues(string args, string? expected)
    {
        using var services = CliApp.BuildServices(new CliOutput(new TestConsole(), new TestConsole()), _env.Environment, CliRunner.BuiltInPlugins);

        CliApp.CommandWord(args.Split('|'), services.GetRequiredService<CliContext>()).ShouldBe(expected);
    }

    [Fact]
    public async Task Help_ListsEveryCommand()
    {
        var r = await CliRunner.RunAsync(_env, "--help");

        r.ExitCode.ShouldBe(0);
        foreach (var name in new[] { "start", "exec", "list", "stop", "prune", "doctor", "egress", "images", "org", "config", "plugins" })
        {
            r.Out.ShouldContain(name);
        }
    }

    [Fact]
    public async Task MistypedCommand_UsageErrorFromTheFullTree()
    {
        var r = await CliRunner.RunAsync(_env, "strat");

        r.ExitCode.ShouldBe(2);
        r.Err.ShouldContain("strat");
    }
}
