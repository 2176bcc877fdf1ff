using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Scc.Cli;
using Scc.Cli.Rendering;
using Scc.Core.Audit;
using Scc.Core.Launch;
using Scc.Core.Paths;
using Scc.Core.Runtime;
using Scc.Testing;
using Spectre.Console;

namespace Scc.Integration.Tests.Launch;

/// <summary>
/// scc's own composition root (<see cref="CliApp.BuildServices"/>) in the test process, with the real engine behind
/// an <see cref="InterceptingRuntime"/>: the launch pipeline can be driven with the test's own cancellation token,
/// and the command line run with a decorated engine.
/// </summary>
internal sealed class InProcessScc : IAsyncDisposable
{
    private readonly TestEnvironment _env;
    private readonly StringWriter _out = new();
    private readonly StringWriter _err = new();
    private readonly ServiceProvider _services;
    private readonly Action<IServiceCollection>? _configure;

    public InProcessScc(TestEnvironment env, IContainerRuntime realRuntime, Action<IServiceCollection>? configure = null)
    {
        _configure = configure;
        _env = env;
        Runtime = new InterceptingRuntime(realRuntime);
        Output = new CliOutput(Console(_out), Console(_err));
        _services = CliApp.BuildServices(Output, env.Environment, SccPaths.BuiltInPluginDir, Configure);
    }

    public InterceptingRuntime Runtime { get; }

    public CliOutput Output { get; }

    public string Out => _out.ToString();

    public string Err => _err.ToString();

    public LaunchPipeline Pipeline => _services.GetRequiredService<LaunchPipeline>();

    public Task<LaunchResult> StartAsync(LaunchRequest request, CancellationToken cancellationToken) =>
        Pipeline.StartAsync(request, new LaunchUi(Output, interactive: false), cancellationToken);

    /// <summary>Runs a whole command line in process (the CLI's own cancellation token, which no test can reach).</summary>
    public Task<int> RunAsync(params string[] args) => CliApp.RunAsync(args, Output, _env.Environment, SccPaths.BuiltInPluginDir, Configure);

    /// <summary>The audit events of the scratch environment, oldest first.</summary>
    public IReadOnlyList<JsonObject> AuditEvents() => AuditReader.Tail(new AuditLog(_env.Paths).FilePath, 10_000);

    public ValueTask DisposeAsync() => _services.DisposeAsync();

    private void Configure(IServiceCollection services)
    {
        services.Replace(ServiceDescriptor.Singleton<IContainerRuntime>(Runtime));
        _configure?.Invoke(services);
    }

    private static IAnsiConsole Console(StringWriter writer)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 1000; // one message, one line: tests look for whole sentences
        return console;
    }
}
