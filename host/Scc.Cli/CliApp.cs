using System.CommandLine;
using System.Reflection;
using System.Runtime.InteropServices;
using Microsoft.Extensions.DependencyInjection;
using Scc.Cli.Rendering;
using Scc.Core;
using Scc.Core.Errors;
using Scc.Core.Governance;
using Scc.Core.Launch;
using Scc.Runtime.Docker;
using Scc.Core.Paths;

namespace Scc.Cli;

/// <summary>Builds the command tree from DI and runs one invocation. Tests drive it with captured consoles.</summary>
internal static class CliApp
{
    public static string Version { get; } =
        typeof(CliApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    /// <summary>
    /// How long a command may clean up after Ctrl-C (SIGINT) or SIGTERM cancelled its token before the process exits
    /// anyway. The library's default (2 s) would end a start while it removes what it created.
    /// </summary>
    public static readonly TimeSpan CancellationGracePeriod = TimeSpan.FromSeconds(30);

    /// <summary>The composition root of one invocation; tests use it to reach services with their own fakes.</summary>
    public static ServiceProvider BuildServices(CliOutput output, IEnvironment environment, string? builtInPluginDir = null, Action<IServiceCollection>? configure = null, DockerClientProvider? engine = null)
    {
        var services = new ServiceCollection();
        if (engine is not null)
        {
            services.AddSingleton(_ => engine); // made by the factory: the container disposes it
        }

        services
            .AddSccCore(environment, builtInPluginDir)
            .AddSccGovernance()
            .AddDockerRuntime()
            .AddSccLaunch()
            .AddSingleton<IInteractiveTerminal, DockerCliTerminal>()
            .AddSccCli(output);
        configure?.Invoke(services);
        return services.BuildServiceProvider();
    }

    /// <summary>
    /// The engine connection of an invocation that starts a sandbox, begun before anything else: its first request
    /// (~40 ms of a warm start, most of it the client's first use) then runs while the command is built and its config
    /// resolved, instead of after. Null for every other invocation. A failed attempt (no engine, an unreadable
    /// DOCKER_HOST) is reported by the command when it asks for the engine.
    /// </summary>
    public static DockerClientProvider? ConnectEarly(string[] args, IEnvironment environment)
    {
        var word = args.Length == 0 ? (IsInRepository(Environment.CurrentDirectory) ? "start" : null) : CommandWord(args);
        if (word != "start")
        {
            return null;
        }

        var engine = new DockerClientProvider(environment);
        engine.Warm();
        return engine;
    }

    /// <param name="cancellation">
    /// Set by a caller that is not the process (the resident helper): the invocation is cancelled through it and
    /// installs no signal handler of its own. Without it, Ctrl-C, SIGTERM and SIGHUP cancel the invocation.
    /// </param>
    public static async Task<int> RunAsync(string[] args, CliOutput output, IEnvironment environment, string? builtInPluginDir = null, Action<IServiceCollection>? configure = null, DockerClientProvider? engine = null, CancellationToken? cancellation = null)
    {
        await using var provider = BuildServices(output, environment, builtInPluginDir, configure, engine);
        var context = provider.GetRequiredService<CliContext>();
        var root = new RootCommand("scc: a governed runtime for AI coding agents. Runs each agent in a sandbox that sees only the workspace.");
        root.Options.Add(context.OrgConfigOption);
        root.Options.Add(context.OfflineOption);
        // Bare `scc` inside a repository is `scc start`; elsewhere it shows the help.
        if (args.Length == 0)
        {
            args = IsInRepository(Environment.CurrentDirectory) ? ["start"] : ["--help"];
        }

        // Only the command the invocation names is built (each pulls in its services); help, a typo or no command
        // gets them all, for the listing and the suggestions.
        var named = CommandWord(args) is { } word
            ? provider.GetServices<TopLevelCommand>().FirstOrDefault(c => c.Name == word)
            : null;
        foreach (var command in named is null ? provider.GetServices<Command>() : [(Command)provider.GetRequiredService(named.Type)])
        {
            root.Subcommands.Add(command);
        }

        var parseResult = root.Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            foreach (var error in parseResult.Errors)
            {
                output.Error(error.Message, null);
            }

            output.Error("The command line is not valid.", $"Run `scc {string.Join(' ', CommandPath(parseResult))} --help` for usage.".Replace("  ", " ", StringComparison.Ordinal));
            return ExitCodes.Usage;
        }

        context.ParseResult = parseResult;
        if (cancellation is { } token)
        {
            return await parseResult.InvokeAsync(new InvocationConfiguration { Output = output.OutWriter, Error = output.ErrWriter, ProcessTerminationTimeout = null }, token).ConfigureAwait(false);
        }

        var config = new InvocationConfiguration { Output = output.OutWriter, Error = output.ErrWriter, ProcessTerminationTimeout = CancellationGracePeriod };
        // A closed terminal (SIGHUP) ends a command like Ctrl-C does, instead of killing scc on the spot: an attached
        // session is then stopped and removed rather than left running without its parent.
        using var hangup = new CancellationTokenSource();
        using var onHangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            hangup.Cancel();
        });
        return await parseResult.InvokeAsync(config, hangup.Token).ConfigureAwait(false);
    }

    /// <summary>The first argument that is not a root option (or a root option's value).</summary>
    internal static string? CommandWord(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == CliContext.OrgConfigOptionName)
            {
                i++;
            }
            else if (!args[i].StartsWith('-'))
            {
                return args[i];
            }
        }

        return null;
    }

    private static bool IsInRepository(string directory)
    {
        for (var dir = new DirectoryInfo(directory); dir is not null; dir = dir.Parent)
        {
            if (Directory.Exists(Path.Combine(dir.FullName, ".git")) || File.Exists(Path.Combine(dir.FullName, ".git")))
            {
                return true;
            }
        }

        return false;
    }

    private static IEnumerable<string> CommandPath(ParseResult parseResult)
    {
        var names = new List<string>();
        for (var r = parseResult.CommandResult; r?.Parent is not null; r = r.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Insert(0, r.Command.Name);
        }

        return names;
    }
}
