using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using SmartECoupon.Auditing;
using SmartECoupon.Coupons;
using SmartECoupon.Redemptions;
using SmartECoupon.Storage.EfCore.Rows;
using SmartECoupon.Stores;
using SmartECoupon.Tenancy;

namespace SmartECoupon.Storage.EfCore.Repositories;

/// <summary>
/// The current tenant's data for the CSV export, streamed: one untracked query per dataset, read row by row from the
/// data reader, so a million rows cost no more memory than ten.
/// </summary>
internal sealed class EfTenantDataSource(SmartECouponDbContextFactory factory) : EfRepository(factory), ITenantDataSource
{
    public IAsyncEnumerable<Coupon> CouponsAsync(CancellationToken cancellationToken = default) =>
        StreamAsync(db => db.Coupons.OrderBy(r => r.Id), RowMapping.ToDomain, cancellationToken);

    public IAsyncEnumerable<Ticket> TicketsAsync(CancellationToken cancellationToken = default) =>
        StreamAsync(db => db.Tickets.OrderBy(r => r.Id), RowMapping.ToDomain, cancellationToken);

    public IAsyncEnumerable<OneTimeCode> OneTimeCodesAsync(CancellationToken cancellationToken = default) =>
        StreamAsync(db => db.Codes.Where(c => c.Kind == CodeKinds.OneTime).OrderBy(c => c.CouponId).ThenBy(c => c.Code), RowMapping.ToOneTimeCode, cancellationToken);

    public IAsyncEnumerable<Redemption> RedemptionsAsync(CancellationToken cancellationToken = default) =>
        StreamAsync(db => db.Redemptions.OrderBy(r => r.Id), RowMapping.ToDomain, cancellationToken);

    public IAsyncEnumerable<Store> StoresAsync(CancellationToken cancellationToken = default) =>
        StreamAsync(db => db.Stores.OrderBy(r => r.Id), RowMapping.ToDomain, cancellationToken);

    public IAsyncEnumerable<Member> MembersAsync(CancellationToken cancellationToken = default) =>
        StreamAsync(db => db.Members.OrderBy(r => r.Id), RowMapping.ToDomain, cancellationToken);

    public IAsyncEnumerable<AuditEntry> AuditEntriesAsync(CancellationToken cancellationToken = default) =>
        StreamAsync(db => db.AuditEntries.OrderBy(r => r.Id), RowMapping.ToDomain, cancellationToken);

    private async IAsyncEnumerable<T> StreamAsync<TRow, T>(Func<SmartECouponDbContext, IOrderedQueryable<TRow>> query, Func<TRow, T> map,
        [EnumeratorCancellation] CancellationToken cancellationToken)
        where TRow : class
    {
        // The tenant is read when the sequence is enumerated, and the tenant filter makes a call without one throw.
        var db = Factory.ForTenant();
        await using var dbScope = db.ConfigureAwait(false);
        await foreach (var row in query(db).AsNoTracking().AsAsyncEnumerable().WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            yield return map(row);
        }
    }
}
