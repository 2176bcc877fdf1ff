namespace Scc.Safety.Shell;

/// <summary>One shell word after quote removal.</summary>
/// <remarks>
/// Dynamic parts (parameter expansion, command substitution, globs, brace expansion, tilde) keep their
/// source text in <see cref="Text"/>: the rules then see e.g. <c>$X</c> and know, through the flags,
/// that the runtime value is unknown.
/// </remarks>
internal sealed class ShellWord
{
    public ShellWord(string text, bool isDynamic = false, bool startsDynamic = false, bool quoted = false)
    {
        Text = text;
        IsDynamic = isDynamic;
        StartsDynamic = startsDynamic;
        Quoted = quoted;
    }

    public string Text { get; }

    /// <summary>Some part of the value is only known at run time.</summary>
    public bool IsDynamic { get; }

    /// <summary>The first character comes from an expansion: the value could start with '-' or '+'.</summary>
    public bool StartsDynamic { get; }

    /// <summary>Some part was quoted or escaped (reserved words and here-doc delimiters depend on it).</summary>
    public bool Quoted { get; }

    /// <summary>The whole word is one command substitution whose inner script is this text.</summary>
    public string? SubstitutionOnly { get; init; }

    public static ShellWord Static(string text) => new(text);

    public override string ToString() => Text;
}
