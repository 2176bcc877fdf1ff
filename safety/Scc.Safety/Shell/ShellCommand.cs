namespace Scc.Safety.Shell;

/// <summary>Where a simple command reads its standard input from.</summary>
internal enum StdinKind
{
    Inherited,
    StaticText,
    DynamicText,
    File,
    Pipe,
}

/// <summary>One simple command found anywhere in a script (including inside substitutions and groups).</summary>
internal sealed class ShellCommand
{
    public List<ShellWord> Words { get; } = [];

    public List<ShellWord> Assignments { get; } = [];

    public StdinKind Stdin { get; set; }

    /// <summary>Here-doc or here-string content when <see cref="Stdin"/> is a text kind.</summary>
    public string? StdinText { get; set; }

    /// <summary>The previous command of the pipeline when <see cref="Stdin"/> is <see cref="StdinKind.Pipe"/>.</summary>
    public ShellCommand? PipedFrom { get; set; }

    public bool IsEmpty => Words.Count == 0 && Assignments.Count == 0;

    public override string ToString()
    {
        return string.Join(' ', Assignments.Concat(Words).Select(w => w.Text));
    }
}

/// <summary>Everything the parser found in a script: the simple commands and what it could not decide.</summary>
internal sealed class ParsedScript
{
    public List<ShellCommand> Commands { get; } = [];

    /// <summary>Reasons the script could not be fully decided (unbalanced quotes, nesting limit, …).</summary>
    public List<string> Undecidable { get; } = [];

    /// <summary>Redirection targets under /dev/tcp or /dev/udp: bash opens a network connection for them.</summary>
    public List<ShellWord> NetworkRedirections { get; } = [];

    /// <summary>Parsing stopped early; what was found so far is still reported.</summary>
    public bool Aborted { get; set; }
}
