using SmartECoupon.Auditing;
using SmartECoupon.Idempotency;
using SmartECoupon.Redemptions;

namespace SmartECoupon.Storage;

/// <summary>What a redemption request gave to name the coupon.</summary>
public enum RedemptionLookupKind
{
    /// <summary>A ticket's page token.</summary>
    TicketToken,
    /// <summary>A typed code: a ticket's code or a one-time code (the snapshot's method says which it was).</summary>
    Code,
    /// <summary>A coupon's shared code, with a user.</summary>
    SharedCode,
}

/// <summary>How a redemption request names the coupon, resolved to what the store looks up.</summary>
/// <param name="Kind">What was given.</param>
/// <param name="Value">The ticket token, the normalised code, or the shared code's matching form.</param>
/// <param name="UserKey">The user, for <see cref="RedemptionLookupKind.SharedCode"/>.</param>
public sealed class RedemptionLookup(RedemptionLookupKind Kind, string Value, string? UserKey)
{
    /// <summary>What was given.</summary>
    public RedemptionLookupKind Kind { get; } = Kind;

    /// <summary>The ticket token, the normalised code, or the shared code's matching form.</summary>
    public string Value { get; } = Value;

    /// <summary>The user, for <see cref="RedemptionLookupKind.SharedCode"/>.</summary>
    public string? UserKey { get; } = UserKey;
}

/// <summary>A redemption to write, prepared by the library, and what guards it.</summary>
public sealed record RedemptionWrite
{
    /// <summary>The redemption to insert if every guard holds.</summary>
    public required Redemption Redemption { get; init; }

    /// <summary>How the coupon was named: decides which guard speaks first and which refusal it gives.</summary>
    public RedemptionMethod Method { get; init; }

    /// <summary>The audit entry to write with the redemption.</summary>
    public required AuditEntry Audit { get; init; }

    /// <summary>
    /// When the request carried an idempotency key: its record, completed with the answer, written first in the same
    /// transaction. When the key already has a record, nothing is written and the result says
    /// <see cref="RedemptionWriteResult.KeyTaken"/>.
    /// </summary>
    public IdempotencyRecord? Idempotency { get; init; }
}

/// <summary>What the store did with a <see cref="RedemptionWrite"/>: wrote it, or refused it because a guard failed.</summary>
/// <param name="Redemption">The redemption written; <see langword="null"/> when refused.</param>
/// <param name="Refusal">The guard that failed; <see langword="null"/> when written.</param>
public sealed record RedemptionWriteResult(Redemption? Redemption, RedemptionRefusal? Refusal)
{
    /// <summary>The result when the write's idempotency key already had a record: nothing was written.</summary>
    public static RedemptionWriteResult KeyAlreadyRecorded { get; } = new(null, null) { KeyTaken = true };

    /// <summary>Whether the idempotency key already had a record, so that nothing was written.</summary>
    public bool KeyTaken { get; init; }
}

/// <summary>The current tenant's redemptions: the race-free heart of the library.</summary>
public interface IRedemptionRepository
{
    /// <summary>Reads what the rules need for <paramref name="lookup"/>; <see langword="null"/> when nothing matches.</summary>
    Task<RedemptionSnapshot?> FindSnapshotAsync(RedemptionLookup lookup, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes <paramref name="write"/> in one transaction, or nothing. The idempotency record comes first: a key that
    /// already has one writes nothing (<see cref="RedemptionWriteResult.KeyTaken"/>), and a concurrent request with the
    /// same key waits for the first to finish. Each limit is then enforced by one conditional statement whose
    /// affected-row count decides, in the contract's order: the ticket's uses (or the user's, for a shared code) under
    /// the coupon's per-user limit, the one-time code's single use, then the coupon's status and total limit. The first
    /// guard that fails gives the refusal.
    /// </summary>
    Task<RedemptionWriteResult> TryRedeemAsync(RedemptionWrite write, CancellationToken cancellationToken = default);

    /// <summary>
    /// Voids a live redemption, giving back exactly one slot of the total limit and one use of the ticket (or the
    /// one-time code), whatever races with it. A second void changes nothing.
    /// </summary>
    Task<VoidOutcome> VoidAsync(string redemptionId, DateTimeOffset voidedAt, Actor actor, AuditEntry audit, CancellationToken cancellationToken = default);

    /// <summary>Finds a redemption.</summary>
    Task<Redemption?> FindAsync(string redemptionId, CancellationToken cancellationToken = default);

    /// <summary>Lists redemptions, oldest first.</summary>
    Task<Page<Redemption>> ListAsync(PageRequest page, CancellationToken cancellationToken = default);
}
