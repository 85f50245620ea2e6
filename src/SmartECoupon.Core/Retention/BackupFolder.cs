using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SmartECoupon.Storage;
using SmartECoupon.Tenancy;

namespace SmartECoupon.Retention;

/// <summary>
/// The backups folder: each backup's file and its manifest, written so that no one else can read them, and read back
/// only when a manifest names exactly its own file. Shared by <see cref="BackupService"/>, which takes and restores
/// backups, and <see cref="TenantPurgeService"/>, which scrubs a purged tenant out of every one.
/// </summary>
internal sealed class BackupFolder([FromKeyedServices(TenancyCaches.Key)] IDatabaseBackup database, IOptionsMonitor<SmartECouponOptions> options)
{
    public const string BackupPrefix = "bak";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public string Folder => Path.GetFullPath(options.CurrentValue.Backups.Folder);

    public string FileNameOf(string id) => $"{id}.{database.FileExtension}";

    /// <summary>
    /// The backup file a manifest names, which must be exactly the backup's own file name in the backups folder: a
    /// manifest is read from disk, and a name such as <c>../smartecoupon.db</c> must not make a restore read, or a
    /// rotation delete, anything else.
    /// </summary>
    public string PathOf(BackupManifest manifest)
    {
        if (!NamesItsOwnFile(manifest))
        {
            throw new InvalidDataException($"The manifest of backup {manifest.Id} names the file '{manifest.FileName}', not its own; nothing was read or removed.");
        }
        return Path.Combine(Folder, manifest.FileName);
    }

    public string ManifestPathOf(string id) => Path.Combine(Folder, id + ".json");

    private bool NamesItsOwnFile(BackupManifest manifest) =>
        EntityIds.HasShape(manifest.Id, BackupPrefix) && string.Equals(manifest.FileName, FileNameOf(manifest.Id), StringComparison.Ordinal);

    // Backups hold every tenant's data: the folder is the service account's alone (0700), and so is each file (0600).
    public void Prepare()
    {
        Directory.CreateDirectory(Folder);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    public static void OwnerOnly(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    /// <summary>Writes a manifest whole (to a partial file first, then moved over), readable by the owner only.</summary>
    public async Task WriteManifestAsync(BackupManifest manifest, CancellationToken cancellationToken)
    {
        var partial = ManifestPathOf(manifest.Id) + ".partial";
        try
        {
            await File.WriteAllTextAsync(partial, JsonSerializer.Serialize(manifest, Json), cancellationToken).ConfigureAwait(false);
            OwnerOnly(partial);
            File.Move(partial, ManifestPathOf(manifest.Id), overwrite: true);
        }
        finally
        {
            File.Delete(partial);
        }
    }

    /// <summary>The backups kept, newest first.</summary>
    public async Task<IReadOnlyList<BackupManifest>> ListAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(Folder))
        {
            return [];
        }
        var manifests = new List<BackupManifest>();
        foreach (var path in Directory.EnumerateFiles(Folder, BackupPrefix + "_*.json"))
        {
            string text;
            try
            {
                text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
            }
            catch (FileNotFoundException)
            {
                // Rotated away by another instance between the listing and the read: no longer a backup.
                continue;
            }
            var manifest = JsonSerializer.Deserialize<BackupManifest>(text, Json);
            // A manifest that names any file but its own was not written by this service: it is no backup to list,
            // restore, rotate or scrub (reading or removing what it names could read or delete anything).
            if (manifest is not null && NamesItsOwnFile(manifest))
            {
                manifests.Add(manifest);
            }
        }
        return manifests.OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id, StringComparer.Ordinal).ToList();
    }

    public static async Task<string> Sha256Async(string path, CancellationToken cancellationToken)
    {
        var stream = File.OpenRead(path);
        await using (stream.ConfigureAwait(false))
        {
            return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
        }
    }

    /// <summary>
    /// Removes <paramref name="tenantId"/> from the backup of <paramref name="manifest"/>: the file rewritten without the
    /// tenant's rows, its size, checksum and row counts in a new manifest. A backup rotated away meanwhile is skipped. A
    /// damaged backup (its checksum is not its manifest's) can be neither restored nor rewritten, and may hold the tenant:
    /// it is removed. Returns the new manifest, or <see langword="null"/> when there was no backup left to rewrite.
    /// </summary>
    public async Task<BackupManifest?> ScrubAsync(BackupManifest manifest, string tenantId, CancellationToken cancellationToken)
    {
        var path = PathOf(manifest);
        if (!File.Exists(path))
        {
            return null;
        }
        if (!string.Equals(await Sha256Async(path, cancellationToken).ConfigureAwait(false), manifest.Sha256, StringComparison.Ordinal))
        {
            File.Delete(path);
            File.Delete(ManifestPathOf(manifest.Id));
            return null;
        }
        var rows = await database.ScrubTenantAsync(path, tenantId, cancellationToken).ConfigureAwait(false);
        OwnerOnly(path);
        var scrubbed = manifest with
        {
            SizeBytes = new FileInfo(path).Length,
            Sha256 = await Sha256Async(path, cancellationToken).ConfigureAwait(false),
            RowCounts = rows,
        };
        await WriteManifestAsync(scrubbed, cancellationToken).ConfigureAwait(false);
        return scrubbed;
    }
}
