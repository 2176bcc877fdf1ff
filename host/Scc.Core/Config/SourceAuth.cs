using System.Diagnostics;
using System.Text.RegularExpressions;
using Scc.Core.Errors;
using Scc.Core.Paths;

namespace Scc.Core.Config;

/// <summary>
/// Turns an auth setting into a secret: <c>env:VAR</c> reads a variable; <c>command:CMD</c> runs a command and
/// takes its output, but only when the setting comes from a local file the user controls; a remote config
/// must never make this machine run a command.
/// </summary>
internal sealed partial class SourceAuth(IEnvironment environment)
{
    public static TimeSpan CommandTimeout { get; } = TimeSpan.FromSeconds(30);

    /// <summary>The secret for <paramref name="auth"/> (null when unset), or a <see cref="ConfigException"/>.</summary>
    public string? Resolve(string? auth, bool fromLocalConfig, string where)
    {
        if (string.IsNullOrWhiteSpace(auth))
        {
            return null;
        }

        if (auth.StartsWith("env:", StringComparison.Ordinal))
        {
            var name = auth[4..].Trim();
            return environment.Get(name) is { Length: > 0 } value
                ? value
                : throw new ConfigException($"The auth for {where} reads the environment variable {name}, which is not set.", $"Set {name}, or change the auth setting.");
        }

        if (auth.StartsWith("command:", StringComparison.Ordinal))
        {
            if (!fromLocalConfig)
            {
                throw new GovernanceException($"The auth for {where} asks to run a command, but it comes from a remote config; scc runs auth commands only from local config files.",
                    "Use env:VAR in the remote config, or set the auth in your own config with `scc setup`.");
            }

            return RunCommand(auth[8..].Trim(), where);
        }

        throw new ConfigException($"The auth for {where} is '{Redact(auth)}'; it must be env:VAR or command:CMD.", null);
    }

    /// <summary>Expands <c>${VAR}</c> in header values, and resolves values that are a whole env:/command: setting.</summary>
    public Dictionary<string, string> Headers(IReadOnlyDictionary<string, string>? headers, bool fromLocalConfig, string where)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            result[name] = value.StartsWith("env:", StringComparison.Ordinal) || value.StartsWith("command:", StringComparison.Ordinal)
                ? Resolve(value, fromLocalConfig, where) ?? ""
                : VariablePattern().Replace(value, m => environment.Get(m.Groups[1].Value) ?? "");
        }

        return result;
    }

    private static string RunCommand(string command, string where)
    {
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command);
        using var process = Process.Start(start) ?? throw new ConfigException($"The auth command for {where} could not start.", null);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(CommandTimeout))
        {
            process.Kill(entireProcessTree: true);
            throw new ConfigException($"The auth command for {where} did not finish within {CommandTimeout.TotalSeconds:0} s.", null);
        }

        if (process.ExitCode != 0)
        {
            throw new ConfigException($"The auth command for {where} failed (exit {process.ExitCode}): {error.Result.Trim()}", "Run the command yourself to see why.");
        }

        var token = output.Result.Trim();
        return token.Length > 0 ? token : throw new ConfigException($"The auth command for {where} printed nothing.", null);
    }

    private static string Redact(string value) => value.Length <= 8 ? "…" : value[..4] + "…";

    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")]
    private static partial Regex VariablePattern();
}
