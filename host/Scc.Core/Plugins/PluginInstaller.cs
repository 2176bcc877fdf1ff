using System.IO.Compression;
using System.Text.Json.Nodes;
using Scc.Core.Audit;
using Scc.Core.Errors;

using Scc.Core.IO;

namespace Scc.Core.Plugins;

internal sealed record PluginInstallResult(PluginManifest Manifest, string Folder, string Hash, bool Replaced);

/// <summary>
/// Installs a plugin into the user plugin folder from a folder or a nupkg (whose plugin folder is packed under
/// <c>scc-plugin/</c>), and removes one. Nothing is loaded; the folder is staged next to its destination and moved
/// into place in one rename, so a failed install leaves nothing behind.
/// </summary>
internal sealed class PluginInstaller(PluginDirectories directories, IAuditLog audit)
{
    public const string PackageFolder = "scc-plugin/";

    public PluginInstallResult Install(string source, bool force)
    {
        var full = Path.GetFullPath(source);
        if (!File.Exists(full) && !Directory.Exists(full))
        {
            throw new NotFoundException($"No file or folder at {full}.", "Give the path of a plugin .nupkg or of a folder holding scc-plugin.json.");
        }

        Directory.CreateDirectory(directories.User);
        var staging = Path.Combine(directories.User, $".staging-{Guid.NewGuid():N}");
        try
        {
            if (Directory.Exists(full))
            {
                Folders.Copy(full, staging);
            }
            else
            {
                ExtractPackage(full, staging);
            }

            PluginManifest manifest;
            try
            {
                manifest = PluginManifestReader.Read(staging);
            }
            catch (ManifestException ex)
            {
                throw new UsageException($"{source} is not a valid scc plugin: {ex.Message.Replace(staging, "the package", StringComparison.Ordinal)}", "Plugin authors: see samples/ for the manifest format.");
            }

            if (!File.Exists(Path.Combine(staging, manifest.EntryAssembly)))
            {
                throw new UsageException($"{source} is not a valid scc plugin: its entry assembly {manifest.EntryAssembly} is not in the package.");
            }

            if (Directory.Exists(Path.Combine(directories.BuiltIn, manifest.Id)))
            {
                throw new UsageException($"\"{manifest.Id}\" is the id of a built-in plugin; a user plugin cannot replace it.", "Give the plugin another id.");
            }

            var target = Path.Combine(directories.User, manifest.Id);
            var replaced = Directory.Exists(target);
            if (replaced && !force)
            {
                throw new UsageException($"Plugin \"{manifest.Id}\" is already installed at {target}.", "Add --force to replace it.");
            }

            var hash = PluginHasher.Compute(staging);
            MoveIntoPlace(staging, target);
            audit.Append([AuditEvent.Info("plugin.installed", manifest.Id, new JsonObject
            {
                ["id"] = manifest.Id,
                ["version"] = manifest.Version,
                ["publisher"] = manifest.Publisher,
                ["folder"] = target,
                ["sha256"] = hash,
                ["replaced"] = replaced,
            })]);
            return new PluginInstallResult(manifest, target, hash, replaced);
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    public string Remove(string id)
    {
        if (Directory.Exists(Path.Combine(directories.BuiltIn, id)))
        {
            throw new UsageException($"\"{id}\" is a built-in plugin and cannot be removed.", "An org can refuse it with security.provider_plugins.block.");
        }

        var target = Path.Combine(directories.User, id);
        if (id.Contains('/') || id.Contains('\\') || id.StartsWith('.') || !Directory.Exists(target))
        {
            throw new NotFoundException($"No user plugin \"{id}\" is installed in {directories.User}.", "See `scc plugins list`.");
        }

        var trash = Path.Combine(directories.User, $".removing-{Guid.NewGuid():N}");
        Directory.Move(target, trash);
        Directory.Delete(trash, recursive: true);
        audit.Append([AuditEvent.Info("plugin.removed", id, new JsonObject { ["id"] = id, ["folder"] = target })]);
        return target;
    }

    private static void MoveIntoPlace(string staging, string target)
    {
        if (!Directory.Exists(target))
        {
            Directory.Move(staging, target);
            return;
        }

        var old = target + $".old-{Guid.NewGuid():N}";
        Directory.Move(target, old);
        try
        {
            Directory.Move(staging, target);
        }
        catch
        {
            Directory.Move(old, target);
            throw;
        }

        Directory.Delete(old, recursive: true);
    }

    private static void ExtractPackage(string nupkg, string staging)
    {
        ZipArchive zip;
        try
        {
            zip = ZipFile.OpenRead(nupkg);
        }
        catch (InvalidDataException ex)
        {
            throw new UsageException($"{nupkg} is not a valid .nupkg (not a readable zip: {ex.Message}).", "Build the package with `dotnet pack`, or install from a folder.");
        }

        using (zip)
        {
            var entries = zip.Entries.Where(e => e.FullName.StartsWith(PackageFolder, StringComparison.Ordinal) && e.FullName.Length > PackageFolder.Length).ToList();
            if (!entries.Any(e => e.FullName == PackageFolder + PluginManifest.FileName))
            {
                throw new UsageException($"{nupkg} carries no plugin manifest ({PackageFolder}{PluginManifest.FileName}).", "A plugin package packs its plugin folder, with scc-plugin.json, under scc-plugin/ (see samples/).");
            }

            var root = Path.GetFullPath(staging) + Path.DirectorySeparatorChar;
            Directory.CreateDirectory(root);
            foreach (var entry in entries)
            {
                var dest = Path.GetFullPath(Path.Combine(root, entry.FullName[PackageFolder.Length..]));
                if (!dest.StartsWith(root, StringComparison.Ordinal))
                {
                    throw new UsageException($"{nupkg} contains a path that escapes the plugin folder: {entry.FullName}.");
                }

                if (entry.FullName.EndsWith('/'))
                {
                    Directory.CreateDirectory(dest);
                    continue;
                }

                Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
                try
                {
                    entry.ExtractToFile(dest, overwrite: false);
                }
                catch (InvalidDataException ex)
                {
                    throw new UsageException($"{nupkg} is damaged: {entry.FullName} cannot be read ({ex.Message}).");
                }
            }
        }
    }
}
