using Microsoft.EntityFrameworkCore;
using SmartECoupon.Auditing;
using SmartECoupon.Coupons;
using SmartECoupon.Idempotency;
using SmartECoupon.Redemptions;
using SmartECoupon.Storage.EfCore.Rows;

namespace SmartECoupon.Storage.EfCore.Stores;

internal sealed class EfRedemptionRepository(SmartECouponDbContextFactory factory) : EfStore(factory), IRedemptionRepository
{
    public async Task<RedemptionSnapshot?> FindSnapshotAsync(RedemptionLookup lookup, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lookup);
        var db = Factory.ForTenant();
        await using var dbScope = db.ConfigureAwait(false);
        var value = lookup.Value;
        switch (lookup.Kind)
        {
            case RedemptionLookupKind.TicketToken:
            {
                var found = await db.Tickets.AsNoTracking().Where(t => t.Token == value)
                    .Select(t => new { Ticket = t, Coupon = db.Coupons.FirstOrDefault(c => c.Id == t.CouponId) })
                    .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
                return found?.Coupon is null ? null : new RedemptionSnapshot
                {
                    Coupon = RowMapping.ToDomain(found.Coupon),
                    Method = RedemptionMethod.Ticket,
                    Ticket = RowMapping.ToDomain(found.Ticket),
                    UserKey = found.Ticket.UserKey,
                };
            }
            case RedemptionLookupKind.Code:
            {
                var found = await db.Codes.AsNoTracking().Where(c => c.Code == value)
                    .Select(c => new
                    {
                        Code = c,
                        Coupon = db.Coupons.FirstOrDefault(x => x.Id == c.CouponId),
                        Ticket = db.Tickets.FirstOrDefault(t => t.Id == c.TicketId),
                    })
                    .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
                if (found?.Coupon is null)
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
                var found = await db.Coupons.AsNoTracking().Where(c => c.SharedCodeKey == value)
                    .Select(c => new { Coupon = c, Ticket = db.Tickets.FirstOrDefault(t => t.CouponId == c.Id && t.UserKey == userKey) })
                    .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
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
        var redemption = write.Redemption;
        var couponId = redemption.CouponId;
        var published = RowMapping.Published;
        var db = Factory.ForTenant();
        await using var dbScope = db.ConfigureAwait(false);
        var tx = await BeginWriteAsync(db, cancellationToken).ConfigureAwait(false);
        await using var txScope = tx.ConfigureAwait(false);

        // 1. The user's uses, under the coupon's per-user limit as it stands now (one statement, one row).
        if (write.Method is RedemptionMethod.Ticket or RedemptionMethod.SharedCode)
        {
            var ticketId = redemption.TicketId ?? throw new ArgumentException("A ticket or shared-code redemption names the user's ticket.", nameof(write));
            var perUserLimit = db.Coupons.Where(c => c.Id == couponId).Select(c => c.PerUserLimit);
            var claimed = await db.Tickets
                .Where(t => t.Id == ticketId && t.CouponId == couponId && (perUserLimit.FirstOrDefault() == null || t.UsedCount < perUserLimit.FirstOrDefault()))
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.UsedCount, t => t.UsedCount + 1), cancellationToken).ConfigureAwait(false);
            if (claimed == 0)
            {
                return Refused(write.Method == RedemptionMethod.Ticket ? RedemptionRefusal.TicketAlreadyUsed : RedemptionRefusal.PerUserLimitReached);
            }
        }

        // 2. A one-time code's single use: claimed by setting its redemption where it has none.
        if (write.Method == RedemptionMethod.OneTimeCode)
        {
            var code = redemption.OneTimeCode ?? throw new ArgumentException("A one-time-code redemption names the code.", nameof(write));
            var claimed = await db.Codes
                .Where(c => c.Code == code && c.CouponId == couponId && c.Kind == CodeKinds.OneTime && c.RedemptionId == null)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.RedemptionId, redemption.Id), cancellationToken).ConfigureAwait(false);
            if (claimed == 0)
            {
                return Refused(RedemptionRefusal.TicketAlreadyUsed);
            }
        }

        // 3. The rows that go with the use, sent as one batch. They are written before the coupon's counter so that the
        //    coupon row, which every use of a hot coupon waits on, stays locked only for its update and the commit.
        db.Redemptions.Add(RowMapping.ToRow(redemption));
        db.AuditEntries.Add(Audit(write.Audit));
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        if (write.Idempotency is { } completion)
        {
            await IdempotencyRecords.CompleteAsync(db, completion, redemption.RedeemedAt, cancellationToken).ConfigureAwait(false);
        }

        // 4. The coupon: still published, and a slot left under the total limit. Rows affected decide.
        var counted = await db.Coupons
            .Where(c => c.Id == couponId && c.Status == published && (c.TotalLimit == null || c.RedeemedCount < c.TotalLimit))
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.RedeemedCount, c => c.RedeemedCount + 1), cancellationToken).ConfigureAwait(false);
        if (counted == 0)
        {
            var status = await db.Coupons.Where(c => c.Id == couponId).Select(c => c.Status).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            return Refused(status == published ? RedemptionRefusal.TotalLimitReached : RedemptionRefusal.CouponNotActive);
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new RedemptionWriteResult(redemption, null);

        // Returning without commit rolls back every statement above.
        static RedemptionWriteResult Refused(RedemptionRefusal refusal) => new(null, refusal);
    }

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

    public async Task<Redemption?> FindLastLiveForTicketAsync(string ticketId, CancellationToken cancellationToken = default)
    {
        var db = Factory.ForTenant();
        await using var dbScope = db.ConfigureAwait(false);
        var row = await db.Redemptions.AsNoTracking().Where(r => r.TicketId == ticketId && r.VoidedAt == null)
            .OrderByDescending(r => r.Id).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return row is null ? null : RowMapping.ToDomain(row);
    }

    public async Task<Page<Redemption>> ListAsync(PageRequest page, CancellationToken cancellationToken = default)
    {
        var db = Factory.ForTenant();
        await using var dbScope = db.ConfigureAwait(false);
        return await Paging.ListAsync(db.Redemptions.AsNoTracking(), r => r.Id, page, RowMapping.ToDomain, cancellationToken).ConfigureAwait(false);
    }
}

internal sealed class EfIdempotencyRepository(SmartECouponDbContextFactory factory, Tenancy.CrossTenantAccess crossTenant) : EfStore(factory), IIdempotencyRepository
{
    public async Task<IdempotencyRecord?> TryClaimAsync(IdempotencyRecord claim, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(claim);
        try
        {
            var db = Factory.ForTenant();
            await using var dbScope = db.ConfigureAwait(false);
            var tx = await BeginWriteAsync(db, cancellationToken).ConfigureAwait(false);
            await using var txScope = tx.ConfigureAwait(false);
            db.IdempotencyRecords.Add(RowMapping.ToRow(claim));
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (DbUpdateException ex) when (UniqueViolation.Hit(ex, "idempotency_records"))
        {
            var db = Factory.ForTenant();
            await using var dbScope = db.ConfigureAwait(false);
            var existing = await db.IdempotencyRecords.AsNoTracking().FirstOrDefaultAsync(r => r.Key == claim.Key, cancellationToken).ConfigureAwait(false);
            // Removed between the failed insert and this read: report it as still running; the client retries.
            return existing is null ? claim with { Fingerprint = "" } : RowMapping.ToDomain(existing);
        }
    }

    public async Task<bool> TryTakeOverAsync(IdempotencyRecord stale, IdempotencyRecord claim, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stale);
        ArgumentNullException.ThrowIfNull(claim);
        var staleState = RowMapping.Text(stale.State);
        var inFlight = RowMapping.Text(IdempotencyRecordState.InFlight);
        var db = Factory.ForTenant();
        await using var dbScope = db.ConfigureAwait(false);
        var tx = await BeginWriteAsync(db, cancellationToken).ConfigureAwait(false);
        await using var txScope = tx.ConfigureAwait(false);
        var changed = await db.IdempotencyRecords
            .Where(r => r.Key == stale.Key && r.Fingerprint == stale.Fingerprint && r.State == staleState && r.CreatedAt == stale.CreatedAt && r.LockedUntil == stale.LockedUntil)
            .ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Fingerprint, claim.Fingerprint)
                .SetProperty(r => r.State, inFlight)
                .SetProperty(r => r.CreatedAt, claim.CreatedAt)
                .SetProperty(r => r.LockedUntil, claim.LockedUntil)
                .SetProperty(r => r.ExpiresAt, claim.ExpiresAt)
                .SetProperty(r => r.ResponseStatus, (int?)null)
                .SetProperty(r => r.ResponseContentType, (string?)null)
                .SetProperty(r => r.ResponseBody, (string?)null), cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return changed == 1;
    }

    public async Task CompleteAsync(IdempotencyCompletion completion, DateTimeOffset completedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(completion);
        var db = Factory.ForTenant();
        await using var dbScope = db.ConfigureAwait(false);
        var tx = await BeginWriteAsync(db, cancellationToken).ConfigureAwait(false);
        await using var txScope = tx.ConfigureAwait(false);
        await IdempotencyRecords.CompleteAsync(db, completion, completedAt, cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task ReleaseAsync(string key, string fingerprint, CancellationToken cancellationToken = default)
    {
        var inFlight = RowMapping.Text(IdempotencyRecordState.InFlight);
        var db = Factory.ForTenant();
        await using var dbScope = db.ConfigureAwait(false);
        var tx = await BeginWriteAsync(db, cancellationToken).ConfigureAwait(false);
        await using var txScope = tx.ConfigureAwait(false);
        await db.IdempotencyRecords.Where(r => r.Key == key && r.Fingerprint == fingerprint && r.State == inFlight)
            .ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task<int> RemoveExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
        crossTenant.RemoveExpiredIdempotencyRecordsAsync(now, cancellationToken);
}

/// <summary>Completing an idempotency record, shared by the standalone completion and the redemption's transaction.</summary>
internal static class IdempotencyRecords
{
    public static async Task CompleteAsync(SmartECouponDbContext db, IdempotencyCompletion completion, DateTimeOffset completedAt, CancellationToken cancellationToken)
    {
        var inFlight = RowMapping.Text(IdempotencyRecordState.InFlight);
        var completed = RowMapping.Text(IdempotencyRecordState.Completed);
        var response = completion.Response;
        await db.IdempotencyRecords
            .Where(r => r.Key == completion.Key && r.Fingerprint == completion.Fingerprint && r.State == inFlight)
            .ExecuteUpdateAsync(s => s
                .SetProperty(r => r.State, completed)
                .SetProperty(r => r.LockedUntil, completedAt)
                .SetProperty(r => r.ResponseStatus, response.StatusCode)
                .SetProperty(r => r.ResponseContentType, response.ContentType)
                .SetProperty(r => r.ResponseBody, response.Body), cancellationToken).ConfigureAwait(false);
    }
}
