namespace SmartECoupon.Storage;

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
