using Scc.Safety.Shell;

namespace Scc.Safety.Rules;

internal enum GitArgKind
{
    None,
    Required,
    Optional,
}

/// <summary>One option of a git subcommand as parse-options declares it.</summary>
internal sealed record GitOpt(string Id, string? Long, char Short = '\0', GitArgKind Arg = GitArgKind.None);

/// <summary>The result of walking a git subcommand's arguments the way git's parse-options does.</summary>
internal sealed class GitParsed
{
    public List<(string Id, string? Value, bool Negated)> Options { get; } = [];

    /// <summary>Non-option arguments before <c>--</c>.</summary>
    public List<ShellWord> Operands { get; } = [];

    /// <summary>Arguments after <c>--</c> (pathspecs for most commands).</summary>
    public List<ShellWord> AfterDashDash { get; } = [];

    public bool DashDash { get; set; }

    /// <summary>A word whose value could start with '-' or '+' (an expansion at its start).</summary>
    public List<ShellWord> DynamicWords { get; } = [];

    public bool Has(string id) => Last(id) is { Negated: false };

    public (string Id, string? Value, bool Negated)? Last(string id)
    {
        for (var i = Options.Count - 1; i >= 0; i--)
        {
            if (Options[i].Id == id)
            {
                return Options[i];
            }
        }

        return null;
    }

    public int Count(string id)
    {
        var n = 0;
        foreach (var o in Options)
        {
            if (o.Id == id)
            {
                n = o.Negated ? 0 : n + 1;
            }
        }

        return n;
    }
}

/// <summary>
/// An emulation of git's parse-options: options anywhere before <c>--</c>, unique-prefix abbreviations of long
/// options, <c>--no-</c> negations, <c>--opt=value</c> and <c>--opt value</c>, clustered short flags and attached
/// short values.
/// </summary>
/// <remarks>
/// Where git would report an ambiguous abbreviation (an error, nothing runs) every candidate is recorded, so an
/// ambiguity involving a dangerous option is treated as that option. Unknown options are ignored rather than
/// treated as an error that stops git: a missing table entry must never hide a dangerous flag after it.
/// </remarks>
internal static class GitOptionParser
{
    public static GitParsed Parse(IReadOnlyList<ShellWord> args, IReadOnlyList<GitOpt> table)
    {
        var p = new GitParsed();
        var onlyOperands = false;
        for (var i = 0; i < args.Count; i++)
        {
            var w = args[i];
            var t = w.Text;
            if (onlyOperands)
            {
                (p.DashDash ? p.AfterDashDash : p.Operands).Add(w);
                continue;
            }

            if (w.StartsDynamic)
            {
                p.DynamicWords.Add(w);
                p.Operands.Add(w);
                continue;
            }

            if (t == "--")
            {
                p.DashDash = true;
                onlyOperands = true;
                continue;
            }

            if (t == "--end-of-options")
            {
                onlyOperands = true;
                continue;
            }

            if (t.Length < 2 || t[0] != '-')
            {
                p.Operands.Add(w);
                continue;
            }

            if (t[1] == '-')
            {
                var eq = t.IndexOf('=', StringComparison.Ordinal);
                var name = eq >= 0 ? t[2..eq] : t[2..];
                string? value = eq >= 0 ? t[(eq + 1)..] : null;
                var matches = MatchLong(name, table);
                var consumed = false;
                foreach (var (opt, negated) in matches)
                {
                    var v = value;
                    if (v is null && opt.Arg == GitArgKind.Required && !negated && matches.Count == 1 && i + 1 < args.Count)
                    {
                        v = args[i + 1].Text;
                        if (args[i + 1].IsDynamic && args[i + 1].StartsDynamic)
                        {
                            p.DynamicWords.Add(args[i + 1]);
                        }

                        consumed = true;
                    }

                    p.Options.Add((opt.Id, v, negated));
                }

                if (consumed)
                {
                    i++;
                }

                continue;
            }

            for (var k = 1; k < t.Length; k++)
            {
                var opt = FindShort(t[k], table);
                if (opt is null)
                {
                    continue;
                }

                if (opt.Arg == GitArgKind.None)
                {
                    p.Options.Add((opt.Id, null, false));
                    continue;
                }

                string? v = k + 1 < t.Length ? t[(k + 1)..] : null;
                if (v is null && opt.Arg == GitArgKind.Required && i + 1 < args.Count)
                {
                    v = args[++i].Text;
                }

                p.Options.Add((opt.Id, v, false));
                break;
            }
        }

        return p;
    }

    private static GitOpt? FindShort(char c, IReadOnlyList<GitOpt> table)
    {
        foreach (var o in table)
        {
            if (o.Short == c)
            {
                return o;
            }
        }

        return null;
    }

    private static List<(GitOpt Opt, bool Negated)> MatchLong(string name, IReadOnlyList<GitOpt> table)
    {
        var result = new List<(GitOpt, bool)>();
        foreach (var o in table)
        {
            if (o.Long == name)
            {
                result.Add((o, false));
                return result;
            }
        }

        var negated = name.StartsWith("no-", StringComparison.Ordinal);
        var positive = negated ? name[3..] : null;
        if (positive is not null)
        {
            foreach (var o in table)
            {
                if (o.Long == positive)
                {
                    result.Add((o, true));
                    return result;
                }
            }
        }

        if (name.Length == 0)
        {
            return result;
        }

        foreach (var o in table)
        {
            if (o.Long is null)
            {
                continue;
            }

            if (o.Long.StartsWith(name, StringComparison.Ordinal))
            {
                result.Add((o, false));
            }
            else if (positive is { Length: > 0 } && o.Long.StartsWith(positive, StringComparison.Ordinal))
            {
                result.Add((o, true));
            }
        }

        if (result.Count > 1)
        {
            // git rejects an ambiguous abbreviation; an ambiguity must never switch a dangerous flag off.
            result.RemoveAll(m => m.Item2);
        }

        return result;
    }

    private static GitOpt N(string id, char s = '\0') => new(id, id, s);

    private static GitOpt R(string id, char s = '\0') => new(id, id, s, GitArgKind.Required);

    private static GitOpt O(string id, char s = '\0') => new(id, id, s, GitArgKind.Optional);

    public static readonly GitOpt[] Push =
    [
        N("verbose", 'v'), N("quiet", 'q'), R("repo"), N("all"), N("branches"), N("mirror"), N("delete", 'd'), N("tags"),
        N("dry-run", 'n'), N("porcelain"), N("force", 'f'), O("force-with-lease"), N("force-if-includes"),
        R("recurse-submodules"), N("thin"), R("receive-pack"), R("exec"), N("set-upstream", 'u'), N("progress"),
        N("prune"), N("verify"), N("follow-tags"), O("signed"), N("atomic"), R("push-option", 'o'), N("ipv4", '4'),
        N("ipv6", '6'),
    ];

    public static readonly GitOpt[] Reset =
    [
        N("quiet", 'q'), N("no-refresh"), N("refresh"), N("mixed"), N("soft"), N("hard"), N("merge"), N("keep"),
        O("recurse-submodules"), N("patch", 'p'), N("intent-to-add", 'N'), R("pathspec-from-file"), N("pathspec-file-nul"),
    ];

    public static readonly GitOpt[] Branch =
    [
        N("verbose", 'v'), N("quiet", 'q'), O("track", 't'), R("set-upstream-to", 'u'), N("unset-upstream"), O("color"),
        N("remotes", 'r'), O("contains"), O("no-contains"), O("abbrev"), N("all", 'a'), N("delete", 'd'),
        new("force-delete", null, 'D'), N("move", 'm'), new("force-move", null, 'M'), N("copy", 'c'),
        new("force-copy", null, 'C'), N("list", 'l'), N("show-current"), N("create-reflog"), N("edit-description"),
        N("force", 'f'), O("merged"), O("no-merged"), O("column"), R("sort"), R("points-at"), N("ignore-case", 'i'),
        N("omit-empty"), R("format"), N("recurse-submodules"),
    ];

    public static readonly GitOpt[] Clean =
    [
        N("quiet", 'q'), N("dry-run", 'n'), N("force", 'f'), N("interactive", 'i'), new("dirs", null, 'd'),
        new("ignored", null, 'x'), new("only-ignored", null, 'X'), R("exclude", 'e'),
    ];

    public static readonly GitOpt[] Checkout =
    [
        N("quiet", 'q'), new("b", null, 'b', GitArgKind.Required), new("B", null, 'B', GitArgKind.Required),
        new("l", null, 'l'), N("detach"), O("track", 't'), N("guess"), R("orphan"), N("force", 'f'), N("merge", 'm'),
        R("conflict"), N("ours", '2'), N("theirs", '3'), N("patch", 'p'), N("ignore-skip-worktree-bits"),
        N("ignore-other-worktrees"), N("overwrite-ignore"), O("recurse-submodules"), N("progress"), N("overlay"),
        R("pathspec-from-file"), N("pathspec-file-nul"), N("auto-advance"),
    ];

    public static readonly GitOpt[] Switch =
    [
        new("create", "create", 'c', GitArgKind.Required), new("force-create", "force-create", 'C', GitArgKind.Required),
        N("guess"), N("discard-changes"), N("quiet", 'q'), N("detach", 'd'), O("track", 't'), R("orphan"),
        N("force", 'f'), N("merge", 'm'), R("conflict"), N("ignore-other-worktrees"), O("recurse-submodules"),
        N("progress"),
    ];

    public static readonly GitOpt[] Restore =
    [
        R("source", 's'), N("staged", 'S'), N("worktree", 'W'), N("ignore-unmerged"), N("overlay"), N("quiet", 'q'),
        O("recurse-submodules"), N("progress"), N("merge", 'm'), R("conflict"), N("ours", '2'), N("theirs", '3'),
        N("patch", 'p'), N("ignore-skip-worktree-bits"), R("pathspec-from-file"), N("pathspec-file-nul"),
    ];

    public static readonly GitOpt[] Gc =
    [
        N("quiet", 'q'), O("prune"), N("aggressive"), N("auto"), N("force"), N("keep-largest-pack"), N("cruft"),
        R("max-cruft-size"), N("detach"),
    ];

    public static readonly GitOpt[] Prune = [N("dry-run", 'n'), N("verbose", 'v'), N("progress"), R("expire")];

    public static readonly GitOpt[] Config =
    [
        N("global"), N("system"), N("local"), N("worktree"), R("file", 'f'), R("blob"), N("get"), N("get-all"),
        N("get-regexp"), N("get-urlmatch"), N("replace-all"), N("add"), N("unset"), N("unset-all"),
        N("rename-section"), N("remove-section"), N("list", 'l'), N("fixed-value"), N("edit", 'e'), N("get-color"),
        N("get-colorbool"), R("type"), N("bool"), N("int"), N("bool-or-int"), N("bool-or-str"), N("path"),
        N("expiry-date"), N("null", 'z'), N("name-only"), N("includes"), N("show-origin"), N("show-scope"), R("default"),
        N("append"), N("all"), R("value"), R("comment"),
    ];
}
