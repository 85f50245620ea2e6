using SmartECoupon.Retention;
using SmartECoupon.Tenancy;

namespace SmartECoupon.Storage;

/// <summary>Purging a tenant's data. Every step can be run again after a crash and continues where it stopped.</summary>
public interface ITenantPurgeStore
{
    /// <summary>Tenants whose cancellation is in effect and whose purge is due on or before <paramref name="today"/>. Operator-wide.</summary>
    Task<IReadOnlyList<Tenant>> ListDueAsync(DateOnly today, CancellationToken cancellationToken = default);

    /// <summary>Starts the purge of a tenant by recording it as under way, or returns the record of a purge already started.</summary>
    Task<PurgeRecord> BeginAsync(PurgeRecord record, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes every row of the tenant in every tenant table (and its entries in the tenant directory), adding each
    /// table's count to the purge record in the same transaction as the deletion. Idempotent.
    /// </summary>
    Task<PurgeRecord> EraseTenantDataAsync(string tenantId, CancellationToken cancellationToken = default);

    /// <summary>Marks the tenant purged (its name removed) and completes the purge record.</summary>
    Task<PurgeRecord> CompleteAsync(string tenantId, DateTimeOffset purgedAt, DateOnly backupsClearBy, CancellationToken cancellationToken = default);

    /// <summary>The purge record of a tenant, if it was ever purged.</summary>
    Task<PurgeRecord?> FindAsync(string tenantId, CancellationToken cancellationToken = default);
}

/// <summary>The result of a restore's integrity check.</summary>
/// <param name="IntegrityOk">Whether the database's own check passed.</param>
/// <param name="Detail">What the check said.</param>
/// <param name="RowCounts">Rows per table after the restore.</param>
public sealed record RestoreCheck(bool IntegrityOk, string Detail, IReadOnlyDictionary<string, long> RowCounts);

/// <summary>A consistent full copy of the database, and its restore. Provider-specific.</summary>
public interface IDatabaseBackup
{
    /// <summary>The file extension of a backup (<c>sqlite</c>, <c>dump</c>).</summary>
    string FileExtension { get; }

    /// <summary>Writes a consistent copy to <paramref name="path"/> and returns the rows per table it holds.</summary>
    Task<IReadOnlyDictionary<string, long>> BackupToAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>Replaces the database's contents with the copy at <paramref name="path"/>, then checks it.</summary>
    Task<RestoreCheck> RestoreFromAsync(string path, CancellationToken cancellationToken = default);
}

/// <summary>A lease that lets one instance among several sharing a database run a job.</summary>
public interface IJobLease
{
    /// <summary>Takes the lease of <paramref name="job"/> for <paramref name="holder"/> if it is free, expired, or already theirs.</summary>
    Task<bool> TryAcquireAsync(string job, string holder, DateTimeOffset now, TimeSpan duration, CancellationToken cancellationToken = default);

    /// <summary>Gives the lease back if <paramref name="holder"/> holds it.</summary>
    Task ReleaseAsync(string job, string holder, CancellationToken cancellationToken = default);
}
