using System.Reflection;

namespace Scc.Core.Config;

/// <summary>scc's own version (the assembly informational version, e.g. <c>2.0.0+abc123</c>) and semver comparison.</summary>
internal static class CliVersion
{
    private static readonly Lazy<Version> CurrentVersion = new(() =>
        Parse(typeof(CliVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion)
        ?? new Version(2, 0, 0));

    public static Version Current => CurrentVersion.Value;

    public static string CurrentText => $"{Current.Major}.{Current.Minor}.{Current.Build}";

    /// <summary>Reads <c>MAJOR.MINOR.PATCH</c>, ignoring a pre-release or build suffix; null when it is not one.</summary>
    public static Version? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var core = text.Trim().TrimStart('v');
        var cut = core.IndexOfAny(['-', '+']);
        if (cut >= 0)
        {
            core = core[..cut];
        }

        var parts = core.Split('.');
        if (parts.Length is < 1 or > 3)
        {
            return null;
        }

        var numbers = new int[3];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out numbers[i]))
            {
                return null;
            }
        }

        return new Version(numbers[0], numbers[1], numbers[2]);
    }
}
