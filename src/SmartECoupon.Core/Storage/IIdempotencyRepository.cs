using SmartECoupon.Idempotency;

namespace SmartECoupon.Storage;

/// <summary>
/// The current tenant's idempotency records. A request's answer is stored in the transaction of its own writes (see
/// <see cref="RedemptionWrite.Idempotency"/>), or alone when it wrote nothing else; nothing is claimed before, so a
/// process that dies mid-request leaves no record behind.
/// </summary>
public interface IIdempotencyRepository
{
    /// <summary>
    /// Stores <paramref name="record"/> unless its key has a record. Returns <see langword="false"/>, storing nothing,
    /// when it has (<see cref="FindAsync"/> then tells which). Two concurrent adds of one key cannot both succeed.
    /// </summary>
    Task<bool> TryAddAsync(IdempotencyRecord record, CancellationToken cancellationToken = default);

    /// <summary>The record of <paramref name="key"/>, or <see langword="null"/>.</summary>
    Task<IdempotencyRecord?> FindAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes <paramref name="stale"/> (expired, or in flight past its lease) if it is still exactly as read, so that
    /// its key can run again. Returns whether it did; another request may have replaced or removed it first.
    /// </summary>
    Task<bool> TryRemoveAsync(IdempotencyRecord stale, CancellationToken cancellationToken = default);

    /// <summary>Removes expired records of every tenant; returns how many. Operator-wide.</summary>
    Task<int> RemoveExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default);
}
