using SmartECoupon.Auditing;
using SmartECoupon.Coupons;
using SmartECoupon.Redemptions;
using SmartECoupon.Stores;
using SmartECoupon.Tenancy;

namespace SmartECoupon.Storage;

/// <summary>
/// The current tenant's data read in full, for the CSV export. Each sequence streams from the database in a stable
/// order (by identifier; one-time codes by coupon, then code), so memory stays flat however many rows there are.
/// </summary>
public interface ITenantDataSource
{
    /// <summary>Every coupon.</summary>
    IAsyncEnumerable<Coupon> CouponsAsync(CancellationToken cancellationToken = default);

    /// <summary>Every ticket.</summary>
    IAsyncEnumerable<Ticket> TicketsAsync(CancellationToken cancellationToken = default);

    /// <summary>Every one-time code.</summary>
    IAsyncEnumerable<OneTimeCode> OneTimeCodesAsync(CancellationToken cancellationToken = default);

    /// <summary>Every redemption, voided ones included.</summary>
    IAsyncEnumerable<Redemption> RedemptionsAsync(CancellationToken cancellationToken = default);

    /// <summary>Every store.</summary>
    IAsyncEnumerable<Store> StoresAsync(CancellationToken cancellationToken = default);

    /// <summary>Every member (the key material is the caller's to leave out).</summary>
    IAsyncEnumerable<Member> MembersAsync(CancellationToken cancellationToken = default);

    /// <summary>Every audit entry, oldest first.</summary>
    IAsyncEnumerable<AuditEntry> AuditEntriesAsync(CancellationToken cancellationToken = default);
}
