using Microsoft.EntityFrameworkCore;
using SmartECoupon.Auditing;
using SmartECoupon.Storage.EfCore.Rows;
using SmartECoupon.Storage.EfCore.Tenancy;
using SmartECoupon.Stores;
using SmartECoupon.Tenancy;

namespace SmartECoupon.Storage.EfCore.Repositories;

internal sealed class EfTenantRepository(SmartECouponDbContextFactory factory, CrossTenantAccess crossTenant) : EfRepository(factory), ITenantRepository
{
    public async Task AddAsync(Tenant tenant, Member firstAdmin, AuditEntry audit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(firstAdmin);
        ArgumentNullException.ThrowIfNull(audit);
        var db = Factory.ForTenant();
        await using var dbScope = db.ConfigureAwait(false);
        var tx = await BeginWriteAsync(db, cancellationToken).ConfigureAwait(false);
        await using var txScope = tx.ConfigureAwait(false);
        var row = RowMapping.ToRow(tenant);
        row.MemberCount = 1; // the first administrator
        db.Tenants.Add(row);
        db.Members.Add(RowMapping.ToRow(firstAdmin));
        db.Directory.Add(CrossTenantAccess.DirectoryEntry(DirectoryKinds.Member, firstAdmin.Id, tenant.Id));
        db.AuditEntries.Add(Audit(audit));
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<Tenant?> FindAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        var row = await crossTenant.FindTenantAsync(tenantId, cancellationToken).ConfigureAwait(false);
        return row is null ? null : RowMapping.ToDomain(row);
    }

    public async Task<Page<Tenant>> ListAsync(PageRequest page, CancellationToken cancellationToken = default)
    {
        var rows = await crossTenant.ListTenantsAsync(page, cancellationToken).ConfigureAwait(false);
        return new Page<Tenant>(rows.Items.Select(RowMapping.ToDomain).ToList(), rows.NextCursor);
    }

    public async Task<Tenant?> CancelAsync(string tenantId, DateOnly cancelledOn, DateOnly purgeDueOn, AuditEntry audit, CancellationToken cancellationToken = default)
    {
        var purged = RowMapping.Text(TenantStatus.Purged);
        var cancelled = RowMapping.Text(TenantStatus.Cancelled);
        var db = Factory.ForTenant();
        await using var dbScope = db.ConfigureAwait(false);
        var tx = await BeginWriteAsync(db, cancellationToken).ConfigureAwait(false);
        await using var txScope = tx.ConfigureAwait(false);
        var changed = await db.Tenants.Where(t => t.TenantId == tenantId && t.Status != purged)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, cancelled).SetProperty(t => t.CancelledOn, cancelledOn).SetProperty(t => t.PurgeDueOn, purgeDueOn), cancellationToken)
            .ConfigureAwait(false);
        if (changed == 0)
        {
            return null;
        }
        db.AuditEntries.Add(Audit(audit));
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        var row = await db.Tenants.AsNoTracking().FirstAsync(t => t.TenantId == tenantId, cancellationToken).ConfigureAwait(false);
        return RowMapping.ToDomain(row);
    }
}

internal sealed class EfOperatorRepository(SmartECouponDbContextFactory factory) : EfRepository(factory), IOperatorRepository
{
    public async Task<bool> AnyAsync(CancellationToken cancellationToken = default)
    {
        var db = Factory.ForPlatform();
        await using var dbScope = db.ConfigureAwait(false);
        return await db.Operators.AnyAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task AddAsync(PlatformOperator platformOperator, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(platformOperator);
        var db = Factory.ForPlatform();
        await using var dbScope = db.ConfigureAwait(false);
        var tx = await BeginWriteAsync(db, cancellationToken).ConfigureAwait(false);
        await using var txScope = tx.ConfigureAwait(false);
        db.Operators.Add(RowMapping.ToRow(platformOperator));
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<PlatformOperator?> FindAsync(string operatorId, CancellationToken cancellationToken = default)
    {
        var db = Factory.ForPlatform();
        await using var dbScope = db.ConfigureAwait(false);
        var row = await db.Operators.AsNoTracking().FirstOrDefaultAsync(o => o.Id == operatorId, cancellationToken).ConfigureAwait(false);
        return row is null ? null : RowMapping.ToDomain(row);
    }

    public async Task<PlatformOperator?> FindByKeyIdAsync(string keyId, CancellationToken cancellationToken = default)
    {
        var db = Factory.ForPlatform();
        await using var dbScope = db.ConfigureAwait(false);
        var row = await db.Operators.AsNoTracking().FirstOrDefaultAsync(o => o.ApiKeyId == keyId, cancellationToken).ConfigureAwait(false);
        return row is null ? null : RowMapping.ToDomain(row);
    }

    public async Task<OperatorRemoval> RemoveAsync(string operatorId, CancellationToken cancellationToken = default)
    {
        var db = Factory.ForPlatform();
        await using var dbScope = db.ConfigureAwait(false);
        var tx = await BeginWriteAsync(db, cancellationToken).ConfigureAwait(false);
        await using var txScope = tx.ConfigureAwait(false);
        if (db.Provider == StorageProvider.PostgreSql)
        {
            // Two removals of two different operators must not both see "two left". SQLite's write lock already
            // serialises them; PostgreSQL needs the table locked against other removals for the count and the delete.
            await db.Database.ExecuteSqlRawAsync("LOCK TABLE operators IN SHARE ROW EXCLUSIVE MODE", cancellationToken).ConfigureAwait(false);
        }
        if (!await db.Operators.AnyAsync(o => o.Id == operatorId, cancellationToken).ConfigureAwait(false))
        {
            return OperatorRemoval.NotFound;
        }
        if (await db.Operators.CountAsync(cancellationToken).ConfigureAwait(false) <= 1)
        {
            return OperatorRemoval.LastOperator;
        }
        await db.Operators.Where(o => o.Id == operatorId).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return OperatorRemoval.Removed;
    }
}

internal sealed class EfMemberRepository(SmartECouponDbContextFactory factory) : EfRepository(factory), IMemberRepository
{
    public async Task<bool> TryAddAsync(Member member, int? memberLimit, AuditEntry audit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(member);
        var db = Factory.ForTenant();
        await using var dbScope = db.ConfigureAwait(false);
        var tx = await BeginWriteAsync(db, cancellationToken).ConfigureAwait(false);
        await using var txScope = tx.ConfigureAwait(false);
        if (!await TenantCounters.TryTakeAsync(db, TenantCounter.Members, memberLimit, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }
        db.Members.Add(RowMapping.ToRow(member));
        db.Directory.Add(CrossTenantAccess.DirectoryEntry(DirectoryKinds.Member, member.Id, CurrentTenant));
        db.AuditEntries.Add(Audit(audit));
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task<Member?> FindAsync(string memberId, CancellationToken cancellationToken = default)
    {
        var db = Factory.ForTenant();
        await using var dbScope = db.ConfigureAwait(false);
        var row = await db.Members.AsNoTracking().FirstOrDefaultAsync(m => m.Id == memberId, cancellationToken).ConfigureAwait(false);
        return row is null ? null : RowMapping.ToDomain(row);
    }

    public async Task<Member?> FindByKeyIdAsync(string keyId, CancellationToken cancellationToken = default)
    {
        var db = Factory.ForTenant();
        await using var dbScope = db.ConfigureAwait(false);
        var row = await db.Members.AsNoTracking().FirstOrDefaultAsync(m => m.ApiKeyId == keyId, cancellationToken).ConfigureAwait(false);
        return row is null ? null : RowMapping.ToDomain(row);
    }

    public async Task<Page<Member>> ListAsync(PageRequest page, CancellationToken cancellationToken = default)
    {
        var db = Factory.ForTenant();
        await using var dbScope = db.ConfigureAwait(false);
        return await Paging.ListAsync(db.Members.AsNoTracking(), r => r.Id, page, RowMapping.ToDomain, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> RemoveAsync(string memberId, AuditEntry audit, CancellationToken cancellationToken = default)
    {
        var db = Factory.ForTenant();
        await using var dbScope = db.ConfigureAwait(false);
        var tx = await BeginWriteAsync(db, cancellationToken).ConfigureAwait(false);
        await using var txScope = tx.ConfigureAwait(false);
        if (await db.Members.Where(m => m.Id == memberId).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false) == 0)
        {
            return false;
        }
        var handle = CrossTenantAccess.HandleHash(DirectoryKinds.Member, memberId);
        await db.Directory.Where(d => d.HandleHash == handle && d.OwnerTenantId == CurrentTenant).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        await TenantCounters.GiveBackAsync(db, TenantCounter.Members, cancellationToken).ConfigureAwait(false);
        db.AuditEntries.Add(Audit(audit));
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public Task<bool> ReplaceKeyAsync(string memberId, string keyId, byte[] keyHash, AuditEntry audit, CancellationToken cancellationToken = default) =>
        UpdateWithAuditAsync(memberId, audit, members => members
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.ApiKeyId, keyId).SetProperty(m => m.ApiKeyHash, keyHash), cancellationToken), cancellationToken);

    public Task<bool> RenewSessionStampAsync(string memberId, string sessionStamp, AuditEntry audit, CancellationToken cancellationToken = default) =>
        UpdateWithAuditAsync(memberId, audit, members => members
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.SessionStamp, sessionStamp), cancellationToken), cancellationToken);

    public Task<bool> SetPasswordHashAsync(string memberId, string passwordHash, AuditEntry audit, CancellationToken cancellationToken = default) =>
        UpdateWithAuditAsync(memberId, audit, members => members
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.PasswordHash, passwordHash).SetProperty(m => m.FailedSignIns, 0)
                .SetProperty(m => m.LockedUntil, (DateTimeOffset?)null), cancellationToken), cancellationToken);

    public Task RecordSignInAsync(string memberId, AuditEntry audit, CancellationToken cancellationToken = default) =>
        UpdateWithAuditAsync(memberId, audit, members => members
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.FailedSignIns, 0).SetProperty(m => m.LockedUntil, (DateTimeOffset?)null), cancellationToken), cancellationToken);

    public async Task<Member?> RecordSignInFailureAsync(string memberId, DateTimeOffset now, int maxFailures, TimeSpan lockout, CancellationToken cancellationToken = default)
    {
        var until = now + lockout;
        var db = Factory.ForTenant();
        await using var dbScope = db.ConfigureAwait(false);
        // Each statement is guarded, so racing failures are all counted: the one that reaches the limit locks, and the
        // count starts again for after the lockout.
        await db.Members.Where(m => m.Id == memberId)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.FailedSignIns, m => m.FailedSignIns + 1), cancellationToken).ConfigureAwait(false);
        await db.Members.Where(m => m.Id == memberId && m.FailedSignIns >= maxFailures)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.FailedSignIns, 0).SetProperty(m => m.LockedUntil, until), cancellationToken).ConfigureAwait(false);
        var row = await db.Members.AsNoTracking().FirstOrDefaultAsync(m => m.Id == memberId, cancellationToken).ConfigureAwait(false);
        return row is null ? null : RowMapping.ToDomain(row);
    }

    /// <summary>One guarded update of a member and its audit entry, in one transaction; false when no such member.</summary>
    private async Task<bool> UpdateWithAuditAsync(string memberId, AuditEntry audit, Func<IQueryable<MemberRow>, Task<int>> update, CancellationToken cancellationToken)
    {
        var db = Factory.ForTenant();
        await using var dbScope = db.ConfigureAwait(false);
        var tx = await BeginWriteAsync(db, cancellationToken).ConfigureAwait(false);
        await using var txScope = tx.ConfigureAwait(false);
        if (await update(db.Members.Where(m => m.Id == memberId)).ConfigureAwait(false) == 0)
        {
            return false;
        }
        db.AuditEntries.Add(Audit(audit));
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }
}

internal sealed class EfStoreRepository(SmartECouponDbContextFactory factory) : EfRepository(factory), IStoreRepository
{
    public async Task<bool> TryAddAsync(Store store, int? storeLimit, AuditEntry audit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var db = Factory.ForTenant();
        await using var dbScope = db.ConfigureAwait(false);
        var tx = await BeginWriteAsync(db, cancellationToken).ConfigureAwait(false);
        await using var txScope = tx.ConfigureAwait(false);
        if (!await TenantCounters.TryTakeAsync(db, TenantCounter.Stores, storeLimit, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }
        db.Stores.Add(RowMapping.ToRow(store));
        db.AuditEntries.Add(Audit(audit));
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task<Store?> FindAsync(string storeId, CancellationToken cancellationToken = default)
    {
        var db = Factory.ForTenant();
        await using var dbScope = db.ConfigureAwait(false);
        var row = await db.Stores.AsNoTracking().FirstOrDefaultAsync(s => s.Id == storeId, cancellationToken).ConfigureAwait(false);
        return row is null ? null : RowMapping.ToDomain(row);
    }

    public async Task<Page<Store>> ListAsync(PageRequest page, CancellationToken cancellationToken = default)
    {
        var db = Factory.ForTenant();
        await using var dbScope = db.ConfigureAwait(false);
        return await Paging.ListAsync(db.Stores.AsNoTracking(), r => r.Id, page, RowMapping.ToDomain, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<string>> FindExistingAsync(IReadOnlyCollection<string> storeIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(storeIds);
        if (storeIds.Count == 0)
        {
            return [];
        }
        var ids = storeIds.ToList();
        var db = Factory.ForTenant();
        await using var dbScope = db.ConfigureAwait(false);
        return await db.Stores.AsNoTracking().Where(s => ids.Contains(s.Id)).Select(s => s.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
    }
}

internal sealed class EfAuditLog(SmartECouponDbContextFactory factory, CrossTenantAccess crossTenant) : EfRepository(factory), IAuditLog
{
    public Task<int> RemoveOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default) =>
        crossTenant.RemoveAuditEntriesOlderThanAsync(cutoff, cancellationToken);

    public async Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var db = Factory.ForTenant();
        await using var dbScope = db.ConfigureAwait(false);
        var tx = await BeginWriteAsync(db, cancellationToken).ConfigureAwait(false);
        await using var txScope = tx.ConfigureAwait(false);
        db.AuditEntries.Add(Audit(entry));
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<Page<AuditEntry>> ListAsync(PageRequest page, CancellationToken cancellationToken = default)
    {
        var db = Factory.ForTenant();
        await using var dbScope = db.ConfigureAwait(false);
        return await Paging.ListAsync(db.AuditEntries.AsNoTracking(), r => r.Id, page, RowMapping.ToDomain, cancellationToken).ConfigureAwait(false);
    }
}

internal sealed class EfTenantDirectory(CrossTenantAccess crossTenant) : ITenantDirectory
{
    public Task<string?> FindTenantOfTicketTokenAsync(string token, CancellationToken cancellationToken = default) =>
        crossTenant.FindTenantOfHandleAsync(DirectoryKinds.TicketToken, token, cancellationToken);

    public Task<string?> FindTenantOfCouponAsync(string couponId, CancellationToken cancellationToken = default) =>
        crossTenant.FindTenantOfHandleAsync(DirectoryKinds.Coupon, couponId, cancellationToken);

    public Task<string?> FindTenantOfMemberAsync(string memberId, CancellationToken cancellationToken = default) =>
        crossTenant.FindTenantOfHandleAsync(DirectoryKinds.Member, memberId, cancellationToken);
}

internal enum TenantCounter
{
    Members,
    Stores,
    PublishedCoupons,
}

/// <summary>The plan counters on the tenant's row, each changed by one guarded statement.</summary>
internal static class TenantCounters
{
    /// <summary>
    /// Takes <paramref name="amount"/> units of <paramref name="counter"/> if it stays within <paramref name="limit"/>
    /// (<c>UPDATE tenants SET x = x + @n WHERE tenant_id = @t AND (@limit IS NULL OR x + @n &lt;= @limit)</c>); the
    /// affected-row count decides.
    /// </summary>
    public static async Task<bool> TryTakeAsync(SmartECouponDbContext db, TenantCounter counter, int? limit, CancellationToken cancellationToken, int amount = 1)
    {
        // Without a tenant the filter matches no row, which would read as "limit reached": fail loudly instead.
        _ = db.CurrentTenantId ?? throw new TenantNotSetException();
        var tenants = db.Tenants.AsQueryable();
        var changed = counter switch
        {
            TenantCounter.Members => await tenants.Where(t => limit == null || t.MemberCount + amount <= limit)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.MemberCount, t => t.MemberCount + amount), cancellationToken).ConfigureAwait(false),
            TenantCounter.Stores => await tenants.Where(t => limit == null || t.StoreCount + amount <= limit)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.StoreCount, t => t.StoreCount + amount), cancellationToken).ConfigureAwait(false),
            TenantCounter.PublishedCoupons => await tenants.Where(t => limit == null || t.PublishedCouponCount + amount <= limit)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.PublishedCouponCount, t => t.PublishedCouponCount + amount), cancellationToken).ConfigureAwait(false),
            _ => throw new ArgumentOutOfRangeException(nameof(counter)),
        };
        return changed == 1;
    }

    /// <summary>Gives one unit back (never below zero).</summary>
    public static Task<int> GiveBackAsync(SmartECouponDbContext db, TenantCounter counter, CancellationToken cancellationToken) => counter switch
    {
        TenantCounter.Members => db.Tenants.Where(t => t.MemberCount > 0)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.MemberCount, t => t.MemberCount - 1), cancellationToken),
        TenantCounter.Stores => db.Tenants.Where(t => t.StoreCount > 0)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.StoreCount, t => t.StoreCount - 1), cancellationToken),
        TenantCounter.PublishedCoupons => db.Tenants.Where(t => t.PublishedCouponCount > 0)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.PublishedCouponCount, t => t.PublishedCouponCount - 1), cancellationToken),
        _ => throw new ArgumentOutOfRangeException(nameof(counter)),
    };
}
