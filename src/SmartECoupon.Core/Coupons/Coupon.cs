namespace SmartECoupon.Coupons;

/// <summary>Where a coupon stands in its life.</summary>
public enum CouponStatus
{
    /// <summary>Being prepared; cannot be used.</summary>
    Draft,
    /// <summary>Live: can be handed out and used (within its validity window).</summary>
    Published,
    /// <summary>Temporarily stopped; can be published again.</summary>
    Paused,
    /// <summary>Retired for good; kept for the record.</summary>
    Archived,
}

/// <summary>A tenant's coupon: what it gives, when and where it can be used, and how often.</summary>
public sealed record Coupon
{
    /// <summary>The tenant that owns the coupon.</summary>
    public required string TenantId { get; init; }

    /// <summary>The coupon identifier (<c>cpn_…</c>); also the public distribution id of <c>/p/{couponId}</c>.</summary>
    public required string Id { get; init; }

    /// <summary>The coupon's status.</summary>
    public CouponStatus Status { get; init; } = CouponStatus.Draft;

    /// <summary>The title (1–40 characters).</summary>
    public required string Title { get; init; }

    /// <summary>What the customer gets (1–20 characters), e.g. <c>ドリンク1杯無料</c>.</summary>
    public required string Benefit { get; init; }

    /// <summary>Free text (0–1000 characters; line breaks allowed).</summary>
    public string Description { get; init; } = "";

    /// <summary>The first instant at which the coupon can be used (inclusive); <see langword="null"/> for no start.</summary>
    public DateTimeOffset? ValidFrom { get; init; }

    /// <summary>The last instant at which the coupon can be used (inclusive); <see langword="null"/> for no end.</summary>
    public DateTimeOffset? ValidUntil { get; init; }

    /// <summary>The most live (not voided) redemptions across everyone; <see langword="null"/> for no limit.</summary>
    public int? TotalLimit { get; init; }

    /// <summary>The most live redemptions per user; <see langword="null"/> for no limit. Defaults to 1.</summary>
    public int? PerUserLimit { get; init; } = 1;

    /// <summary>The stores where the coupon can be used; empty for everywhere.</summary>
    public IReadOnlyList<string> StoreIds { get; init; } = [];

    /// <summary>A code anyone can show (e.g. <c>WELCOME10</c>), as the tenant wrote it; <see langword="null"/> for none.</summary>
    public string? SharedCode { get; init; }

    /// <summary>The matching form of <see cref="SharedCode"/> (see <see cref="CouponCodes.Normalize"/>), unique within the tenant.</summary>
    public string? SharedCodeKey { get; init; }

    /// <summary>The media type of the coupon's image, when it has one.</summary>
    public string? ImageContentType { get; init; }

    /// <summary>How many tickets and one-time codes have been issued.</summary>
    public int IssuedCount { get; init; }

    /// <summary>How many live (not voided) redemptions the coupon has. Changed only by the store's guarded statements.</summary>
    public int RedeemedCount { get; init; }

    /// <summary>When the coupon was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the coupon was last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>A concurrency stamp, raised by every edit, so that two edits of one coupon cannot silently overwrite each other.</summary>
    public int Version { get; init; }

    /// <summary>Whether the coupon can be used at <paramref name="instant"/> as far as its validity window goes.</summary>
    public bool IsWithinValidity(DateTimeOffset instant)
    {
        var at = Instants.Truncate(instant);
        return (ValidFrom is not { } from || at >= from) && (ValidUntil is not { } until || at <= until);
    }
}

/// <summary>Which status changes a coupon allows.</summary>
public static class CouponLifecycle
{
    /// <summary>Whether a coupon in <paramref name="from"/> may move to <paramref name="to"/>.</summary>
    /// <remarks>Draft and paused coupons can be published; only published ones paused; anything but an archived coupon archived.</remarks>
    public static bool CanMove(CouponStatus from, CouponStatus to) => (from, to) switch
    {
        (CouponStatus.Draft, CouponStatus.Published) => true,
        (CouponStatus.Paused, CouponStatus.Published) => true,
        (CouponStatus.Published, CouponStatus.Paused) => true,
        (not CouponStatus.Archived, CouponStatus.Archived) => true,
        _ => false,
    };

    /// <summary>Whether a coupon in <paramref name="status"/> counts toward the plan's published-coupon limit.</summary>
    public static bool CountsAsPublished(CouponStatus status) => status == CouponStatus.Published;

    /// <summary>Whether a coupon in <paramref name="status"/> can still be edited.</summary>
    public static bool IsEditable(CouponStatus status) => status != CouponStatus.Archived;
}
