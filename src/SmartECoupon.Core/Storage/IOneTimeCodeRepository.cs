using SmartECoupon.Auditing;
using SmartECoupon.Coupons;

namespace SmartECoupon.Storage;

/// <summary>The current tenant's one-time codes.</summary>
public interface IOneTimeCodeRepository
{
    /// <summary>
    /// Inserts the codes of <paramref name="codes"/> that are not yet taken in the tenant (by a ticket or another
    /// one-time code) and returns how many were inserted; uniqueness is the database's to enforce. Raises the coupon's
    /// issued count by that number, and writes <paramref name="audit"/> when given, in the same transaction.
    /// </summary>
    Task<int> AddBatchAsync(string couponId, IReadOnlyList<string> codes, DateTimeOffset createdAt, AuditEntry? audit, CancellationToken cancellationToken = default);

    /// <summary>Finds a one-time code by its normal form.</summary>
    Task<OneTimeCode?> FindAsync(string code, CancellationToken cancellationToken = default);

    /// <summary>Lists a coupon's one-time codes, ordered by code.</summary>
    Task<Page<OneTimeCode>> ListAsync(string couponId, PageRequest page, CancellationToken cancellationToken = default);
}
