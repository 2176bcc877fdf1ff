using Scc.Safety.Engine;
using Scc.Safety.Shell;

namespace Scc.Safety.Rules;

/// <summary>
/// git configuration that reaches one git invocation without a file: <c>-c</c>, <c>--config-env</c> and the
/// GIT_CONFIG_* environment variables; plus the settings that matter when written with <c>git config</c>.
/// </summary>
internal sealed class GitConfig
{
    private readonly List<(string Key, string Value, bool Dynamic)> _entries = [];

    public bool HasDynamicKeys { get; private set; }

    public static bool IsTrue(string v) => v.Trim().ToLowerInvariant() is "true" or "yes" or "on" or "1" or "";

    public static bool IsFalse(string v) => v.Trim().ToLowerInvariant() is "false" or "no" or "off" or "0";

    public (string Value, bool Dynamic)? Get(string key)
    {
        for (var i = _entries.Count - 1; i >= 0; i--)
        {
            if (_entries[i].Key == key)
            {
                return (_entries[i].Value, _entries[i].Dynamic);
            }
        }

        return null;
    }

    public IEnumerable<(string Key, (string Value, bool Dynamic) Value)> Matching(string prefix, string suffix)
    {
        foreach (var e in _entries)
        {
            if (e.Key.StartsWith(prefix, StringComparison.Ordinal) && e.Key.EndsWith(suffix, StringComparison.Ordinal))
            {
                yield return (e.Key, (e.Value, e.Dynamic));
            }
        }
    }

    /// <summary>A <c>-c name=value</c> argument.</summary>
    public void AddSetting(ShellWord w)
    {
        var t = w.Text;
        var eq = t.IndexOf('=', StringComparison.Ordinal);
        var key = eq >= 0 ? t[..eq] : t;
        var value = eq >= 0 ? t[(eq + 1)..] : "true";
        if (w.StartsDynamic || key.AsSpan().IndexOfAny("$`*?[{") >= 0)
        {
            HasDynamicKeys = true;
            return;
        }

        _entries.Add((key.ToLowerInvariant(), value, w.IsDynamic));
    }

    /// <summary>A <c>--config-env name=ENVVAR</c> argument: the value is only known at run time.</summary>
    public void AddFromEnvironmentVariable(string spec)
    {
        var eq = spec.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0)
        {
            return;
        }

        _entries.Add((spec[..eq].ToLowerInvariant(), spec[(eq + 1)..], true));
    }

    /// <summary>Applies GIT_* assignments (<c>NAME=value</c> words) of the environment git will see.</summary>
    public void ApplyEnvironment(IEnumerable<ShellWord> env, Action<string> runScript, EvalContext ctx, string display)
    {
        var counted = new Dictionary<string, ShellWord>(StringComparer.Ordinal);
        foreach (var w in env)
        {
            var eq = w.Text.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                continue;
            }

            var name = w.Text[..eq];
            var value = w.Text[(eq + 1)..];
            switch (name)
            {
                case "GIT_CONFIG_PARAMETERS":
                    if (w.IsDynamic)
                    {
                        HasDynamicKeys = true;
                        break;
                    }

                    var parsed = ShellParser.Parse(value, ShellParser.MaxDepth - 1);
                    foreach (var cmd in parsed.Commands)
                    {
                        foreach (var item in cmd.Assignments.Concat(cmd.Words))
                        {
                            AddSetting(item);
                        }
                    }

                    break;
                case "GIT_CONFIG_GLOBAL" or "GIT_CONFIG_SYSTEM" or "GIT_CONFIG":
                    if (value != "/dev/null")
                    {
                        ctx.Add(SafetyRules.Undecidable, $"git: {name} points git at a configuration file that is not inspected", display);
                    }

                    break;
                case "GIT_SSH_COMMAND" or "GIT_PAGER" or "GIT_EDITOR" or "GIT_SEQUENCE_EDITOR" or "GIT_EXTERNAL_DIFF"
                    or "GIT_PROXY_COMMAND" or "GIT_ASKPASS" or "GIT_SSH":
                    RunValue(name, value, w.IsDynamic, runScript, ctx, display);
                    break;
                default:
                    if (name == "GIT_CONFIG_COUNT" || name.StartsWith("GIT_CONFIG_KEY_", StringComparison.Ordinal)
                        || name.StartsWith("GIT_CONFIG_VALUE_", StringComparison.Ordinal))
                    {
                        counted[name] = w;
                    }

                    break;
            }
        }

        foreach (var (name, w) in counted)
        {
            if (!name.StartsWith("GIT_CONFIG_KEY_", StringComparison.Ordinal))
            {
                continue;
            }

            var n = name["GIT_CONFIG_KEY_".Length..];
            var key = w.Text[(name.Length + 1)..];
            if (w.IsDynamic)
            {
                HasDynamicKeys = true;
                continue;
            }

            if (counted.TryGetValue("GIT_CONFIG_VALUE_" + n, out var v))
            {
                _entries.Add((key.ToLowerInvariant(), v.Text[(v.Text.IndexOf('=', StringComparison.Ordinal) + 1)..], v.IsDynamic));
            }
            else
            {
                _entries.Add((key.ToLowerInvariant(), string.Empty, true));
            }
        }
    }

    private static void RunValue(string what, string value, bool dynamic, Action<string> runScript, EvalContext ctx, string display)
    {
        if (dynamic)
        {
            ctx.Add(SafetyRules.Undecidable, $"git: {what} runs a command that is not static", display);
            return;
        }

        runScript(value);
    }

    /// <summary>Keys whose value git runs as a shell command.</summary>
    public static bool IsShellValued(string key)
    {
        if (key is "core.sshcommand" or "core.pager" or "core.editor" or "sequence.editor" or "core.fsmonitor" or "diff.external"
            or "gpg.program" or "core.askpass" or "uploadpack.packobjectshook" or "core.alternaterefscommand" or "core.gitproxy"
            or "interactive.difffilter" or "credential.helper" or "sendemail.smtpserver" or "sendemail.sendmailcmd")
        {
            return true;
        }

        var parts = key.Split('.');
        var first = parts[0];
        var last = parts[^1];
        return (first == "pager" && parts.Length == 2)
            || (first == "diff" && last is "textconv" or "command")
            || (first == "filter" && last is "clean" or "smudge" or "process")
            || (first == "merge" && last == "driver")
            || (first == "gpg" && last == "program")
            || (first == "credential" && last == "helper")
            || (first == "remote" && last is "receivepack" or "uploadpack" or "proxy")
            || (first == "difftool" && last == "cmd") || (first == "mergetool" && last == "cmd");
    }

    private static bool IsIncludeOrTransport(string key, string value) =>
        key == "include.path" || (key.StartsWith("includeif.", StringComparison.Ordinal) && key.EndsWith(".path", StringComparison.Ordinal))
        || ((key == "protocol.allow" || (key.StartsWith("protocol.", StringComparison.Ordinal) && key.EndsWith(".allow", StringComparison.Ordinal)))
            && value.Trim().ToLowerInvariant() is "always" or "user");

    /// <summary>Runs the shell-valued settings of this invocation (pager, ssh command, …) as scripts.</summary>
    public void RunShellValued(Action<string> runScript, EvalContext ctx, string display)
    {
        foreach (var (key, value, dynamic) in _entries)
        {
            if (IsIncludeOrTransport(key, value))
            {
                ctx.Add(SafetyRules.Undecidable, $"git: {key}={value} brings in configuration or transports that are not inspected", display);
            }
            else if (IsShellValued(key) && !(key.StartsWith("pager.", StringComparison.Ordinal) && (IsTrue(value) || IsFalse(value)))
                && !(key == "core.fsmonitor" && (IsTrue(value) || IsFalse(value))))
            {
                RunValue(key, value.StartsWith('!') ? value[1..] : value, dynamic, runScript, ctx, display);
            }
        }
    }

    /// <summary>Judges a setting written with <c>git config</c>: it persists and changes what later commands do.</summary>
    public static void CheckPersistentSetting(
        string key,
        string value,
        bool dynamic,
        EvalContext ctx,
        Action<string> runScript,
        string display,
        Action<List<ShellWord>> evaluateAlias)
    {
        if (key.StartsWith("alias.", StringComparison.Ordinal))
        {
            if (dynamic)
            {
                ctx.Add(SafetyRules.Undecidable, $"git config: alias '{key}' has a value that is not static", display);
            }
            else if (value.StartsWith('!'))
            {
                runScript(value[1..]);
            }
            else
            {
                var parsed = ShellParser.Parse(value, ShellParser.MaxDepth - 1);
                if (parsed.Commands.Count == 1 && parsed.Undecidable.Count == 0)
                {
                    var words = parsed.Commands[0].Assignments.Concat(parsed.Commands[0].Words).ToList();
                    if (words.Count > 0)
                    {
                        evaluateAlias(words);
                    }
                }
                else if (parsed.Commands.Count > 1 || parsed.Undecidable.Count > 0)
                {
                    ctx.Add(SafetyRules.Undecidable, $"git config: alias '{key}' cannot be read", display);
                }
            }

            return;
        }

        if (key.StartsWith("remote.", StringComparison.Ordinal) && key.EndsWith(".push", StringComparison.Ordinal)
            && (dynamic || value.TrimStart().StartsWith('+')))
        {
            ctx.Add(SafetyRules.ForcePush, $"git config {key} {value} makes every push a force push", display);
        }
        else if (key.StartsWith("remote.", StringComparison.Ordinal) && key.EndsWith(".mirror", StringComparison.Ordinal)
            && (dynamic || IsTrue(value)))
        {
            ctx.Add(SafetyRules.PushMirror, $"git config {key} {value} makes every push a mirror push", display);
        }
        else if (key == "clean.requireforce" && (dynamic || IsFalse(value)))
        {
            ctx.Add(SafetyRules.CleanForce, "git config clean.requireForce false lets git clean delete without -f", display);
        }
        else if (key == "gc.pruneexpire" && (dynamic || GitRules.IsImmediateExpiry(value)))
        {
            ctx.Add(SafetyRules.GcPrune, $"git config gc.pruneExpire {value} makes gc prune immediately", display);
        }
        else if (key is "gc.reflogexpire" or "gc.reflogexpireunreachable" && (dynamic || GitRules.IsImmediateExpiry(value)))
        {
            ctx.Add(SafetyRules.ReflogExpire, $"git config {key} {value} makes gc expire the reflog immediately", display);
        }
        else if (IsIncludeOrTransport(key, value))
        {
            ctx.Add(SafetyRules.Undecidable, $"git config {key} brings in configuration or transports that are not inspected", display);
        }
        else if (IsShellValued(key))
        {
            RunValue("git config " + key, value.StartsWith('!') ? value[1..] : value, dynamic, runScript, ctx, display);
        }
    }
}
