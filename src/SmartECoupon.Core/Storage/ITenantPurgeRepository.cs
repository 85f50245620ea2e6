using SmartECoupon.Retention;
using SmartECoupon.Tenancy;

namespace SmartECoupon.Storage;

/// <summary>Purging a tenant's data. Every step can be run again after a crash and continues where it stopped.</summary>
public interface ITenantPurgeRepository
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
    Task<PurgeRecord> CompleteAsync(string tenantId, DateTimeOffset purgedAt, DateOnly backupsClearBy, DateTimeOffset backupsScrubbedAt, CancellationToken cancellationToken = default);

    /// <summary>The purge record of a tenant, if it was ever purged.</summary>
    Task<PurgeRecord?> FindAsync(string tenantId, CancellationToken cancellationToken = default);
}
