using SmartECoupon.Auditing;
using SmartECoupon.Coupons;

namespace SmartECoupon.Storage;

/// <summary>What became of a coupon write.</summary>
public enum CouponWriteStatus
{
    /// <summary>Written.</summary>
    Succeeded,
    /// <summary>No such coupon in the tenant.</summary>
    NotFound,
    /// <summary>The coupon changed since it was read (its version moved on).</summary>
    VersionConflict,
    /// <summary>Another coupon of the tenant has the shared code.</summary>
    SharedCodeTaken,
    /// <summary>The new total limit is below the coupon's live redemptions.</summary>
    TotalLimitBelowRedeemed,
    /// <summary>The coupon's status does not allow the change.</summary>
    InvalidTransition,
    /// <summary>Publishing would pass the plan's published-coupon limit.</summary>
    PlanLimitReached,
}

/// <summary>The result of a coupon write: its status, and the coupon as stored after it.</summary>
/// <param name="Status">What became of the write.</param>
/// <param name="Coupon">The coupon after the write (when it succeeded), or as it stands (for a refusal on an existing coupon).</param>
public sealed class CouponWrite(CouponWriteStatus Status, Coupon? Coupon)
{
    /// <summary>What became of the write.</summary>
    public CouponWriteStatus Status { get; } = Status;

    /// <summary>The coupon after the write (when it succeeded), or as it stands (for a refusal on an existing coupon).</summary>
    public Coupon? Coupon { get; } = Coupon;
}

/// <summary>The current tenant's coupons.</summary>
public interface ICouponRepository
{
    /// <summary>Adds a coupon; refuses a shared code another coupon of the tenant has.</summary>
    Task<CouponWrite> AddAsync(Coupon coupon, AuditEntry audit, CancellationToken cancellationToken = default);

    /// <summary>Finds a coupon.</summary>
    Task<Coupon?> FindAsync(string couponId, CancellationToken cancellationToken = default);

    /// <summary>Finds the coupon whose shared code has the matching form <paramref name="sharedCodeKey"/>.</summary>
    Task<Coupon?> FindBySharedCodeAsync(string sharedCodeKey, CancellationToken cancellationToken = default);

    /// <summary>Lists coupons, oldest first.</summary>
    Task<Page<Coupon>> ListAsync(PageRequest page, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces a coupon's editable content if its version is still <paramref name="expectedVersion"/>, raising the
    /// version. Refuses a total limit below the live redemptions in the same guarded statement.
    /// </summary>
    Task<CouponWrite> UpdateAsync(Coupon coupon, int expectedVersion, AuditEntry audit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Moves a coupon to <paramref name="status"/> when <see cref="CouponLifecycle.CanMove"/> allows it. Publishing
    /// takes a slot of the plan's published-coupon limit (<paramref name="publishedLimit"/>, <see langword="null"/>: no
    /// limit) in one guarded statement; leaving the published status gives it back.
    /// </summary>
    Task<CouponWrite> ChangeStatusAsync(string couponId, CouponStatus status, int? publishedLimit, AuditEntry audit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds <paramref name="coupons"/> (in any status) with their audit entries in one transaction, or none of them:
    /// the published ones take as many slots of the plan's published-coupon limit (<paramref name="publishedLimit"/>,
    /// <see langword="null"/>: no limit) in one guarded statement, and a shared code another coupon of the tenant has
    /// refuses the whole import.
    /// </summary>
    Task<CouponImportWrite> ImportAsync(IReadOnlyList<Coupon> coupons, int? publishedLimit, IReadOnlyList<AuditEntry> audit, CancellationToken cancellationToken = default);
}
