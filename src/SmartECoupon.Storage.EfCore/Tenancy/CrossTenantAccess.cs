using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using SmartECoupon.Storage.EfCore.Rows;

namespace SmartECoupon.Storage.EfCore.Tenancy;

/// <summary>
/// THE REVIEWED PLACE: every read or write in the adapter that crosses tenants is here, and nowhere else ignores the
/// tenant filter. Each method says why it must cross. Keep the list short; a change here needs a second reviewer.
/// </summary>
internal sealed class CrossTenantAccess(SmartECouponDbContextFactory factory)
{
    private static readonly string[] TenantFilter = [SmartECouponDbContext.TenantFilterName];

    /// <summary>Operators manage tenants and API-key authentication checks a tenant's status before entering it.</summary>
    public async Task<TenantRow?> FindTenantAsync(string tenantId, CancellationToken cancellationToken)
    {
        var db = factory.Create(SessionScope.AllTenants);
        await using var dbScope = db.ConfigureAwait(false);
        return await db.Tenants.IgnoreQueryFilters(TenantFilter).AsNoTracking()
            .FirstOrDefaultAsync(t => t.TenantId == tenantId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Operators list tenants.</summary>
    public async Task<Page<TenantRow>> ListTenantsAsync(PageRequest page, CancellationToken cancellationToken)
    {
        var db = factory.Create(SessionScope.AllTenants);
        await using var dbScope = db.ConfigureAwait(false);
        return await Stores.Paging.ListAsync(db.Tenants.IgnoreQueryFilters(TenantFilter).AsNoTracking(), t => t.TenantId, page, t => t, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The anonymous coupon page and distribution link must find their tenant before any tenant is known. The
    /// directory holds hash → tenant id only, so this reveals a tenant id and nothing else.
    /// </summary>
    public async Task<string?> FindTenantOfHandleAsync(string kind, string handle, CancellationToken cancellationToken)
    {
        var hash = HandleHash(kind, handle);
        var db = factory.Create(SessionScope.AllTenants);
        await using var dbScope = db.ConfigureAwait(false);
        return await db.Directory.AsNoTracking()
            .Where(d => d.HandleHash == hash && d.Kind == kind)
            .Select(d => d.OwnerTenantId)
            .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Expired idempotency records are swept for every tenant at once.</summary>
    public async Task<int> RemoveExpiredIdempotencyRecordsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var db = factory.Create(SessionScope.AllTenants);
        await using var dbScope = db.ConfigureAwait(false);
        return await db.IdempotencyRecords.IgnoreQueryFilters(TenantFilter)
            .Where(r => r.ExpiresAt <= now)
            .ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The retention sweep finds the tenants whose purge is due, whichever they are.</summary>
    public async Task<List<TenantRow>> ListDueForPurgeAsync(DateOnly today, CancellationToken cancellationToken)
    {
        var cancelled = RowMapping.Text(SmartECoupon.Tenancy.TenantStatus.Cancelled);
        var db = factory.Create(SessionScope.AllTenants);
        await using var dbScope = db.ConfigureAwait(false);
        return await db.Tenants.IgnoreQueryFilters(TenantFilter).AsNoTracking()
            .Where(t => t.Status == cancelled && t.PurgeDueOn != null && t.PurgeDueOn <= today)
            .OrderBy(t => t.TenantId)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Audit entries past their retention are removed for every tenant at once.</summary>
    public async Task<int> RemoveAuditEntriesOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var db = factory.Create(SessionScope.AllTenants);
        await using var dbScope = db.ConfigureAwait(false);
        return await db.AuditEntries.IgnoreQueryFilters(TenantFilter)
            .Where(a => a.At < cutoff)
            .ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The directory key of a handle: SHA-256 of its kind and value.</summary>
    public static byte[] HandleHash(string kind, string handle) => SHA256.HashData(Encoding.UTF8.GetBytes(kind + ":" + handle));
}
