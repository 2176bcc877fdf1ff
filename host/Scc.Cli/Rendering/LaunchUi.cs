using Scc.Abstractions;
using Scc.Core.Launch;
using Scc.Core.Runtime;
using Spectre.Console;

namespace Scc.Cli.Rendering;

/// <summary>Prompts and build progress for the launch pipeline: Spectre on a terminal, plain step lines otherwise.</summary>
internal sealed class LaunchUi(CliOutput output, bool interactive) : ILaunchUi
{
    public bool IsInteractive { get; } = interactive;

    public string ChooseProvider(IReadOnlyList<ProviderRuntimeSpec> candidates) =>
        output.Err.Prompt(new SelectionPrompt<string>()
            .Title("Which agent should run in this workspace?")
            .AddChoices(candidates.Select(c => c.ProviderId))
            .UseConverter(id => $"{id} ({candidates.First(c => c.ProviderId == id).DisplayName})"));

    public bool ConfirmReplace(string container) =>
        output.Err.Confirm($"A session is already running ({CliOutput.Escape(container)}). Replace it with a new one? (no = attach to it)", defaultValue: false);

    public async Task<T> WithBuildProgressAsync<T>(string title, Func<IProgress<ImageBuildEvent>, Task<T>> build)
    {
        output.Err.MarkupLine($"[bold]{CliOutput.Escape(title)}[/]");
        try
        {
            return await ShowProgressAsync(build).ConfigureAwait(false);
        }
        catch (ImageBuildFailedException e) when (e.LastOutput.Count > 0)
        {
            // The progress shows steps only; the error names the failing one. What that step printed last is the
            // cause (a failed download, a compiler error), so it goes above the error.
            output.ErrWriter.WriteLine($"output of the failing step (last {e.LastOutput.Count} lines):");
            foreach (var line in e.LastOutput)
            {
                output.ErrWriter.WriteLine("  " + line);
            }

            throw;
        }
    }

    private async Task<T> ShowProgressAsync<T>(Func<IProgress<ImageBuildEvent>, Task<T>> build)
    {
        if (!IsInteractive)
        {
            return await build(new Progress(e =>
            {
                if (e.Kind != ImageBuildEventKind.Output)
                {
                    output.ErrWriter.WriteLine(Describe(e));
                }
            })).ConfigureAwait(false);
        }

        T result = default!;
        await output.Err.Status().StartAsync("starting the build", async ctx =>
        {
            result = await build(new Progress(e =>
            {
                if (e.Kind == ImageBuildEventKind.Output)
                {
                    return;
                }

                ctx.Status(CliOutput.Escape(Describe(e)));
                output.Err.MarkupLine($"[grey]{CliOutput.Escape(Describe(e))}[/]");
            })).ConfigureAwait(false);
        }).ConfigureAwait(false);
        return result;
    }

    public void Info(string message) => output.Err.MarkupLine(CliOutput.Escape(message));

    public void Warn(string message) => output.Warn(message);

    private static string Describe(ImageBuildEvent e) =>
        e.Step is { } step ? $"[step {step}{(e.StepCount is { } n ? $"/{n}" : string.Empty)}] {e.Text}" : e.Text;

    private sealed class Progress(Action<ImageBuildEvent> report) : IProgress<ImageBuildEvent>
    {
        public void Report(ImageBuildEvent value) => report(value);
    }
}
