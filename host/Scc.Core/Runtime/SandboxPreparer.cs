using System.Formats.Tar;
using System.Text;

namespace Scc.Core.Runtime;

/// <summary>
/// Makes a created (not yet started) agent container fit the workspace owner, through the engine's archive API so
/// nothing inside needs a capability: the <c>agent</c> account renumbered to the owner's uid:gid, the home and the
/// provider data volume handed to that uid, and, when the uid is not the image's 1000, the home's files too.
/// </summary>
internal sealed class SandboxPreparer(IContainerFiles files)
{
    /// <summary>The uid the image gives its <c>agent</c> user.</summary>
    public const int ImageAgentUid = 1000;

    private const UnixFileMode SystemFile = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode HomeFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private const UnixFileMode PrivateFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <param name="alsoWrite">
    /// More files to place in the same upload (paths relative to <c>/</c>, e.g. the settings file and the safety
    /// policy): every archive call makes the engine mount the container's file system (~0.1–0.3 s), so a start that
    /// batches its files into this one call is that much faster.
    /// </param>
    public async Task PrepareAsync(
        string container,
        SandboxContainerPlan plan,
        string dataMountPath,
        CancellationToken cancellationToken,
        IReadOnlyList<ContainerFile>? alsoWrite = null)
    {
        var uid = plan.AgentUid;
        var gid = plan.AgentGid;

        // Few round trips: this runs on every start, and each archive call makes the engine mount the container's
        // file system. The image's own uid (1000) and root have accounts already, so only other uids read and patch.
        byte[]? passwd = null;
        byte[]? group = null;
        if (uid is not (0 or ImageAgentUid))
        {
            var passwdRead = files.ReadFileAsync(container, "/etc/passwd", cancellationToken);
            var groupRead = files.ReadFileAsync(container, "/etc/group", cancellationToken);
            passwd = await passwdRead.ConfigureAwait(false);
            group = await groupRead.ConfigureAwait(false);
        }

        if (uid != ImageAgentUid)
        {
            await ReownAsync(container, plan.Home, uid, gid, cancellationToken).ConfigureAwait(false);
        }

        var writes = new List<ContainerFile>();
        if (passwd is not null)
        {
            var patched = AgentAccount.PatchPasswd(Encoding.UTF8.GetString(passwd), uid, gid, plan.Home);
            writes.Add(new ContainerFile("etc/passwd", Encoding.UTF8.GetBytes(patched), 0, 0, SystemFile));
        }

        if (group is not null)
        {
            var patched = AgentAccount.PatchGroup(Encoding.UTF8.GetString(group), gid);
            writes.Add(new ContainerFile("etc/group", Encoding.UTF8.GetBytes(patched), 0, 0, SystemFile));
        }

        // After the re-own: these two must end up the agent's whatever the image or an older session left.
        writes.Add(ContainerFile.Folder(plan.Home, uid, gid, HomeFolder));
        writes.Add(ContainerFile.Folder(dataMountPath, uid, gid, PrivateFolder));
        writes.AddRange(alsoWrite ?? []);
        await files.WriteFilesAsync(container, "/", writes, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Gives everything below <paramref name="folder"/> that belongs to neither root nor the agent to the agent: a
    /// recursive chown done by reading the folder as a tar and writing it back with the new owner.
    /// </summary>
    private async Task ReownAsync(string container, string folder, int uid, int gid, CancellationToken cancellationToken)
    {
        var source = await files.OpenArchiveAsync(container, folder, cancellationToken).ConfigureAwait(false);
        if (source is null)
        {
            return;
        }

        using var rewritten = new MemoryStream();
        var changed = 0;
        await using (source.ConfigureAwait(false))
        {
            using var reader = new TarReader(source, leaveOpen: true);
            await using var writer = new TarWriter(rewritten, TarEntryFormat.Pax, leaveOpen: true);
            while (await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
            {
                if (entry.Uid == 0 || (entry.Uid == uid && entry.Gid == gid)
                    || entry.EntryType is not (TarEntryType.Directory or TarEntryType.RegularFile or TarEntryType.SymbolicLink))
                {
                    continue;
                }

                var copy = new PaxTarEntry(entry) { Uid = uid, Gid = gid };
                await writer.WriteEntryAsync(copy, cancellationToken).ConfigureAwait(false);
                changed++;
            }
        }

        if (changed == 0)
        {
            return;
        }

        rewritten.Position = 0;
        var parent = Path.GetDirectoryName(folder.TrimEnd('/')) is { Length: > 0 } p ? p : "/";
        await files.PutArchiveAsync(container, parent, rewritten, cancellationToken).ConfigureAwait(false);
    }
}
