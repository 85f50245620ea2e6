using Microsoft.EntityFrameworkCore;
using SmartECoupon.Auditing;
using SmartECoupon.Coupons;
using SmartECoupon.Storage.EfCore.Rows;
using SmartECoupon.Storage.EfCore.Tenancy;

namespace SmartECoupon.Storage.EfCore.Repositories;

internal sealed class EfCouponRepository(SmartECouponDbContextFactory factory) : EfRepository(factory), ICouponRepository
{
    public async Task<CouponWrite> AddAsync(Coupon coupon, AuditEntry audit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(coupon);
        if (CouponLifecycle.CountsAsPublished(coupon.Status))
        {
            throw new ArgumentException("A coupon is added unpublished; publishing takes a plan slot through ChangeStatusAsync.", nameof(coupon));
        }
        var db = Factory.ForTenant();
        await using var dbScope = db.ConfigureAwait(false);
        var tx = await BeginWriteAsync(db, cancellationToken).ConfigureAwait(false);
        await using var txScope = tx.ConfigureAwait(false);
        db.Coupons.Add(RowMapping.ToRow(coupon));
        db.AuditEntries.Add(Audit(audit));
        db.Directory.Add(CrossTenantAccess.DirectoryEntry(DirectoryKinds.Coupon, coupon.Id, CurrentTenant));
        try
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateException ex) when (UniqueViolation.Hit(ex, "coupons", "shared_code_key"))
        {
            return new CouponWrite(CouponWriteStatus.SharedCodeTaken, null);
        }
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new CouponWrite(CouponWriteStatus.Succeeded, coupon);
    }

    public async Task<CouponImportWrite> ImportAsync(IReadOnlyList<Coupon> coupons, int? publishedLimit, IReadOnlyList<AuditEntry> audit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(coupons);
        ArgumentNullException.ThrowIfNull(audit);
        var tenantId = CurrentTenant;
        var db = Factory.ForTenant();
        await using var dbScope = db.ConfigureAwait(false);
        var tx = await BeginWriteAsync(db, cancellationToken).ConfigureAwait(false);
        await using var txScope = tx.ConfigureAwait(false);
        // The published coupons take their plan slots together, in one guarded statement.
        var published = coupons.Count(c => CouponLifecycle.CountsAsPublished(c.Status));
        if (published > 0 && !await TenantCounters.TryTakeAsync(db, TenantCounter.PublishedCoupons, publishedLimit, cancellationToken, published).ConfigureAwait(false))
        {
            return new CouponImportWrite(CouponImportStatus.PlanLimitReached);
        }
        foreach (var coupon in coupons)
        {
            db.Coupons.Add(RowMapping.ToRow(coupon));
            db.Directory.Add(CrossTenantAccess.DirectoryEntry(DirectoryKinds.Coupon, coupon.Id, tenantId));
        }
        db.AuditEntries.AddRange(audit.Select(Audit));
        try
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateException ex) when (UniqueViolation.Hit(ex, "coupons", "shared_code_key"))
        {
            // Rolled back with the transaction. Which coupon's code was taken, when the other coupon is visible now.
            var keys = coupons.Select(c => c.SharedCodeKey).OfType<string>().ToList();
            var check = Factory.ForTenant();
            await using var checkScope = check.ConfigureAwait(false);
            var taken = await check.Coupons.AsNoTracking().Where(c => c.SharedCodeKey != null && keys.Contains(c.SharedCodeKey)).Select(c => c.SharedCodeKey).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            var index = taken is null ? -1 : coupons.ToList().FindIndex(c => c.SharedCodeKey == taken);
            return new CouponImportWrite(CouponImportStatus.SharedCodeTaken, index >= 0 ? index : null);
        }
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new CouponImportWrite(CouponImportStatus.Succeeded);
    }

    public async Task<Coupon?> FindAsync(string couponId, CancellationToken cancellationToken = default)
    {
        var db = Factory.ForTenant();
        await using var dbScope = db.ConfigureAwait(false);
        var row = await db.Coupons.AsNoTracking().FirstOrDefaultAsync(c => c.Id == couponId, cancellationToken).ConfigureAwait(false);
        return row is null ? null : RowMapping.ToDomain(row);
    }

    public async Task<Coupon?> FindBySharedCodeAsync(string sharedCodeKey, CancellationToken cancellationToken = default)
    {
        var db = Factory.ForTenant();
        await using var dbScope = db.ConfigureAwait(false);
        var row = await db.Coupons.AsNoTracking().FirstOrDefaultAsync(c => c.SharedCodeKey == sharedCodeKey, cancellationToken).ConfigureAwait(false);
        return row is null ? null : RowMapping.ToDomain(row);
    }

    public async Task<Page<Coupon>> ListAsync(PageRequest page, CancellationToken cancellationToken = default)
    {
        var db = Factory.ForTenant();
        await using var dbScope = db.ConfigureAwait(false);
        return await Paging.ListAsync(db.Coupons.AsNoTracking(), r => r.Id, page, RowMapping.ToDomain, cancellationToken).ConfigureAwait(false);
    }

    public async Task<CouponWrite> UpdateAsync(Coupon coupon, int expectedVersion, AuditEntry audit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(coupon);
        var archived = RowMapping.Text(CouponStatus.Archived);
        var storeIds = coupon.StoreIds.ToList();
        var db = Factory.ForTenant();
        await using var dbScope = db.ConfigureAwait(false);
        var tx = await BeginWriteAsync(db, cancellationToken).ConfigureAwait(false);
        await using var txScope = tx.ConfigureAwait(false);
        int changed;
        try
        {
            // One guarded statement: the version must be the one read, the coupon not archived, and a new total limit
            // not below the live redemptions, which a concurrent redemption could otherwise push past it.
            changed = await db.Coupons
                .Where(c => c.Id == coupon.Id && c.Version == expectedVersion && c.Status != archived
                    && (coupon.TotalLimit == null || c.RedeemedCount <= coupon.TotalLimit))
                .ExecuteUpdateAsync(s => s
                    .SetProperty(c => c.Title, coupon.Title)
                    .SetProperty(c => c.Benefit, coupon.Benefit)
                    .SetProperty(c => c.Description, coupon.Description)
                    .SetProperty(c => c.ValidFrom, coupon.ValidFrom)
                    .SetProperty(c => c.ValidUntil, coupon.ValidUntil)
                    .SetProperty(c => c.TotalLimit, coupon.TotalLimit)
                    .SetProperty(c => c.PerUserLimit, coupon.PerUserLimit)
                    .SetProperty(c => c.StoreIds, storeIds)
                    .SetProperty(c => c.SharedCode, coupon.SharedCode)
                    .SetProperty(c => c.SharedCodeKey, coupon.SharedCodeKey)
                    .SetProperty(c => c.ImageContentType, coupon.ImageContentType)
                    .SetProperty(c => c.UpdatedAt, audit.At)
                    .SetProperty(c => c.Version, c => c.Version + 1), cancellationToken)
                .ConfigureAwait(false);
        }
        catch (Exception ex) when (UniqueViolation.Hit(ex, "coupons", "shared_code_key"))
        {
            return new CouponWrite(CouponWriteStatus.SharedCodeTaken, null);
        }
        var current = await db.Coupons.AsNoTracking().FirstOrDefaultAsync(c => c.Id == coupon.Id, cancellationToken).ConfigureAwait(false);
        if (changed == 0)
        {
            if (current is null)
            {
                return new CouponWrite(CouponWriteStatus.NotFound, null);
            }
            var stored = RowMapping.ToDomain(current);
            var status = current.Version != expectedVersion ? CouponWriteStatus.VersionConflict
                : current.Status == archived ? CouponWriteStatus.InvalidTransition
                : CouponWriteStatus.TotalLimitBelowRedeemed;
            return new CouponWrite(status, stored);
        }
        db.AuditEntries.Add(Audit(audit));
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new CouponWrite(CouponWriteStatus.Succeeded, RowMapping.ToDomain(current!));
    }

    public async Task<CouponWrite> ChangeStatusAsync(string couponId, CouponStatus status, int? publishedLimit, AuditEntry audit, CancellationToken cancellationToken = default)
    {
        var to = RowMapping.Text(status);
        var db = Factory.ForTenant();
        await using var dbScope = db.ConfigureAwait(false);
        var tx = await BeginWriteAsync(db, cancellationToken).ConfigureAwait(false);
        await using var txScope = tx.ConfigureAwait(false);
        var current = await db.Coupons.AsNoTracking().FirstOrDefaultAsync(c => c.Id == couponId, cancellationToken).ConfigureAwait(false);
        if (current is null)
        {
            return new CouponWrite(CouponWriteStatus.NotFound, null);
        }
        var from = RowMapping.Parse<CouponStatus>(current.Status);
        if (!CouponLifecycle.CanMove(from, status))
        {
            return new CouponWrite(CouponWriteStatus.InvalidTransition, RowMapping.ToDomain(current));
        }
        // The status moves only from the one read: of two concurrent changes one wins and the other is told so.
        var changed = await db.Coupons.Where(c => c.Id == couponId && c.Status == current.Status && c.Version == current.Version)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, to).SetProperty(c => c.UpdatedAt, audit.At).SetProperty(c => c.Version, c => c.Version + 1), cancellationToken)
            .ConfigureAwait(false);
        if (changed == 0)
        {
            return new CouponWrite(CouponWriteStatus.VersionConflict, RowMapping.ToDomain(current));
        }
        if (CouponLifecycle.CountsAsPublished(status)
            && !await TenantCounters.TryTakeAsync(db, TenantCounter.PublishedCoupons, publishedLimit, cancellationToken).ConfigureAwait(false))
        {
            return new CouponWrite(CouponWriteStatus.PlanLimitReached, RowMapping.ToDomain(current));
        }
        if (CouponLifecycle.CountsAsPublished(from) && !CouponLifecycle.CountsAsPublished(status))
        {
            await TenantCounters.GiveBackAsync(db, TenantCounter.PublishedCoupons, cancellationToken).ConfigureAwait(false);
        }
        db.AuditEntries.Add(Audit(audit));
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new CouponWrite(CouponWriteStatus.Succeeded, RowMapping.ToDomain(current) with { Status = status, UpdatedAt = audit.At, Version = current.Version + 1 });
    }
}

internal sealed class EfTicketRepository(SmartECouponDbContextFactory factory) : EfRepository(factory), ITicketRepository
{
    public async Task<TicketIssue> GetOrAddAsync(Ticket candidate, AuditEntry audit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        if (await FindByUserAsync(candidate.CouponId, candidate.UserKey, cancellationToken).ConfigureAwait(false) is { } existing)
        {
            return new TicketIssue(TicketIssueStatus.Existing, existing);
        }
        try
        {
            var db = Factory.ForTenant();
            await using var dbScope = db.ConfigureAwait(false);
            var tx = await BeginWriteAsync(db, cancellationToken).ConfigureAwait(false);
            await using var txScope = tx.ConfigureAwait(false);
            db.Tickets.Add(RowMapping.ToRow(candidate));
            db.Codes.Add(new CodeRow
            {
                TenantId = candidate.TenantId,
                Code = candidate.Code,
                CouponId = candidate.CouponId,
                Kind = CodeKinds.Ticket,
                TicketId = candidate.Id,
                CreatedAt = candidate.CreatedAt,
            });
            db.Directory.Add(CrossTenantAccess.DirectoryEntry(DirectoryKinds.TicketToken, candidate.Token, CurrentTenant));
            db.AuditEntries.Add(Audit(audit));
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await db.Coupons.Where(c => c.Id == candidate.CouponId)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.IssuedCount, c => c.IssuedCount + 1), cancellationToken).ConfigureAwait(false);
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
            return new TicketIssue(TicketIssueStatus.Created, candidate);
        }
        catch (DbUpdateException ex) when (UniqueViolation.Hit(ex, "tickets", "user_key"))
        {
            // Another request issued this user's ticket at the same moment: one ticket per user and coupon.
            var winner = await FindByUserAsync(candidate.CouponId, candidate.UserKey, cancellationToken).ConfigureAwait(false);
            return new TicketIssue(TicketIssueStatus.Existing, winner ?? throw new InvalidOperationException("The ticket that won the race is gone.", ex));
        }
        catch (DbUpdateException ex) when (UniqueViolation.Any(ex))
        {
            return new TicketIssue(TicketIssueStatus.CodeTaken, null);
        }
    }

    public async Task<Ticket?> FindAsync(string ticketId, CancellationToken cancellationToken = default)
    {
        var db = Factory.ForTenant();
        await using var dbScope = db.ConfigureAwait(false);
        var row = await db.Tickets.AsNoTracking().FirstOrDefaultAsync(t => t.Id == ticketId, cancellationToken).ConfigureAwait(false);
        return row is null ? null : RowMapping.ToDomain(row);
    }

    public async Task<Ticket?> FindByTokenAsync(string token, CancellationToken cancellationToken = default)
    {
        var db = Factory.ForTenant();
        await using var dbScope = db.ConfigureAwait(false);
        var row = await db.Tickets.AsNoTracking().FirstOrDefaultAsync(t => t.Token == token, cancellationToken).ConfigureAwait(false);
        return row is null ? null : RowMapping.ToDomain(row);
    }

    public async Task<TicketPageSnapshot?> FindPageAsync(string token, CancellationToken cancellationToken = default)
    {
        var db = Factory.ForTenant();
        await using var dbScope = db.ConfigureAwait(false);
        // One statement: the ticket and its coupon, once per shop (a left join, so a coupon without shops gives one row),
        // with the ticket's last live use. PostgreSQL joins only the coupon's shops (store_ids is an array: "= ANY" is a
        // join condition); SQLite would need a correlated json_each, which it cannot join on, so it joins the tenant's
        // shops and the coupon's are picked below (a plan caps how many a tenant has).
        var postgres = db.Provider == StorageProvider.PostgreSql;
        var rows = await (
            from t in db.Tickets.AsNoTracking()
            where t.Token == token
            join c in db.Coupons.AsNoTracking() on t.CouponId equals c.Id
            join tenantStore in db.Stores.AsNoTracking() on t.TenantId equals tenantStore.TenantId into tenantStores
            from s in tenantStores.Where(s => !postgres || c.StoreIds.Contains(s.Id)).DefaultIfEmpty()
            select new
            {
                Ticket = t,
                Coupon = c,
                Store = s,
                LastUsedAt = db.Redemptions.Where(r => r.TicketId == t.Id && r.VoidedAt == null)
                    .OrderByDescending(r => r.Id).Select(r => (DateTimeOffset?)r.RedeemedAt).FirstOrDefault(),
            }).ToListAsync(cancellationToken).ConfigureAwait(false);
        if (rows.Count == 0)
        {
            return null;
        }
        var found = rows[0];
        var coupon = RowMapping.ToDomain(found.Coupon);
        return new TicketPageSnapshot
        {
            Ticket = RowMapping.ToDomain(found.Ticket),
            Coupon = coupon,
            Stores = [.. coupon.StoreIds.Select(id => rows.FirstOrDefault(r => r.Store?.Id == id)?.Store).OfType<StoreRow>().Select(RowMapping.ToDomain)],
            LastUsedAt = found.LastUsedAt,
        };
    }

    public async Task<Ticket?> FindByUserAsync(string couponId, string userKey, CancellationToken cancellationToken = default)
    {
        var db = Factory.ForTenant();
        await using var dbScope = db.ConfigureAwait(false);
        var row = await db.Tickets.AsNoTracking().FirstOrDefaultAsync(t => t.CouponId == couponId && t.UserKey == userKey, cancellationToken).ConfigureAwait(false);
        return row is null ? null : RowMapping.ToDomain(row);
    }
}
