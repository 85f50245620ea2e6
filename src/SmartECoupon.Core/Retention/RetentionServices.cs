using Microsoft.Extensions.DependencyInjection;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Options;
using SmartECoupon.Calendar;
using SmartECoupon.Coupons;
using SmartECoupon.Storage;
using SmartECoupon.Tenancy;

namespace SmartECoupon.Retention;

/// <summary>
/// Purges tenants: every row in every table, their uploads and their directory entries, and then the tenant in every
/// backup generation (the sheet's 3.4 and 3.9: the data and the storage media, past recovery), leaving a purge record and
/// a ledger entry. A purge interrupted by a crash is completed by running it again.
/// </summary>
public sealed class TenantPurgeService(
    [FromKeyedServices(TenancyCaches.Key)] ITenantPurgeRepository store,
    [FromKeyedServices(TenancyCaches.Key)] IDatabaseBackup backups,
    IPurgeLedger ledger,
    ICouponImageStorage images,
    ITenantContext tenantContext,
    BusinessCalendar calendar,
    TimeProvider time,
    IOptionsMonitor<SmartECouponOptions> options)
{
    /// <summary>Purges every tenant whose purge date has come (in the business calendar's zone).</summary>
    public async Task<IReadOnlyList<PurgeRecord>> PurgeDueAsync(CancellationToken cancellationToken = default)
    {
        var today = calendar.DateOf(Instants.Now(time));
        var records = new List<PurgeRecord>();
        foreach (var tenant in await store.ListDueAsync(today, cancellationToken).ConfigureAwait(false))
        {
            records.Add(await PurgeAsync(tenant.Id, tenant.CancelledOn, tenant.PurgeDueOn, cancellationToken).ConfigureAwait(false));
        }
        return records;
    }

    /// <summary>Purges one tenant now, or completes its interrupted purge. A completed purge is returned as it is.</summary>
    public Task<PurgeRecord> PurgeAsync(string tenantId, DateOnly? cancelledOn, DateOnly? purgeDueOn, CancellationToken cancellationToken = default) =>
        PurgeAsync(tenantId, cancelledOn, purgeDueOn, backupsScrubbedAt: null, cancellationToken);

    private async Task<PurgeRecord> PurgeAsync(string tenantId, DateOnly? cancelledOn, DateOnly? purgeDueOn, DateTimeOffset? backupsScrubbedAt, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        var begun = await store.BeginAsync(new PurgeRecord
        {
            TenantId = tenantId,
            CancelledOn = cancelledOn,
            PurgeDueOn = purgeDueOn,
            StartedAt = Instants.Now(time),
        }, cancellationToken).ConfigureAwait(false);
        if (begun.IsComplete)
        {
            return begun;
        }
        // The intent goes into the ledger first: a restore of a backup taken meanwhile must purge this tenant again.
        await ledger.AppendAsync(begun, cancellationToken).ConfigureAwait(false);
        using (tenantContext.BeginScope(tenantId))
        {
            await store.EraseTenantDataAsync(tenantId, cancellationToken).ConfigureAwait(false);
            await images.DeleteTenantAsync(tenantId, cancellationToken).ConfigureAwait(false);
            // Then the backups: every generation is rewritten without the tenant before the purge completes, so that no
            // backup holds it after the purge date and a restore cannot bring it back. (A purge re-applied after a restore
            // has nothing left to scrub: the ledger says when it was done.)
            if (backupsScrubbedAt is null)
            {
                var folder = new BackupFolder(backups, options);
                foreach (var manifest in await folder.ListAsync(cancellationToken).ConfigureAwait(false))
                {
                    await folder.ScrubAsync(manifest, tenantId, cancellationToken).ConfigureAwait(false);
                }
            }
            var purgedAt = Instants.Now(time);
            var scrubbedAt = backupsScrubbedAt ?? purgedAt;
            var done = await store.CompleteAsync(tenantId, purgedAt, calendar.DateOf(scrubbedAt), scrubbedAt, cancellationToken).ConfigureAwait(false);
            await ledger.AppendAsync(done, cancellationToken).ConfigureAwait(false);
            return done;
        }
    }

    /// <summary>
    /// Purges again every tenant the ledger records as purged (or being purged) whose purge is not complete in the
    /// database, as after a restore of a backup older than the purge. Returns the purges re-applied.
    /// </summary>
    public async Task<IReadOnlyList<PurgeRecord>> ReapplyLedgerAsync(CancellationToken cancellationToken = default)
    {
        var reapplied = new List<PurgeRecord>();
        foreach (var entries in (await ledger.ReadAsync(cancellationToken).ConfigureAwait(false)).GroupBy(r => r.TenantId))
        {
            var entry = entries.First();
            var current = await store.FindAsync(entry.TenantId, cancellationToken).ConfigureAwait(false);
            if (current is { IsComplete: true })
            {
                continue;
            }
            reapplied.Add(await PurgeAsync(entry.TenantId, entry.CancelledOn, entry.PurgeDueOn, entries.Last().BackupsScrubbedAt, cancellationToken).ConfigureAwait(false));
        }
        return reapplied;
    }
}

/// <summary>A backup: its file, its checksum, and the rows per table it holds.</summary>
public sealed record BackupManifest
{
    /// <summary>The backup identifier (<c>bak_…</c>).</summary>
    public required string Id { get; init; }

    /// <summary>When it was taken.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The backup file's name, in the backup folder.</summary>
    public required string FileName { get; init; }

    /// <summary>The file's size.</summary>
    public long SizeBytes { get; init; }

    /// <summary>SHA-256 of the file, as lower-case hex.</summary>
    public required string Sha256 { get; init; }

    /// <summary>Rows per table in the backup.</summary>
    public IReadOnlyDictionary<string, long> RowCounts { get; init; } = new Dictionary<string, long>();
}

/// <summary>What a restore did and found.</summary>
/// <param name="Manifest">The backup restored.</param>
/// <param name="IntegrityOk">Whether the database's own integrity check passed.</param>
/// <param name="IntegrityDetail">What the check said.</param>
/// <param name="RowCounts">Rows per table right after the restore, before purges were re-applied.</param>
/// <param name="RowCountsMatch">Whether they equal the manifest's counts.</param>
/// <param name="PurgesReapplied">The purges re-applied from the ledger.</param>
/// <param name="Elapsed">How long the restore took.</param>
public sealed class RestoreReport(BackupManifest Manifest, bool IntegrityOk, string IntegrityDetail, IReadOnlyDictionary<string, long> RowCounts, bool RowCountsMatch, IReadOnlyList<PurgeRecord> PurgesReapplied, TimeSpan Elapsed)
{
    /// <summary>The backup restored.</summary>
    public BackupManifest Manifest { get; } = Manifest;

    /// <summary>Whether the database's own integrity check passed.</summary>
    public bool IntegrityOk { get; } = IntegrityOk;

    /// <summary>What the check said.</summary>
    public string IntegrityDetail { get; } = IntegrityDetail;

    /// <summary>Rows per table right after the restore, before purges were re-applied.</summary>
    public IReadOnlyDictionary<string, long> RowCounts { get; } = RowCounts;

    /// <summary>Whether they equal the manifest's counts.</summary>
    public bool RowCountsMatch { get; } = RowCountsMatch;

    /// <summary>The purges re-applied from the ledger.</summary>
    public IReadOnlyList<PurgeRecord> PurgesReapplied { get; } = PurgesReapplied;

    /// <summary>How long the restore took.</summary>
    public TimeSpan Elapsed { get; } = Elapsed;
}

/// <summary>
/// Daily full backups with a SHA-256 and a manifest each, rotated to the configured generations, and restores that verify
/// the checksum, check the database, compare row counts and re-apply later purges before anything is served.
/// </summary>
public sealed class BackupService([FromKeyedServices(TenancyCaches.Key)] IDatabaseBackup database, IJobLease lease, TenantPurgeService purges, IPurgeLedger ledger, TimeProvider time, IOptionsMonitor<SmartECouponOptions> options)
{
    private const string DailyJob = "daily-backup";

    private readonly BackupFolder _folder = new(database, options);

    private string Folder => _folder.Folder;

    /// <summary>Takes a full backup now and rotates old generations out.</summary>
    public async Task<BackupManifest> CreateAsync(CancellationToken cancellationToken = default)
    {
        _folder.Prepare();
        var now = Instants.Now(time);
        var id = EntityIds.New(BackupFolder.BackupPrefix, now);
        var fileName = _folder.FileNameOf(id);
        var partial = Path.Combine(Folder, fileName + ".partial");
        try
        {
            var rows = await database.BackupToAsync(partial, cancellationToken).ConfigureAwait(false);
            BackupFolder.OwnerOnly(partial);
            var manifest = new BackupManifest
            {
                Id = id,
                CreatedAt = now,
                FileName = fileName,
                SizeBytes = new FileInfo(partial).Length,
                Sha256 = await BackupFolder.Sha256Async(partial, cancellationToken).ConfigureAwait(false),
                RowCounts = rows,
            };
            File.Move(partial, Path.Combine(Folder, fileName));
            await _folder.WriteManifestAsync(manifest, cancellationToken).ConfigureAwait(false);
            manifest = await ScrubPurgedDuringAsync(manifest, cancellationToken).ConfigureAwait(false);
            await RotateAsync(cancellationToken).ConfigureAwait(false);
            return manifest;
        }
        finally
        {
            // A backup that failed (or was cancelled) half-way leaves nothing behind: a partial dump is tenant data too.
            File.Delete(partial);
        }
    }

    /// <summary>
    /// A purge that had not finished scrubbing the backups when this one was started may have listed the folder before
    /// this backup's manifest existed, and this backup may hold some of that tenant's rows: they are scrubbed from it here.
    /// </summary>
    private async Task<BackupManifest> ScrubPurgedDuringAsync(BackupManifest manifest, CancellationToken cancellationToken)
    {
        var latest = (await ledger.ReadAsync(cancellationToken).ConfigureAwait(false)).GroupBy(r => r.TenantId).Select(g => g.Last());
        foreach (var purge in latest.Where(p => p.BackupsScrubbedAt is not { } at || at >= manifest.CreatedAt))
        {
            manifest = await _folder.ScrubAsync(manifest, purge.TenantId, cancellationToken).ConfigureAwait(false) ?? manifest;
        }
        return manifest;
    }

    /// <summary>The backups kept, newest first.</summary>
    public Task<IReadOnlyList<BackupManifest>> ListAsync(CancellationToken cancellationToken = default) => _folder.ListAsync(cancellationToken);

    /// <summary>
    /// The daily backup: taken once a day, from the configured time on, by one instance among those sharing the database
    /// (a lease decides). Returns the new backup, or <see langword="null"/> when it is not time, today's backup exists,
    /// or another instance holds the lease.
    /// </summary>
    public async Task<BackupManifest?> RunDailyAsync(string holder, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(holder);
        var settings = options.CurrentValue.Backups;
        var zone = TenantTimeZones.Find(settings.TimeZoneId);
        var now = Instants.Now(time);
        var local = TimeZoneInfo.ConvertTime(now, zone);
        var today = DateOnly.FromDateTime(local.DateTime);
        if (TimeOnly.FromDateTime(local.DateTime) < TimeOnly.ParseExact(settings.DailyAt, "HH:mm", CultureInfo.InvariantCulture)
            || await HasBackupOnAsync(today, zone, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }
        var job = $"{DailyJob}:{today:yyyy-MM-dd}";
        if (!await lease.TryAcquireAsync(job, holder, now, settings.LeaseDuration, cancellationToken).ConfigureAwait(false)
            || await HasBackupOnAsync(today, zone, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }
        var manifest = await CreateAsync(cancellationToken).ConfigureAwait(false);
        // Keep the day's lease past the day, so that an instance with a backup folder of its own does not repeat it.
        await lease.TryAcquireAsync(job, holder, Instants.Now(time), TimeSpan.FromDays(2), cancellationToken).ConfigureAwait(false);
        return manifest;
    }

    /// <summary>
    /// Restores a backup: verifies its checksum, replaces the database, runs the database's integrity check, compares the
    /// row counts with the manifest, then re-applies every purge of the ledger that the restored data predates.
    /// </summary>
    /// <exception cref="FileNotFoundException">The backup or its file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file's checksum does not match its manifest; nothing was restored.</exception>
    public async Task<RestoreReport> RestoreAsync(string backupId, CancellationToken cancellationToken = default)
    {
        var started = time.GetTimestamp();
        var manifest = (await ListAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(m => m.Id == backupId)
            ?? throw new FileNotFoundException($"No backup {backupId} in {Folder}.");
        var path = _folder.PathOf(manifest);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The file of backup {backupId} is missing.", path);
        }
        var actual = await BackupFolder.Sha256Async(path, cancellationToken).ConfigureAwait(false);
        if (!string.Equals(actual, manifest.Sha256, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"Backup {backupId} is damaged: its SHA-256 is {actual}, the manifest says {manifest.Sha256}. Nothing was restored.");
        }
        var check = await database.RestoreFromAsync(path, cancellationToken).ConfigureAwait(false);
        // The restored database has its own keys, members and tenants: the restore published that nothing remembered
        // from before may be used (the decorated IDatabaseBackup).
        var match = manifest.RowCounts.Count == check.RowCounts.Count
            && manifest.RowCounts.All(kv => check.RowCounts.TryGetValue(kv.Key, out var rows) && rows == kv.Value);
        var reapplied = await purges.ReapplyLedgerAsync(cancellationToken).ConfigureAwait(false);
        return new RestoreReport(manifest, check.IntegrityOk, check.Detail, check.RowCounts, match, reapplied, time.GetElapsedTime(started));
    }

    private async Task<bool> HasBackupOnAsync(DateOnly date, TimeZoneInfo zone, CancellationToken cancellationToken) =>
        (await ListAsync(cancellationToken).ConfigureAwait(false)).Any(m => TenantTimeZones.DateIn(m.CreatedAt, zone) == date);

    private async Task RotateAsync(CancellationToken cancellationToken)
    {
        var keep = options.CurrentValue.Retention.BackupGenerations;
        foreach (var old in (await ListAsync(cancellationToken).ConfigureAwait(false)).Skip(keep))
        {
            File.Delete(_folder.PathOf(old));
            File.Delete(_folder.ManifestPathOf(old.Id));
        }
    }
}

/// <summary>What a retention sweep removed.</summary>
/// <param name="Purged">The tenants purged.</param>
/// <param name="IdempotencyRecordsRemoved">Expired idempotency records removed.</param>
/// <param name="AuditEntriesRemoved">Audit entries older than the retention removed.</param>
public sealed class RetentionSweepResult(IReadOnlyList<PurgeRecord> Purged, int IdempotencyRecordsRemoved, int AuditEntriesRemoved)
{
    /// <summary>The tenants purged.</summary>
    public IReadOnlyList<PurgeRecord> Purged { get; } = Purged;

    /// <summary>Expired idempotency records removed.</summary>
    public int IdempotencyRecordsRemoved { get; } = IdempotencyRecordsRemoved;

    /// <summary>Audit entries older than the retention removed.</summary>
    public int AuditEntriesRemoved { get; } = AuditEntriesRemoved;
}

/// <summary>The periodic sweep: due purges, expired idempotency records, and audit entries past their retention.</summary>
public sealed class RetentionSweeper(TenantPurgeService purges, IIdempotencyRepository idempotency, IAuditLog audit, TimeProvider time, IOptionsMonitor<SmartECouponOptions> options)
{
    /// <summary>Runs the sweep once.</summary>
    public async Task<RetentionSweepResult> SweepAsync(CancellationToken cancellationToken = default)
    {
        var purged = await purges.PurgeDueAsync(cancellationToken).ConfigureAwait(false);
        var now = Instants.Now(time);
        var idempotencyRemoved = await idempotency.RemoveExpiredAsync(now, cancellationToken).ConfigureAwait(false);
        var auditRemoved = options.CurrentValue.Retention.AuditRetention is { } keep
            ? await audit.RemoveOlderThanAsync(now - keep, cancellationToken).ConfigureAwait(false)
            : 0;
        return new RetentionSweepResult(purged, idempotencyRemoved, auditRemoved);
    }
}
