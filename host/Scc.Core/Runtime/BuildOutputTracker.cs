using System.Text.RegularExpressions;

namespace Scc.Core.Runtime;

/// <summary>
/// Turns the engine's build stream (the classic builder's <c>Step 3/7 : RUN …</c> lines and their output) into
/// <see cref="ImageBuildEvent"/>s and remembers the current step and its last lines, so a failure can name the step.
/// </summary>
internal sealed partial class BuildOutputTracker(IProgress<ImageBuildEvent>? progress)
{
    private const int KeptLines = 20;
    private readonly Queue<string> _lastLines = new();
    private string _pending = string.Empty;

    public string? CurrentStep { get; private set; }

    public IReadOnlyList<string> LastOutput => [.. _lastLines];

    /// <summary>The image id the engine reported (<c>Successfully built …</c> or the aux id), if any.</summary>
    public string? ImageId { get; private set; }

    /// <summary>Feeds one chunk of the build stream; chunks may split or join lines.</summary>
    public void OnStream(string? chunk)
    {
        if (string.IsNullOrEmpty(chunk))
        {
            return;
        }

        _pending += chunk;
        int newline;
        while ((newline = _pending.IndexOf('\n', StringComparison.Ordinal)) >= 0)
        {
            var line = _pending[..newline].TrimEnd('\r');
            _pending = _pending[(newline + 1)..];
            OnLine(line);
        }
    }

    public void OnImageId(string? id)
    {
        if (!string.IsNullOrEmpty(id))
        {
            ImageId = id;
        }
    }

    public void OnError(string message)
    {
        Flush();
        progress?.Report(new ImageBuildEvent(ImageBuildEventKind.Error, message.Trim(), StepNumber, StepCount));
    }

    public void Flush()
    {
        if (_pending.Length > 0)
        {
            var line = _pending;
            _pending = string.Empty;
            OnLine(line);
        }
    }

    private int? StepNumber { get; set; }

    private int? StepCount { get; set; }

    private void OnLine(string line)
    {
        // The classic builder colours a step's standard error (ESC[91m … ESC[0m); the lines are shown as text.
        line = AnsiEscape().Replace(line, string.Empty);
        var step = StepLine().Match(line);
        if (step.Success)
        {
            CurrentStep = line.Trim();
            StepNumber = int.Parse(step.Groups["n"].Value, System.Globalization.CultureInfo.InvariantCulture);
            StepCount = int.Parse(step.Groups["m"].Value, System.Globalization.CultureInfo.InvariantCulture);
            _lastLines.Clear();
            progress?.Report(new ImageBuildEvent(ImageBuildEventKind.Step, CurrentStep, StepNumber, StepCount));
            return;
        }

        var built = BuiltLine().Match(line);
        if (built.Success)
        {
            ImageId ??= built.Groups["id"].Value;
        }

        if (line.Length == 0)
        {
            return;
        }

        _lastLines.Enqueue(line);
        while (_lastLines.Count > KeptLines)
        {
            _lastLines.Dequeue();
        }

        progress?.Report(new ImageBuildEvent(ImageBuildEventKind.Output, line, StepNumber, StepCount));
    }

    [GeneratedRegex(@"^Step (?<n>\d+)/(?<m>\d+) : ")]
    private static partial Regex StepLine();

    [GeneratedRegex(@"\x1b\[[0-9;]*[A-Za-z]")]
    private static partial Regex AnsiEscape();

    [GeneratedRegex(@"^Successfully built (?<id>[0-9a-f]+)")]
    private static partial Regex BuiltLine();
}
