namespace SmartECoupon.Redemptions;

/// <summary>Where a use was confirmed.</summary>
public enum RedemptionChannel
{
    /// <summary>Through the API, by a member (<c>api</c>).</summary>
    Api,
    /// <summary>On the coupon page, confirmed at the counter without a key (<c>page</c>).</summary>
    Page,
}

/// <summary>One use of a coupon: who, where, when, confirmed by whom. Kept after a void, with the void's time.</summary>
public sealed record Redemption
{
    /// <summary>The tenant that owns the redemption.</summary>
    public required string TenantId { get; init; }

    /// <summary>The redemption identifier (<c>red_…</c>).</summary>
    public required string Id { get; init; }

    /// <summary>The coupon used.</summary>
    public required string CouponId { get; init; }

    /// <summary>The ticket used, or the user's ticket for a shared-code use; <see langword="null"/> for a one-time code.</summary>
    public string? TicketId { get; init; }

    /// <summary>The one-time code used; <see langword="null"/> otherwise.</summary>
    public string? OneTimeCode { get; init; }

    /// <summary>The user; <see langword="null"/> for a one-time code, which is bound to no user.</summary>
    public string? UserKey { get; init; }

    /// <summary>The store where the coupon was used, when given.</summary>
    public string? StoreId { get; init; }

    /// <summary>Where the use was confirmed.</summary>
    public RedemptionChannel Channel { get; init; }

    /// <summary>When the use was confirmed.</summary>
    public DateTimeOffset RedeemedAt { get; init; }

    /// <summary>The member who confirmed the use; <see langword="null"/> for a use confirmed on the coupon page.</summary>
    public string? RedeemedBy { get; init; }

    /// <summary>When the use was voided; <see langword="null"/> while it is live.</summary>
    public DateTimeOffset? VoidedAt { get; init; }

    /// <summary>The member who voided the use.</summary>
    public string? VoidedBy { get; init; }

    /// <summary>Whether the redemption is live (counts toward the limits).</summary>
    public bool IsLive => VoidedAt is null;
}
