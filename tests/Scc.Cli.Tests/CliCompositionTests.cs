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

        services.GetRequiredService<CliContext>().OrgConfigOption.Name.ShouldBe(CliContext.OrgConfigOptionName);
        CliApp.CommandWord(args.Split('|')).ShouldBe(expected);
    }

    [Theory]
    [InlineData("start|--provider|claude", true)]
    [InlineData("--org-config|org.json|start|--detach", true)]
    [InlineData("stop|--all", false)]
    [InlineData("list", false)]
    [InlineData("--help", false)]
    [InlineData("config|explain", false)]
    public void ConnectEarly_OnlyForAStart(string args, bool connects)
    {
        _env["DOCKER_HOST"] = $"unix://{_env.Root}/no-engine.sock"; // the early attempt fails quietly: nobody asks for it

        using var engine = CliApp.ConnectEarly(args.Split('|'), _env.Environment);

        (engine is not null).ShouldBe(connects);
    }

    [Fact]
    public async Task ConnectEarly_UnreadableDockerHost_TheCommandReportsIt()
    {
        _env["DOCKER_HOST"] = "not a uri";

        using var engine = CliApp.ConnectEarly(["start"], _env.Environment);

        engine.ShouldNotBeNull();
        var error = await Should.ThrowAsync<Scc.Core.Errors.ConfigException>(() => engine.GetInfoAsync(CancellationToken.None));
        error.Message.ShouldContain("DOCKER_HOST='not a uri'");
    }

    [Theory]
    [InlineData("start|--provider|claude|--detach")]
    [InlineData("list")]
    [InlineData("stop|--all")]
    public async Task UnreadableDockerHost_IsAConfigErrorNotACrash(string args)
    {
        _env["DOCKER_HOST"] = "not a uri";
        var workspace = _env.Dir("ws");

        var result = await CliRunner.RunAsync(_env, [.. args.Split('|'), .. args.StartsWith("start", StringComparison.Ordinal) ? new[] { workspace } : []]);

        result.ExitCode.ShouldBe(Scc.Core.Errors.ExitCodes.ConfigOrNetwork);
        result.Err.ShouldContain("DOCKER_HOST='not a uri' is not an engine address");
        result.Err.ShouldContain("unix:///path/to/docker.sock");
    }

    [Fact]
    public async Task UnreadableDockerHost_DoctorReportsTheEngineCheckFailed()
    {
        _env["DOCKER_HOST"] = "not a uri";

        var result = await CliRunner.RunAsync(_env, "doctor");

        (result.Out + result.Err).ShouldContain("DOCKER_HOST='not a uri' is not an engine address");
        result.ExitCode.ShouldNotBe(0);
    }

    [Fact]
    public async Task ConnectEarly_TheServicesUseThatConnection()
    {
        _env["DOCKER_HOST"] = $"unix://{_env.Root}/no-engine.sock";
        var engine = CliApp.ConnectEarly(["start"], _env.Environment);
        engine.ShouldNotBeNull();

        await using var services = CliApp.BuildServices(new CliOutput(new TestConsole(), new TestConsole()), _env.Environment, CliRunner.BuiltInPlugins, engine: engine);

        services.GetRequiredService<Scc.Runtime.Docker.DockerClientProvider>().ShouldBeSameAs(engine);
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
