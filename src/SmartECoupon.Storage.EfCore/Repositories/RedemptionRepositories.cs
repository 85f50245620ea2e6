using Microsoft.EntityFrameworkCore;
using SmartECoupon.Auditing;
using SmartECoupon.Coupons;
using SmartECoupon.Idempotency;
using SmartECoupon.Redemptions;
using SmartECoupon.Storage.EfCore.Rows;

namespace SmartECoupon.Storage.EfCore.Repositories;

internal sealed class EfRedemptionRepository(SmartECouponDbContextFactory factory, SqliteRedemptionWriter sqliteWriter) : EfRepository(factory), IRedemptionRepository
{
    // The look-ups run on every redemption: compiled once per store (a compiled query is bound to one model, and each
    // store's contexts share one), so that each call skips LINQ translation and the query cache. Joins, not FirstOrDefault() in a projection: EF translates the latter into a window function over all of
    // the tenant's coupons (or tickets), which grows with the tenant; a join reads one row by its key.
    private readonly Func<SmartECouponDbContext, string, CancellationToken, Task<TicketMatch?>> TicketByToken =
        EF.CompileAsyncQuery((SmartECouponDbContext db, string token, CancellationToken _) => (
            from t in db.Tickets.AsNoTracking()
            where t.Token == token
            join c in db.Coupons.AsNoTracking() on t.CouponId equals c.Id
            select new TicketMatch(t, c)).FirstOrDefault());

    private readonly Func<SmartECouponDbContext, string, CancellationToken, Task<CodeMatch?>> ByCode =
        EF.CompileAsyncQuery((SmartECouponDbContext db, string value, CancellationToken _) => (
            from code in db.Codes.AsNoTracking()
            where code.Code == value
            join c in db.Coupons.AsNoTracking() on code.CouponId equals c.Id
            join t in db.Tickets.AsNoTracking() on code.TicketId equals t.Id into tickets
            from t in tickets.DefaultIfEmpty()
            select new CodeMatch(code, c, t)).FirstOrDefault());

    private readonly Func<SmartECouponDbContext, string, string, CancellationToken, Task<SharedCodeMatch?>> BySharedCode =
        EF.CompileAsyncQuery((SmartECouponDbContext db, string key, string userKey, CancellationToken _) => (
            from c in db.Coupons.AsNoTracking()
            where c.SharedCodeKey == key
            join t in db.Tickets.AsNoTracking().Where(t => t.UserKey == userKey) on c.Id equals t.CouponId into tickets
            from t in tickets.DefaultIfEmpty()
            select new SharedCodeMatch(c, t)).FirstOrDefault());

    public async Task<RedemptionSnapshot?> FindSnapshotAsync(RedemptionLookup lookup, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lookup);
        var db = Factory.ForTenant();
        await using var dbScope = db.ConfigureAwait(false);
        var value = lookup.Value;
        // PostgreSQL reads through one server-side function (see PostgreSqlRedemptionSnapshot); SQLite runs the compiled joins.
        var postgreSql = Factory.Provider == StorageProvider.PostgreSql;
        switch (lookup.Kind)
        {
            case RedemptionLookupKind.TicketToken:
            {
                var found = postgreSql
                    ? await PostgreSqlRedemptionSnapshot.FindAsync(db, CurrentTenant, PostgreSqlRedemptionSnapshot.ByTicketToken, value, null, cancellationToken).ConfigureAwait(false) is { Ticket: { } ticket } match ? new TicketMatch(ticket, match.Coupon!) : null
                    : await TicketByToken(db, value, cancellationToken).ConfigureAwait(false);
                return found is null ? null : new RedemptionSnapshot
                {
                    Coupon = RowMapping.ToDomain(found.Coupon),
                    Method = RedemptionMethod.Ticket,
                    Ticket = RowMapping.ToDomain(found.Ticket),
                    UserKey = found.Ticket.UserKey,
                };
            }
            case RedemptionLookupKind.Code:
            {
                var found = postgreSql
                    ? await PostgreSqlRedemptionSnapshot.FindAsync(db, CurrentTenant, PostgreSqlRedemptionSnapshot.ByCode, value, null, cancellationToken).ConfigureAwait(false) is { Code: { } code } match ? new CodeMatch(code, match.Coupon!, match.Ticket) : null
                    : await ByCode(db, value, cancellationToken).ConfigureAwait(false);
                if (found is null)
                {
                    return null;
                }
                return found.Code.Kind == CodeKinds.Ticket && found.Ticket is not null
                    ? new RedemptionSnapshot
                    {
                        Coupon = RowMapping.ToDomain(found.Coupon),
                        Method = RedemptionMethod.Ticket,
                        Ticket = RowMapping.ToDomain(found.Ticket),
                        UserKey = found.Ticket.UserKey,
                    }
                    : new RedemptionSnapshot
                    {
                        Coupon = RowMapping.ToDomain(found.Coupon),
                        Method = RedemptionMethod.OneTimeCode,
                        OneTimeCode = RowMapping.ToOneTimeCode(found.Code),
                    };
            }
            case RedemptionLookupKind.SharedCode:
            {
                var userKey = lookup.UserKey ?? throw new ArgumentException("A shared-code look-up needs a user key.", nameof(lookup));
                var found = postgreSql
                    ? await PostgreSqlRedemptionSnapshot.FindAsync(db, CurrentTenant, PostgreSqlRedemptionSnapshot.BySharedCode, value, userKey, cancellationToken).ConfigureAwait(false) is { } match ? new SharedCodeMatch(match.Coupon!, match.Ticket) : null
                    : await BySharedCode(db, value, userKey, cancellationToken).ConfigureAwait(false);
                return found is null ? null : new RedemptionSnapshot
                {
                    Coupon = RowMapping.ToDomain(found.Coupon),
                    Method = RedemptionMethod.SharedCode,
                    Ticket = found.Ticket is null ? null : RowMapping.ToDomain(found.Ticket),
                    UserKey = userKey,
                };
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(lookup), lookup.Kind, null);
        }
    }

    public async Task<RedemptionWriteResult> TryRedeemAsync(RedemptionWrite write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        var statements = RedemptionStatements.For(write, CurrentTenant);
        RedemptionGuard? failed;
        if (Factory.Provider == StorageProvider.PostgreSql)
        {
            // One statement, committed in its own round trip; a failed guard rolled everything back.
            var db = Factory.ForTenant();
            await using var dbScope = db.ConfigureAwait(false);
            failed = await statements.RunAsync(db, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // One transaction on the writer's own connection; a failed guard rolled everything back.
            failed = await sqliteWriter.WriteAsync(statements, cancellationToken).ConfigureAwait(false);
        }
        switch (failed)
        {
            case null:
                return new RedemptionWriteResult(write.Redemption, null);
            case RedemptionGuard.IdempotencyKey:
                return RedemptionWriteResult.KeyAlreadyRecorded;
            case RedemptionGuard.TicketUses:
                return new RedemptionWriteResult(null, write.Method == RedemptionMethod.Ticket ? RedemptionRefusal.TicketAlreadyUsed : RedemptionRefusal.PerUserLimitReached);
            case RedemptionGuard.OneTimeCode:
                return new RedemptionWriteResult(null, RedemptionRefusal.TicketAlreadyUsed);
            default:
            {
                // The coupon's guard: unpublished since the look-up, or its total limit reached. The status tells which.
                var couponId = write.Redemption.CouponId;
                var reader = Factory.ForTenant();
                await using var readerScope = reader.ConfigureAwait(false);
                var status = await reader.Coupons.Where(c => c.Id == couponId).Select(c => c.Status).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
                return new RedemptionWriteResult(null, status == RowMapping.Published ? RedemptionRefusal.TotalLimitReached : RedemptionRefusal.CouponNotActive);
            }
        }
    }

    private sealed record TicketMatch(TicketRow Ticket, CouponRow Coupon);

    private sealed record CodeMatch(CodeRow Code, CouponRow Coupon, TicketRow? Ticket);

    private sealed record SharedCodeMatch(CouponRow Coupon, TicketRow? Ticket);

    public async Task<VoidOutcome> VoidAsync(string redemptionId, DateTimeOffset voidedAt, Actor actor, AuditEntry audit, CancellationToken cancellationToken = default)
    {
        var voidedBy = actor.MemberId;
        var db = Factory.ForTenant();
        await using var dbScope = db.ConfigureAwait(false);
        var tx = await BeginWriteAsync(db, cancellationToken).ConfigureAwait(false);
        await using var txScope = tx.ConfigureAwait(false);
        // Only one void of a redemption can move it from live to voided; only that one gives anything back.
        var voided = await db.Redemptions.Where(r => r.Id == redemptionId && r.VoidedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.VoidedAt, voidedAt).SetProperty(r => r.VoidedBy, voidedBy), cancellationToken).ConfigureAwait(false);
        var row = await db.Redemptions.AsNoTracking().FirstOrDefaultAsync(r => r.Id == redemptionId, cancellationToken).ConfigureAwait(false);
        if (row is null)
        {
            return new VoidOutcome(VoidOutcomeKind.NotFound, null);
        }
        if (voided == 0)
        {
            return new VoidOutcome(VoidOutcomeKind.AlreadyVoided, RowMapping.ToDomain(row));
        }
        await db.Coupons.Where(c => c.Id == row.CouponId && c.RedeemedCount > 0)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.RedeemedCount, c => c.RedeemedCount - 1), cancellationToken).ConfigureAwait(false);
        if (row.TicketId is { } ticketId)
        {
            await db.Tickets.Where(t => t.Id == ticketId && t.UsedCount > 0)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.UsedCount, t => t.UsedCount - 1), cancellationToken).ConfigureAwait(false);
        }
        if (row.OneTimeCode is { } code)
        {
            await db.Codes.Where(c => c.Code == code && c.RedemptionId == redemptionId)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.RedemptionId, (string?)null), cancellationToken).ConfigureAwait(false);
        }
        db.AuditEntries.Add(Audit(audit));
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new VoidOutcome(VoidOutcomeKind.Voided, RowMapping.ToDomain(row));
    }

    public async Task<Redemption?> FindAsync(string redemptionId, CancellationToken cancellationToken = default)
    {
        var db = Factory.ForTenant();
        await using var dbScope = db.ConfigureAwait(false);
        var row = await db.Redemptions.AsNoTracking().FirstOrDefaultAsync(r => r.Id == redemptionId, cancellationToken).ConfigureAwait(false);
        return row is null ? null : RowMapping.ToDomain(row);
    }

    public async Task<Page<Redemption>> ListAsync(PageRequest page, CancellationToken cancellationToken = default)
    {
        var db = Factory.ForTenant();
        await using var dbScope = db.ConfigureAwait(false);
        return await Paging.ListAsync(db.Redemptions.AsNoTracking(), r => r.Id, page, RowMapping.ToDomain, cancellationToken).ConfigureAwait(false);
    }
}

internal sealed class EfIdempotencyRepository(SmartECouponDbContextFactory factory, Tenancy.CrossTenantAccess crossTenant) : EfRepository(factory), IIdempotencyRepository
{
    public async Task<bool> TryAddAsync(IdempotencyRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        try
        {
            var db = Factory.ForTenant();
            await using var dbScope = db.ConfigureAwait(false);
            var tx = await BeginWriteAsync(db, cancellationToken).ConfigureAwait(false);
            await using var txScope = tx.ConfigureAwait(false);
            db.IdempotencyRecords.Add(RowMapping.ToRow(record));
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (DbUpdateException ex) when (UniqueViolation.Hit(ex, "idempotency_records"))
        {
            return false;
        }
    }

    public async Task<IdempotencyRecord?> FindAsync(string key, CancellationToken cancellationToken = default)
    {
        var db = Factory.ForTenant();
        await using var dbScope = db.ConfigureAwait(false);
        var row = await db.IdempotencyRecords.AsNoTracking().FirstOrDefaultAsync(r => r.Key == key, cancellationToken).ConfigureAwait(false);
        return row is null ? null : RowMapping.ToDomain(row);
    }

    public async Task<bool> TryRemoveAsync(IdempotencyRecord stale, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stale);
        var staleState = RowMapping.Text(stale.State);
        var db = Factory.ForTenant();
        await using var dbScope = db.ConfigureAwait(false);
        var tx = await BeginWriteAsync(db, cancellationToken).ConfigureAwait(false);
        await using var txScope = tx.ConfigureAwait(false);
        // Only the record exactly as it was read: one that another request has replaced in the meantime stays.
        var removed = await db.IdempotencyRecords
            .Where(r => r.Key == stale.Key && r.Fingerprint == stale.Fingerprint && r.State == staleState && r.CreatedAt == stale.CreatedAt && r.LockedUntil == stale.LockedUntil)
            .ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return removed == 1;
    }

    public Task<int> RemoveExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
        crossTenant.RemoveExpiredIdempotencyRecordsAsync(now, cancellationToken);
}
