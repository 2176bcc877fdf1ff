using System.Security.Cryptography;
using System.Text;

namespace Scc.Core.Runtime;

/// <summary>The labels every object scc creates carries, so listing, stopping and pruning work by label alone.</summary>
internal static class SessionLabels
{
    public const string Managed = "scc.managed";
    public const string Provider = "scc.provider";
    public const string Workspace = "scc.workspace";
    public const string Session = "scc.session";

    /// <summary>What the object is in its session: <c>agent</c>, <c>proxy</c>, <c>network</c>.</summary>
    public const string Role = "scc.role";

    /// <summary>
    /// On an object that outlives sessions (the provider data volume): the session whose start created it, so a start
    /// that fails or is cancelled removes only what it created itself.
    /// </summary>
    public const string CreatedBy = "scc.created-by";

    public const string ManagedValue = "true";

    /// <summary>The <see cref="Role"/> of a session's safety policy volume.</summary>
    public const string PolicyRole = "policy";

    /// <summary>The provider data volume's labels, when this session's start is the one that creates it.</summary>
    public static IReadOnlyDictionary<string, string> DataVolume(string providerId, string sessionId) => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [Managed] = ManagedValue,
        [Provider] = providerId,
        [CreatedBy] = sessionId,
    };

    public static LabelSelector AllManaged => LabelSelector.Of((Managed, ManagedValue));

    public static LabelSelector ForSession(string sessionId) => LabelSelector.Of((Managed, ManagedValue), (Session, sessionId));

    public static LabelSelector ForWorkspace(string canonicalWorkspace, string? providerId = null) => providerId is null
        ? LabelSelector.Of((Managed, ManagedValue), (Workspace, canonicalWorkspace))
        : LabelSelector.Of((Managed, ManagedValue), (Workspace, canonicalWorkspace), (Provider, providerId));
}

/// <summary>
/// Who a session is: a provider in a canonical workspace. Names derive from both, so they are stable across runs
/// (resume finds the running container), two providers in one workspace never collide (the provider is in the
/// name) and two worktrees never collide (their canonical paths hash differently).
/// </summary>
internal sealed record SessionIdentity
{
    private const int MaxSlug = 24;

    private SessionIdentity(string providerId, string workspace, string hash)
    {
        ProviderId = providerId;
        Workspace = workspace;
        WorkspaceHash = hash;
        ContainerName = $"scc-{providerId}-{Slug(Path.GetFileName(workspace))}-{hash}";
    }

    public string ProviderId { get; }

    /// <summary>The canonical (absolute, symlink-free) workspace path.</summary>
    public string Workspace { get; }

    /// <summary>First 12 hex digits of the SHA-256 of the canonical workspace path.</summary>
    public string WorkspaceHash { get; }

    /// <summary><c>scc-&lt;provider&gt;-&lt;folder&gt;-&lt;hash&gt;</c>: readable in <c>docker ps</c>, unique by the hash.</summary>
    public string ContainerName { get; }

    /// <summary>The session's internal network (egress-enforced mode).</summary>
    public string NetworkName => $"{ContainerName}-net";

    /// <summary>The session's egress proxy container (egress-enforced mode).</summary>
    public string ProxyContainerName => $"{ContainerName}-proxy";

    /// <summary>The session's safety policy: a volume mounted read-only at <c>/etc/scc</c> in the agent's container.</summary>
    public string PolicyVolumeName => $"{ContainerName}-policy";

    /// <summary>The short-lived container, never started, through which a start writes the session's volumes.</summary>
    public string FilesContainerName => $"{ContainerName}-files";

    /// <param name="providerId">Lower-case id (<c>[a-z0-9][a-z0-9-]*</c>).</param>
    /// <param name="canonicalWorkspace">Already canonical: see <see cref="WorkspacePaths.Canonicalize"/>.</param>
    public static SessionIdentity For(string providerId, string canonicalWorkspace)
    {
        if (!IsValidProviderId(providerId))
        {
            throw new ArgumentException($"'{providerId}' is not a provider id (lower-case letters, digits and dashes).", nameof(providerId));
        }

        if (!Path.IsPathFullyQualified(canonicalWorkspace))
        {
            throw new ArgumentException($"'{canonicalWorkspace}' is not an absolute path.", nameof(canonicalWorkspace));
        }

        return new SessionIdentity(providerId, canonicalWorkspace, Hash(canonicalWorkspace));
    }

    /// <summary>A fresh id for one launch (<c>scc.session</c>): the container name stays, each launch gets its own id.</summary>
    public string NewSessionId(DateTimeOffset now) =>
        $"{ProviderId}-{WorkspaceHash[..8]}-{now.UtcDateTime:yyyyMMddHHmmss}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}";

    /// <summary>The labels of one object of this session.</summary>
    public IReadOnlyDictionary<string, string> Labels(string sessionId, string role) => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [SessionLabels.Managed] = SessionLabels.ManagedValue,
        [SessionLabels.Provider] = ProviderId,
        [SessionLabels.Workspace] = Workspace,
        [SessionLabels.Session] = sessionId,
        [SessionLabels.Role] = role,
    };

    public static bool IsValidProviderId(string providerId) =>
        providerId.Length is > 0 and <= 32
        && (char.IsAsciiLetterLower(providerId[0]) || char.IsAsciiDigit(providerId[0]))
        && providerId.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');

    private static string Hash(string path) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(path)))[..12];

    /// <summary>The folder name in the characters a container name allows, for people reading <c>docker ps</c>.</summary>
    private static string Slug(string folder)
    {
        var builder = new StringBuilder(folder.Length);
        foreach (var c in folder.ToLowerInvariant())
        {
            var ok = char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '_' or '.';
            if (ok)
            {
                builder.Append(c);
            }
            else if (builder.Length > 0 && builder[^1] != '-')
            {
                builder.Append('-');
            }
        }

        var slug = builder.ToString().Trim('-', '.', '_');
        if (slug.Length > MaxSlug)
        {
            slug = slug[..MaxSlug].TrimEnd('-', '.', '_');
        }

        return slug.Length == 0 ? "ws" : slug;
    }
}
