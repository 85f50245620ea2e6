using SmartECoupon.Coupons;

namespace SmartECoupon.Redemptions;

/// <summary>
/// Everything the rules look at for one redemption, as read from the store: the coupon, and the ticket or
/// one-time code being used.
/// </summary>
public sealed record RedemptionSnapshot
{
    /// <summary>The coupon being used.</summary>
    public required Coupon Coupon { get; init; }

    /// <summary>How the coupon was named.</summary>
    public RedemptionMethod Method { get; init; }

    /// <summary>
    /// The ticket: the one named for <see cref="RedemptionMethod.Ticket"/>; for <see cref="RedemptionMethod.SharedCode"/> the
    /// user's ticket for this coupon, or <see langword="null"/> when the user has none yet (no use so far).
    /// </summary>
    public Ticket? Ticket { get; init; }

    /// <summary>The one-time code, for <see cref="RedemptionMethod.OneTimeCode"/>.</summary>
    public OneTimeCode? OneTimeCode { get; init; }

    /// <summary>The user: the ticket's, or the one who shows the shared code; <see langword="null"/> for a one-time code.</summary>
    public string? UserKey { get; init; }
}

/// <summary>
/// The redemption rules, checked in the contract's order: status, not yet valid, expired, store, ticket already used,
/// per-user limit, total limit. Validation (a dry run) and redemption call the same method.
/// </summary>
/// <remarks>
/// This is the first pass, on values read from the store. The limits are enforced again, atomically, by the store's
/// guarded statements when it writes the redemption (<see cref="Storage.IRedemptionRepository.TryRedeemAsync"/>): a
/// count read here may be stale by then, and the store answers with the same refusal codes.
/// </remarks>
public static class RedemptionRules
{
    /// <summary>The first rule <paramref name="snapshot"/> breaks at <paramref name="now"/>, or <see langword="null"/> when it can be used.</summary>
    /// <param name="snapshot">The coupon and the ticket or code being used.</param>
    /// <param name="storeId">The store where the coupon is used, if given.</param>
    /// <param name="now">The current instant.</param>
    public static RedemptionRefusal? Evaluate(RedemptionSnapshot snapshot, string? storeId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var coupon = snapshot.Coupon;
        var at = Instants.Truncate(now);

        if (coupon.Status != CouponStatus.Published)
        {
            return RedemptionRefusal.CouponNotActive;
        }
        if (coupon.ValidFrom is { } from && at < from)
        {
            return RedemptionRefusal.NotYetValid;
        }
        if (coupon.ValidUntil is { } until && at > until)
        {
            return RedemptionRefusal.Expired;
        }
        if (coupon.StoreIds.Count > 0 && (storeId is null || !coupon.StoreIds.Contains(storeId, StringComparer.Ordinal)))
        {
            return RedemptionRefusal.StoreNotAllowed;
        }
        switch (snapshot.Method)
        {
            case RedemptionMethod.Ticket when snapshot.Ticket is { } ticket && ticket.UsesLeft(coupon.PerUserLimit) == 0:
                return RedemptionRefusal.TicketAlreadyUsed;
            case RedemptionMethod.OneTimeCode when snapshot.OneTimeCode is { IsUsed: true }:
                return RedemptionRefusal.TicketAlreadyUsed;
            case RedemptionMethod.SharedCode when snapshot.Ticket is { } userTicket && userTicket.UsesLeft(coupon.PerUserLimit) == 0:
                return RedemptionRefusal.PerUserLimitReached;
        }
        if (coupon.TotalLimit is { } total && coupon.RedeemedCount >= total)
        {
            return RedemptionRefusal.TotalLimitReached;
        }
        return null;
    }
}

/// <summary>What became of a void.</summary>
public enum VoidOutcomeKind
{
    /// <summary>The redemption was voided; one slot and one use were given back.</summary>
    Voided,
    /// <summary>The redemption had been voided before (<c>already_voided</c>); nothing changed.</summary>
    AlreadyVoided,
    /// <summary>No redemption with that identifier exists in the tenant.</summary>
    NotFound,
}

/// <summary>The typed result of a void.</summary>
/// <param name="Kind">What became of the void.</param>
/// <param name="Redemption">The redemption as it stands after the void (for <see cref="VoidOutcomeKind.Voided"/> and <see cref="VoidOutcomeKind.AlreadyVoided"/>).</param>
public sealed class VoidOutcome(VoidOutcomeKind Kind, Redemption? Redemption)
{
    /// <summary>What became of the void.</summary>
    public VoidOutcomeKind Kind { get; } = Kind;

    /// <summary>The redemption as it stands after the void (for <see cref="VoidOutcomeKind.Voided"/> and <see cref="VoidOutcomeKind.AlreadyVoided"/>).</summary>
    public Redemption? Redemption { get; } = Redemption;
}
