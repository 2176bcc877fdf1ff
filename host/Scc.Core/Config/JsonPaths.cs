namespace Scc.Core.Config;

/// <summary>Builds JSON paths (<c>$.profiles.backend.additional_plugins[0]</c>) that Newtonsoft's SelectToken also reads.</summary>
internal static class JsonPaths
{
    public const string Root = "$";

    public static string Member(string parent, string name) =>
        IsSimple(name) ? $"{parent}.{name}" : $"{parent}['{name.Replace("'", "\\'", StringComparison.Ordinal)}']";

    public static string Index(string parent, int index) => $"{parent}[{index}]";

    public static string Of(params string[] names)
    {
        var path = Root;
        foreach (var name in names)
        {
            path = Member(path, name);
        }

        return path;
    }

    private static bool IsSimple(string name)
    {
        if (name.Length == 0)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }
}
