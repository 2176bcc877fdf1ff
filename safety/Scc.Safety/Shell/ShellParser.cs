using System.Text;

namespace Scc.Safety.Shell;

/// <summary>
/// A POSIX/bash command-line parser that finds every simple command of a script, including those inside
/// groups, control structures, command and process substitutions and here-documents.
/// </summary>
/// <remarks>
/// It is deliberately an over-approximation: a command that might run (a function body, a branch of an
/// <c>if</c>) is reported as if it runs. It never throws on any input and its work is linear in the
/// input apart from a bounded nesting depth: past <see cref="MaxDepth"/> it stops and reports the script
/// as undecidable.
/// </remarks>
internal sealed partial class ShellParser
{
    public const int MaxDepth = 24;

    /// <summary>Stands for a pipeline stage whose output cannot be known (a group, a loop).</summary>
    public static readonly ShellCommand UnknownProducer = new();

    private readonly string _s;
    private readonly int _depth;
    private readonly ParsedScript _result;
    private readonly List<(ShellWord Delimiter, bool StripTabs, ShellCommand Target)> _pendingHereDocs = [];
    private int _pos;

    // In a here-doc body '"' is an ordinary character and the end of input ends the body.
    private bool _hereDocBody;

    private ShellParser(string s, int pos, int depth, ParsedScript result)
    {
        _s = s;
        _pos = pos;
        _depth = depth;
        _result = result;
    }

    public static ParsedScript Parse(string script, int depth = 0)
    {
        var result = new ParsedScript();
        if (depth > MaxDepth)
        {
            result.Undecidable.Add("nesting deeper than " + MaxDepth);
            result.Aborted = true;
            return result;
        }

        var parser = new ShellParser(script ?? string.Empty, 0, depth, result);
        parser.ParseList(untilParen: false);
        return result;
    }

    private bool AtEnd => _pos >= _s.Length || _result.Aborted;

    private void Abort(string reason)
    {
        if (!_result.Aborted)
        {
            _result.Undecidable.Add(reason);
            _result.Aborted = true;
        }

        _pos = _s.Length;
    }

    // ---------------------------------------------------------------- grammar

    private enum TokKind
    {
        End,
        Word,
        Op,
    }

    private readonly record struct Token(TokKind Kind, string Op, ShellWord? Word);

    private void ParseList(bool untilParen)
    {
        var cmd = new ShellCommand();
        ShellCommand? pipeFrom = null;
        var groupDepth = 0;
        var caseDepth = 0;
        var expectPattern = false;

        void Finish(bool pipe)
        {
            if (!cmd.IsEmpty)
            {
                if (pipeFrom is not null && cmd.Stdin == StdinKind.Inherited)
                {
                    cmd.Stdin = StdinKind.Pipe;
                    cmd.PipedFrom = pipeFrom;
                }

                _result.Commands.Add(cmd);
                pipeFrom = pipe ? cmd : null;
            }
            else
            {
                // A group or control structure feeds the pipe: its output is not known statically.
                pipeFrom = pipe ? UnknownProducer : null;
            }

            cmd = new ShellCommand();
        }

        while (true)
        {
            var tok = NextToken();
            if (tok.Kind == TokKind.End)
            {
                Finish(false);
                if (untilParen && !_result.Aborted)
                {
                    Abort("unbalanced $( … )");
                }

                return;
            }

            if (tok.Kind == TokKind.Word)
            {
                var w = tok.Word!;
                if (cmd.IsEmpty && !w.Quoted)
                {
                    if (expectPattern)
                    {
                        if (w.Text == "esac")
                        {
                            expectPattern = false;
                            caseDepth--;
                        }

                        // Patterns are not commands; they end at ')'.
                        continue;
                    }

                    if (HandleReservedWord(w.Text, ref caseDepth, ref expectPattern))
                    {
                        continue;
                    }
                }

                if (cmd.Words.Count == 0 && IsAssignment(w))
                {
                    cmd.Assignments.Add(w);
                }
                else
                {
                    cmd.Words.Add(w);
                }

                continue;
            }

            switch (tok.Op)
            {
                case "\n":
                case ";":
                case "&":
                case "&&":
                case "||":
                    Finish(false);
                    break;
                case "|":
                case "|&":
                    Finish(true);
                    break;
                case ";;":
                case ";&":
                case ";;&":
                    Finish(false);
                    expectPattern = caseDepth > 0;
                    break;
                case "(":
                    if (expectPattern)
                    {
                        break;
                    }

                    if (cmd.Words.Count == 1 && cmd.Assignments.Count == 0)
                    {
                        // name ( ) — a function definition; its body follows and is parsed as commands.
                        SkipBlanks();
                        if (_pos < _s.Length && _s[_pos] == ')')
                        {
                            _pos++;
                        }

                        cmd = new ShellCommand();
                        break;
                    }

                    Finish(false);
                    groupDepth++;
                    break;
                case ")":
                    if (expectPattern)
                    {
                        expectPattern = false;
                        break;
                    }

                    Finish(false);
                    if (groupDepth > 0)
                    {
                        groupDepth--;
                    }
                    else if (untilParen)
                    {
                        return;
                    }

                    break;
                default:
                    HandleRedirection(tok.Op, cmd);
                    break;
            }
        }
    }

    private bool HandleReservedWord(string word, ref int caseDepth, ref bool expectPattern)
    {
        switch (word)
        {
            case "!":
            case "{":
            case "}":
            case "if":
            case "then":
            case "else":
            case "elif":
            case "fi":
            case "do":
            case "done":
            case "while":
            case "until":
                return true;
            case "time":
                SkipBlanks();
                if (_pos + 1 < _s.Length && _s[_pos] == '-' && _s[_pos + 1] == 'p')
                {
                    _pos += 2;
                }

                return true;
            case "esac":
                if (caseDepth > 0)
                {
                    caseDepth--;
                }

                return true;
            case "function":
                NextToken();
                return true;
            case "coproc":
                return true;
            case "case":
                NextToken(); // the subject word (its substitutions are still recorded)
                var inTok = NextToken();
                if (inTok.Kind == TokKind.Word && inTok.Word!.Text == "in")
                {
                    caseDepth++;
                    expectPattern = true;
                }

                return true;
            case "for":
            case "select":
                SkipForHeader();
                return true;
            case "[[":
                while (true)
                {
                    var t = NextToken();
                    if (t.Kind == TokKind.End || (t.Kind == TokKind.Word && t.Word!.Text == "]]"))
                    {
                        return true;
                    }
                }

            default:
                return false;
        }
    }

    private void SkipForHeader()
    {
        SkipBlanks();
        if (_pos + 1 < _s.Length && _s[_pos] == '(' && _s[_pos + 1] == '(')
        {
            // for (( … )) — arithmetic; substitutions inside are rare, the header is skipped to '))'.
            var close = _s.IndexOf("))", _pos + 2, StringComparison.Ordinal);
            _pos = close < 0 ? _s.Length : close + 2;
            return;
        }

        NextToken(); // the loop variable
        var t = NextToken();
        if (t.Kind == TokKind.Word && t.Word!.Text == "in")
        {
            while (true)
            {
                t = NextToken();
                if (t.Kind != TokKind.Word)
                {
                    return;
                }
            }
        }
    }

    private void HandleRedirection(string op, ShellCommand cmd)
    {
        var target = NextToken();
        if (target.Kind != TokKind.Word)
        {
            return;
        }

        var w = target.Word!;
        if (w.Text.StartsWith("/dev/tcp/", StringComparison.Ordinal) || w.Text.StartsWith("/dev/udp/", StringComparison.Ordinal))
        {
            _result.NetworkRedirections.Add(w);
        }

        switch (op)
        {
            case "<<":
            case "<<-":
                _pendingHereDocs.Add((w, op == "<<-", cmd));
                break;
            case "<<<":
                cmd.Stdin = w.IsDynamic ? StdinKind.DynamicText : StdinKind.StaticText;
                cmd.StdinText = w.Text + "\n";
                break;
            case "<":
            case "<>":
                cmd.Stdin = StdinKind.File;
                break;
            default:
                break;
        }
    }

    private static bool IsAssignment(ShellWord w)
    {
        var t = w.Text;
        var eq = t.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0)
        {
            return false;
        }

        var nameEnd = t[eq - 1] == '+' ? eq - 1 : eq;
        if (nameEnd == 0 || !(char.IsAsciiLetter(t[0]) || t[0] == '_'))
        {
            return false;
        }

        for (var i = 1; i < nameEnd; i++)
        {
            if (!(char.IsAsciiLetterOrDigit(t[i]) || t[i] == '_'))
            {
                return false;
            }
        }

        return true;
    }
}
