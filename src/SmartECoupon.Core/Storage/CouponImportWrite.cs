namespace SmartECoupon.Storage;

/// <summary>What became of a coupon import.</summary>
public enum CouponImportStatus
{
    /// <summary>Every coupon was written.</summary>
    Succeeded,
    /// <summary>A shared code is taken by a coupon of the tenant; nothing was written.</summary>
    SharedCodeTaken,
    /// <summary>The published coupons would pass the plan's limit; nothing was written.</summary>
    PlanLimitReached,
}

/// <summary>The result of a coupon import.</summary>
/// <param name="Status">What happened.</param>
/// <param name="Index">For <see cref="CouponImportStatus.SharedCodeTaken"/>, the index of the coupon whose code is taken, when known.</param>
public sealed class CouponImportWrite(CouponImportStatus Status, int? Index = null)
{
    /// <summary>What happened.</summary>
    public CouponImportStatus Status { get; } = Status;

    /// <summary>For <see cref="CouponImportStatus.SharedCodeTaken"/>, the index of the coupon whose code is taken, when known.</summary>
    public int? Index { get; } = Index;
}
