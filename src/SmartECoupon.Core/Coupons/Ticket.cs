namespace SmartECoupon.Coupons;

/// <summary>Whether a ticket has uses left.</summary>
public enum TicketStatus
{
    /// <summary>At least one use is left (<c>unused</c>).</summary>
    Unused,
    /// <summary>No use is left (<c>used</c>).</summary>
    Used,
}

/// <summary>
/// One user's handle on a coupon: the URL token of the coupon page (<c>/c/{token}</c>) and a short code for the
/// counter. There is one ticket per user and coupon, and it carries that user's count of live redemptions, which
/// the store raises only within the coupon's per-user limit.
/// </summary>
public sealed record Ticket
{
    /// <summary>The tenant that owns the ticket.</summary>
    public required string TenantId { get; init; }

    /// <summary>The ticket identifier (<c>tkt_…</c>).</summary>
    public required string Id { get; init; }

    /// <summary>The coupon the ticket is for.</summary>
    public required string CouponId { get; init; }

    /// <summary>The host's pseudonymous key for the user (a visitor id, a customer number); never a name or e-mail.</summary>
    public required string UserKey { get; init; }

    /// <summary>The unguessable token in the coupon page's URL.</summary>
    public required string Token { get; init; }

    /// <summary>The short code staff can type or scan, unique within the tenant.</summary>
    public required string Code { get; init; }

    /// <summary>The user's live (not voided) redemptions of the coupon, through any channel.</summary>
    public int UsedCount { get; init; }

    /// <summary>When the ticket was issued.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The uses left under <paramref name="perUserLimit"/>; <see langword="null"/> when there is no limit.</summary>
    public int? UsesLeft(int? perUserLimit) => perUserLimit is { } limit ? Math.Max(0, limit - UsedCount) : null;

    /// <summary>The ticket's status under <paramref name="perUserLimit"/>.</summary>
    public TicketStatus StatusUnder(int? perUserLimit) => UsesLeft(perUserLimit) == 0 ? TicketStatus.Used : TicketStatus.Unused;
}

/// <summary>A one-time code generated in bulk for printing or mailing, not yet bound to a user. It can be used once.</summary>
public sealed record OneTimeCode
{
    /// <summary>The tenant that owns the code.</summary>
    public required string TenantId { get; init; }

    /// <summary>The code, in its normal form (see <see cref="CouponCodes.Normalize"/>); unique within the tenant.</summary>
    public required string Code { get; init; }

    /// <summary>The coupon the code is for.</summary>
    public required string CouponId { get; init; }

    /// <summary>When the code was generated.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The live redemption that used the code; <see langword="null"/> while it is unused (or after that redemption was voided).</summary>
    public string? RedemptionId { get; init; }

    /// <summary>Whether the code has been used by a live redemption.</summary>
    public bool IsUsed => RedemptionId is not null;
}
