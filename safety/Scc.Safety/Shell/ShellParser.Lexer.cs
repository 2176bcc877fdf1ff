using System.Text;

namespace Scc.Safety.Shell;

/// <summary>The lexer half of the parser: words, quoting, expansions, here-documents.</summary>
internal sealed partial class ShellParser
{
    private StringBuilder? _wordBuilder;

    // ---------------------------------------------------------------- lexer

    private void SkipBlanks()
    {
        while (_pos < _s.Length)
        {
            var c = _s[_pos];
            if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v')
            {
                _pos++;
            }
            else if (c == '\\' && _pos + 1 < _s.Length && _s[_pos + 1] == '\n')
            {
                _pos += 2;
            }
            else
            {
                return;
            }
        }
    }

    private Token NextToken()
    {
        SkipBlanks();
        if (AtEnd)
        {
            return new Token(TokKind.End, string.Empty, null);
        }

        var c = _s[_pos];
        if (c == '#')
        {
            while (_pos < _s.Length && _s[_pos] != '\n')
            {
                _pos++;
            }

            return NextToken();
        }

        if (c == '\n')
        {
            _pos++;
            ReadPendingHereDocs();
            return new Token(TokKind.Op, "\n", null);
        }

        // An IO number: digits directly followed by a redirection operator.
        if (char.IsAsciiDigit(c))
        {
            var j = _pos;
            while (j < _s.Length && char.IsAsciiDigit(_s[j]))
            {
                j++;
            }

            if (j < _s.Length && (_s[j] == '<' || _s[j] == '>') && !(j + 1 < _s.Length && _s[j + 1] == '('))
            {
                _pos = j;
                c = _s[_pos];
            }
        }

        if ((c == '<' || c == '>') && _pos + 1 < _s.Length && _s[_pos + 1] == '(')
        {
            return new Token(TokKind.Word, string.Empty, ReadWord());
        }

        var op = MatchOperator();
        if (op is not null)
        {
            _pos += op.Length;
            if (op is ">&" or "<&" && _pos < _s.Length && _s[_pos] == '-')
            {
                _pos++;
            }

            return new Token(TokKind.Op, op, null);
        }

        return new Token(TokKind.Word, string.Empty, ReadWord());
    }

    private static readonly string[] Operators =
    [
        ";;&", "&>>", "<<<", "<<-",
        ";;", ";&", "&&", "&>", "||", "|&", "<<", "<&", "<>", ">>", ">&", ">|",
        ";", "&", "|", "<", ">", "(", ")",
    ];

    private string? MatchOperator()
    {
        foreach (var op in Operators)
        {
            if (string.CompareOrdinal(_s, _pos, op, 0, op.Length) == 0)
            {
                return op;
            }
        }

        return null;
    }

    private static bool IsMeta(char c) =>
        c is ' ' or '\t' or '\n' or '\r' or ';' or '&' or '|' or '<' or '>' or '(' or ')';

    private ShellWord ReadWord()
    {
        // Words do not nest within one parser (substitutions get their own), so one builder per parser suffices.
        var sb = _wordBuilder ??= new StringBuilder();
        sb.Clear();
        var start = _pos;
        var dynamic = false;
        var startsDynamic = false;
        var quoted = false;
        string? substitutionOnly = null;
        var parts = 0;

        void MarkDynamic(bool atStart, bool optionCapable)
        {
            dynamic = true;
            if (atStart && optionCapable)
            {
                startsDynamic = true;
            }
        }

        while (!AtEnd)
        {
            var c = _s[_pos];
            var atStart = sb.Length == 0 && !quoted && parts == 0;
            if ((c == '<' || c == '>') && atStart && _pos + 1 < _s.Length && _s[_pos + 1] == '(')
            {
                var from = _pos;
                _pos += 2;
                ParseSubstitution();
                sb.Append(_s, from, _pos - from);
                MarkDynamic(true, false);
                parts++;
                continue;
            }

            if (IsMeta(c))
            {
                break;
            }

            parts++;
            switch (c)
            {
                case '\\':
                    if (_pos + 1 >= _s.Length)
                    {
                        sb.Append('\\');
                        _pos++;
                    }
                    else if (_s[_pos + 1] == '\n')
                    {
                        _pos += 2;
                    }
                    else
                    {
                        sb.Append(_s[_pos + 1]);
                        _pos += 2;
                        quoted = true;
                    }

                    break;
                case '\'':
                    {
                        var close = _s.IndexOf('\'', _pos + 1);
                        if (close < 0)
                        {
                            Abort("unbalanced single quote");
                            break;
                        }

                        sb.Append(_s, _pos + 1, close - _pos - 1);
                        _pos = close + 1;
                        quoted = true;
                        break;
                    }

                case '"':
                    _pos++;
                    quoted = true;
                    if (ReadDoubleQuoted(sb, out var dqDynamic, out var dqStartsDynamic, out var onlySubst) && dqDynamic)
                    {
                        MarkDynamic(atStart && dqStartsDynamic, true);
                        if (atStart && onlySubst is not null && (_pos >= _s.Length || IsMeta(_s[_pos])))
                        {
                            substitutionOnly = onlySubst;
                        }
                    }

                    break;
                case '$':
                    {
                        var isSubst = _pos + 1 < _s.Length && _s[_pos + 1] == '(';
                        var from = _pos;
                        if (ReadDollar(sb, inDoubleQuotes: false, out var dollarQuoted))
                        {
                            MarkDynamic(atStart, true);
                            if (atStart && isSubst && (_pos >= _s.Length || IsMeta(_s[_pos])))
                            {
                                substitutionOnly = _s.Substring(from + 2, Math.Max(0, _pos - from - 3));
                            }
                        }

                        quoted |= dollarQuoted;
                        break;
                    }

                case '`':
                    {
                        var from = _pos;
                        ReadBacktick();
                        sb.Append(_s, from, _pos - from);
                        MarkDynamic(atStart, true);
                        break;
                    }

                case '*':
                case '?':
                    sb.Append(c);
                    _pos++;
                    MarkDynamic(atStart, true);
                    break;
                case '[':
                    sb.Append(c);
                    _pos++;
                    if (HasUnquotedAhead(']'))
                    {
                        MarkDynamic(atStart, true);
                    }

                    break;
                case '{':
                    sb.Append(c);
                    _pos++;
                    if (IsBraceExpansion())
                    {
                        MarkDynamic(atStart, true);
                    }

                    break;
                case '~':
                    sb.Append(c);
                    _pos++;
                    if (atStart)
                    {
                        MarkDynamic(false, false);
                    }

                    break;
                case '=':
                    sb.Append(c);
                    _pos++;
                    if (_pos < _s.Length && _s[_pos] == '(' && IsAssignment(new ShellWord(sb.ToString())))
                    {
                        ReadArrayAssignment(sb);
                        dynamic = true;
                    }

                    break;
                default:
                    sb.Append(c);
                    _pos++;
                    break;
            }
        }

        if (_pos == start && !AtEnd)
        {
            // Not a word character at all (should not happen): consume it so the lexer always advances.
            sb.Append(_s[_pos]);
            _pos++;
        }

        return new ShellWord(sb.ToString(), dynamic, startsDynamic, quoted) { SubstitutionOnly = substitutionOnly };
    }

    private bool HasUnquotedAhead(char wanted)
    {
        for (var j = _pos; j < _s.Length && !IsMeta(_s[j]); j++)
        {
            if (_s[j] == wanted)
            {
                return true;
            }

            if (_s[j] is '\'' or '"')
            {
                return false;
            }
        }

        return false;
    }

    private bool IsBraceExpansion()
    {
        var nest = 0;
        for (var j = _pos; j < _s.Length && !IsMeta(_s[j]); j++)
        {
            var c = _s[j];
            if (c == '{')
            {
                nest++;
            }
            else if (c == '}')
            {
                if (nest == 0)
                {
                    return false;
                }

                nest--;
            }
            else if (c == ',' || (c == '.' && j + 1 < _s.Length && _s[j + 1] == '.'))
            {
                return true;
            }
        }

        return false;
    }

    private void ReadArrayAssignment(StringBuilder sb)
    {
        _pos++; // '('
        sb.Append('(');
        while (!AtEnd)
        {
            SkipBlanks();
            if (AtEnd)
            {
                break;
            }

            var c = _s[_pos];
            if (c == ')')
            {
                _pos++;
                sb.Append(')');
                return;
            }

            if (c == '\n')
            {
                _pos++;
                continue;
            }

            if (IsMeta(c))
            {
                _pos++;
                continue;
            }

            var saved = _wordBuilder;
            _wordBuilder = null;
            sb.Append(ReadWord().Text).Append(' ');
            _wordBuilder = saved;
        }
    }

    /// <summary>Reads up to the closing double quote (the opening one is consumed).</summary>
    private bool ReadDoubleQuoted(StringBuilder sb, out bool dynamic, out bool startsDynamic, out string? onlySubst)
    {
        dynamic = false;
        startsDynamic = false;
        onlySubst = null;
        var first = true;
        var partCount = 0;
        while (!AtEnd)
        {
            var c = _s[_pos];
            if (c == '"' && !_hereDocBody)
            {
                _pos++;
                if (partCount != 1)
                {
                    onlySubst = null;
                }

                return true;
            }

            partCount++;
            if (c == '\\' && _pos + 1 < _s.Length)
            {
                var n = _s[_pos + 1];
                if (n is '$' or '`' or '"' or '\\')
                {
                    sb.Append(n);
                }
                else if (n != '\n')
                {
                    sb.Append('\\').Append(n);
                }

                _pos += 2;
            }
            else if (c == '$')
            {
                var isSubst = _pos + 1 < _s.Length && _s[_pos + 1] == '(';
                var from = _pos;
                if (ReadDollar(sb, inDoubleQuotes: true, out _))
                {
                    dynamic = true;
                    startsDynamic |= first;
                    if (isSubst && first)
                    {
                        onlySubst = _s.Substring(from + 2, Math.Max(0, _pos - from - 3));
                    }
                }
            }
            else if (c == '`')
            {
                var from = _pos;
                ReadBacktick();
                sb.Append(_s, from, _pos - from);
                dynamic = true;
                startsDynamic |= first;
            }
            else
            {
                sb.Append(c);
                _pos++;
            }

            first = false;
        }

        if (_hereDocBody)
        {
            return true;
        }

        Abort("unbalanced double quote");
        return false;
    }

    /// <summary>Reads a '$' construct. Returns true when it is an expansion (dynamic value).</summary>
    private bool ReadDollar(StringBuilder sb, bool inDoubleQuotes, out bool quoted)
    {
        quoted = false;
        var from = _pos;
        if (_pos + 1 >= _s.Length)
        {
            sb.Append('$');
            _pos++;
            return false;
        }

        var n = _s[_pos + 1];
        if (n == '\'' && !inDoubleQuotes)
        {
            _pos += 2;
            quoted = true;
            ReadAnsiC(sb);
            return false;
        }

        if (n == '"' && !inDoubleQuotes)
        {
            _pos += 2;
            quoted = true;
            ReadDoubleQuoted(sb, out var d, out _, out _);
            return d;
        }

        if (n == '(')
        {
            _pos += 2;
            ParseSubstitution();
            sb.Append(_s, from, _pos - from);
            return true;
        }

        if (n == '{')
        {
            _pos += 2;
            ReadBracedParameter();
            sb.Append(_s, from, _pos - from);
            return true;
        }

        if (char.IsAsciiLetter(n) || n == '_')
        {
            _pos++;
            while (_pos < _s.Length && (char.IsAsciiLetterOrDigit(_s[_pos]) || _s[_pos] == '_'))
            {
                _pos++;
            }

            sb.Append(_s, from, _pos - from);
            return true;
        }

        if (char.IsAsciiDigit(n) || n is '@' or '*' or '#' or '?' or '$' or '!' or '-')
        {
            _pos += 2;
            sb.Append(_s, from, 2);
            return true;
        }

        sb.Append('$');
        _pos++;
        return false;
    }

    private void ReadBracedParameter()
    {
        var nest = 1;
        while (!AtEnd)
        {
            var c = _s[_pos];
            switch (c)
            {
                case '}':
                    _pos++;
                    if (--nest == 0)
                    {
                        return;
                    }

                    break;
                case '{':
                    nest++;
                    _pos++;
                    break;
                case '\\':
                    _pos += 2;
                    break;
                case '\'':
                    {
                        var close = _s.IndexOf('\'', _pos + 1);
                        _pos = close < 0 ? _s.Length : close + 1;
                        break;
                    }

                case '"':
                    _pos++;
                    ReadDoubleQuoted(new StringBuilder(), out _, out _, out _);
                    break;
                case '$':
                    ReadDollar(new StringBuilder(), inDoubleQuotes: false, out _);
                    break;
                case '`':
                    ReadBacktick();
                    break;
                default:
                    _pos++;
                    break;
            }
        }

        Abort("unbalanced ${ … }");
    }

    private void ReadAnsiC(StringBuilder sb)
    {
        while (!AtEnd)
        {
            var c = _s[_pos];
            if (c == '\'')
            {
                _pos++;
                return;
            }

            if (c != '\\' || _pos + 1 >= _s.Length)
            {
                sb.Append(c);
                _pos++;
                continue;
            }

            var e = _s[_pos + 1];
            _pos += 2;
            switch (e)
            {
                case 'a': sb.Append('\a'); break;
                case 'b': sb.Append('\b'); break;
                case 'e':
                case 'E': sb.Append('\u001b'); break;
                case 'f': sb.Append('\f'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'v': sb.Append('\v'); break;
                case 'x': AppendCode(sb, 16, 2); break;
                case 'u': AppendCode(sb, 16, 4); break;
                case 'U': AppendCode(sb, 16, 8); break;
                case 'c':
                    if (_pos < _s.Length)
                    {
                        sb.Append((char)(_s[_pos] & 0x1f));
                        _pos++;
                    }

                    break;
                case >= '0' and <= '7':
                    _pos--;
                    AppendCode(sb, 8, 3);
                    break;
                default:
                    if (e is not ('\\' or '\'' or '"' or '?'))
                    {
                        sb.Append('\\');
                    }

                    sb.Append(e);
                    break;
            }
        }

        Abort("unbalanced $' … '");
    }

    private void AppendCode(StringBuilder sb, int radix, int maxDigits)
    {
        var value = 0;
        var digits = 0;
        while (digits < maxDigits && _pos < _s.Length)
        {
            var d = HexValue(_s[_pos]);
            if (d < 0 || d >= radix)
            {
                break;
            }

            value = (value * radix) + d;
            _pos++;
            digits++;
        }

        if (digits == 0)
        {
            sb.Append('\\').Append(radix == 8 ? string.Empty : "x");
            return;
        }

        if (value == 0)
        {
            // bash stops the string at a NUL byte.
            return;
        }

        if (value <= 0x10FFFF && !(value >= 0xD800 && value <= 0xDFFF))
        {
            sb.Append(char.ConvertFromUtf32(value));
        }
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    /// <summary>Parses the body of $( … ) or &lt;( … ) (the opening is consumed) and records its commands.</summary>
    private void ParseSubstitution()
    {
        if (_depth + 1 > MaxDepth)
        {
            Abort("nesting deeper than " + MaxDepth);
            return;
        }

        var child = new ShellParser(_s, _pos, _depth + 1, _result);
        child.ParseList(untilParen: true);
        _pos = child._pos;
    }

    private void ReadBacktick()
    {
        var sb = new StringBuilder();
        var j = _pos + 1;
        while (j < _s.Length && _s[j] != '`')
        {
            if (_s[j] == '\\' && j + 1 < _s.Length && _s[j + 1] is '\\' or '`' or '$')
            {
                sb.Append(_s[j + 1]);
                j += 2;
                continue;
            }

            sb.Append(_s[j]);
            j++;
        }

        if (j >= _s.Length)
        {
            Abort("unbalanced backtick");
            return;
        }

        _pos = j + 1;
        if (_depth + 1 > MaxDepth)
        {
            Abort("nesting deeper than " + MaxDepth);
            return;
        }

        new ShellParser(sb.ToString(), 0, _depth + 1, _result).ParseList(untilParen: false);
    }

    private void ReadPendingHereDocs()
    {
        if (_pendingHereDocs.Count == 0)
        {
            return;
        }

        var docs = _pendingHereDocs.ToArray();
        _pendingHereDocs.Clear();
        foreach (var (delimiter, stripTabs, target) in docs)
        {
            var body = new StringBuilder();
            var found = false;
            while (_pos < _s.Length)
            {
                var eol = _s.IndexOf('\n', _pos);
                var lineEnd = eol < 0 ? _s.Length : eol;
                var line = _s.AsSpan(_pos, lineEnd - _pos);
                if (stripTabs)
                {
                    line = line.TrimStart('\t');
                }

                _pos = eol < 0 ? _s.Length : eol + 1;
                if (line.SequenceEqual(delimiter.Text))
                {
                    found = true;
                    break;
                }

                body.Append(line).Append('\n');
            }

            _ = found; // bash accepts a here-doc ended by end of input (with a warning).
            var text = body.ToString();
            var dynamic = false;
            if (!delimiter.Quoted && (text.Contains('$') || text.Contains('`')))
            {
                // An unquoted delimiter means the body is expanded: substitutions in it run.
                if (_depth + 1 > MaxDepth)
                {
                    Abort("nesting deeper than " + MaxDepth);
                    return;
                }

                var inner = new ShellParser(text, 0, _depth + 1, _result) { _hereDocBody = true };
                inner.ReadDoubleQuoted(new StringBuilder(), out dynamic, out _, out _);
            }

            target.Stdin = dynamic ? StdinKind.DynamicText : StdinKind.StaticText;
            target.StdinText = text;
        }
    }
}
