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

/// <summary>Maintenance notices. Operator-wide: they belong to the platform.</summary>
public interface IMaintenanceNoticeRepository
{
    /// <summary>
    /// Stores a notice and, in the same transaction, queues <paramref name="message"/> in the outbox for every
    /// administrator of every tenant that is not purged.
    /// </summary>
    Task AddAsync(Operations.MaintenanceNotice notice, (string Subject, string Body) message, CancellationToken cancellationToken = default);

    /// <summary>The notices that have not ended at <paramref name="now"/>, soonest first.</summary>
    Task<IReadOnlyList<Operations.MaintenanceNotice>> ListNotEndedAsync(DateTimeOffset now, CancellationToken cancellationToken = default);
}

/// <summary>Incidents. Operator-wide.</summary>
public interface IIncidentRepository
{
    /// <summary>Adds an incident.</summary>
    Task AddAsync(Operations.Incident incident, CancellationToken cancellationToken = default);

    /// <summary>Changes an incident's status; <see langword="null"/> when there is no such incident.</summary>
    Task<Operations.Incident?> UpdateStatusAsync(string incidentId, Operations.IncidentStatus status, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Finds an incident.</summary>
    Task<Operations.Incident?> FindAsync(string incidentId, CancellationToken cancellationToken = default);

    /// <summary>The incidents not resolved, and those resolved since <paramref name="since"/>, newest first.</summary>
    Task<IReadOnlyList<Operations.Incident>> ListSinceAsync(DateTimeOffset since, CancellationToken cancellationToken = default);
}

/// <summary>Recorded outages. Operator-wide.</summary>
public interface IOutageRepository
{
    /// <summary>Records an outage.</summary>
    Task AddAsync(Operations.RecordedOutage outage, CancellationToken cancellationToken = default);

    /// <summary>The outages that overlap <paramref name="start"/>–<paramref name="finish"/>.</summary>
    Task<IReadOnlyList<Operations.RecordedOutage>> ListOverlappingAsync(DateTimeOffset start, DateTimeOffset finish, CancellationToken cancellationToken = default);
}

/// <summary>The outbox of messages to tenant members. Operator-wide: one sender serves every tenant.</summary>
public interface IOutbox
{
    /// <summary>
    /// Takes up to <paramref name="max"/> unsent messages (never taken, or whose taker's lease expired) for
    /// <paramref name="holder"/>, in one guarded statement.
    /// </summary>
    Task<IReadOnlyList<Operations.OutboxMessage>> ClaimAsync(string holder, DateTimeOffset now, TimeSpan lease, int max, CancellationToken cancellationToken = default);

    /// <summary>Marks a message sent.</summary>
    Task MarkSentAsync(Operations.OutboxMessage message, DateTimeOffset sentAt, CancellationToken cancellationToken = default);

    /// <summary>Records a failed attempt; the message is tried again when its lease expires.</summary>
    Task MarkFailedAsync(Operations.OutboxMessage message, string failure, CancellationToken cancellationToken = default);
}
