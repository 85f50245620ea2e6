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
        return await Repositories.Paging.ListAsync(db.Tenants.IgnoreQueryFilters(TenantFilter).AsNoTracking(), t => t.TenantId, page, t => t, cancellationToken).ConfigureAwait(false);
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

    /// <summary>
    /// A maintenance notice goes to every tenant's administrators: the notice and one outbox message per administrator
    /// of each tenant not purged are written in one transaction.
    /// </summary>
    public async Task AddNoticeWithMessagesAsync(MaintenanceNoticeRow notice, string subject, string body, CancellationToken cancellationToken)
    {
        var purged = RowMapping.Text(SmartECoupon.Tenancy.TenantStatus.Purged);
        var admin = RowMapping.Text(SmartECoupon.Tenancy.MemberRole.Admin);
        var db = factory.Create(SessionScope.AllTenants);
        await using var dbScope = db.ConfigureAwait(false);
        var tx = await WriteTransaction.BeginAsync(db, factory.WriteGate, cancellationToken).ConfigureAwait(false);
        await using var txScope = tx.ConfigureAwait(false);
        var recipients = await db.Members.IgnoreQueryFilters(TenantFilter).AsNoTracking()
            .Where(m => m.Role == admin && db.Tenants.IgnoreQueryFilters(TenantFilter).Any(t => t.TenantId == m.TenantId && t.Status != purged))
            .Select(m => new { m.TenantId, m.Id, m.DisplayName, m.Email })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        db.MaintenanceNotices.Add(notice);
        foreach (var recipient in recipients)
        {
            db.OutboxMessages.Add(new OutboxMessageRow
            {
                TenantId = recipient.TenantId,
                Id = EntityIds.New(EntityIds.MessagePrefix, notice.CreatedAt),
                MemberId = recipient.Id,
                RecipientName = recipient.DisplayName,
                RecipientEmail = recipient.Email,
                Subject = subject,
                Body = body,
                CreatedAt = notice.CreatedAt,
            });
        }
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Code-job workers serve every tenant: they take the oldest job waiting, whichever tenant it is in.</summary>
    public async Task<CodeJobRow?> ClaimNextCodeJobAsync(string holder, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        var queued = RowMapping.Text(SmartECoupon.Coupons.CodeJobStatus.Queued);
        var running = RowMapping.Text(SmartECoupon.Coupons.CodeJobStatus.Running);
        var until = now + lease;
        var db = factory.Create(SessionScope.AllTenants);
        await using var dbScope = db.ConfigureAwait(false);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var candidate = await db.CodeJobs.IgnoreQueryFilters(TenantFilter).AsNoTracking()
                .Where(j => j.Status == queued || (j.Status == running && j.LeaseUntil <= now))
                .OrderBy(j => j.CreatedAt)
                .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            if (candidate is null)
            {
                return null;
            }
            // The claim is one guarded statement: another worker that saw the same job changes no row.
            var claimed = await db.CodeJobs.IgnoreQueryFilters(TenantFilter)
                .Where(j => j.TenantId == candidate.TenantId && j.Id == candidate.Id
                    && (j.Status == queued || (j.Status == running && j.LeaseUntil <= now)))
                .ExecuteUpdateAsync(s => s.SetProperty(j => j.Status, running).SetProperty(j => j.LeaseHolder, holder)
                    .SetProperty(j => j.LeaseUntil, until).SetProperty(j => j.UpdatedAt, now), cancellationToken).ConfigureAwait(false);
            if (claimed == 1)
            {
                candidate.Status = running;
                candidate.LeaseHolder = holder;
                candidate.LeaseUntil = until;
                return candidate;
            }
        }
        return null;
    }

    /// <summary>The outbox sender serves every tenant: it takes the oldest messages not sent, whichever tenant they are in.</summary>
    public async Task<List<OutboxMessageRow>> ClaimOutboxAsync(string holder, DateTimeOffset now, TimeSpan lease, int max, CancellationToken cancellationToken)
    {
        var until = now + lease;
        var db = factory.Create(SessionScope.AllTenants);
        await using var dbScope = db.ConfigureAwait(false);
        var candidates = await db.OutboxMessages.IgnoreQueryFilters(TenantFilter).AsNoTracking()
            .Where(m => m.SentAt == null && (m.LeaseUntil == null || m.LeaseUntil <= now))
            .OrderBy(m => m.CreatedAt)
            .Take(max)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var claimed = new List<OutboxMessageRow>();
        foreach (var candidate in candidates)
        {
            var taken = await db.OutboxMessages.IgnoreQueryFilters(TenantFilter)
                .Where(m => m.TenantId == candidate.TenantId && m.Id == candidate.Id && m.SentAt == null && (m.LeaseUntil == null || m.LeaseUntil <= now))
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.LeaseHolder, holder).SetProperty(m => m.LeaseUntil, until)
                    .SetProperty(m => m.Attempts, m => m.Attempts + 1), cancellationToken).ConfigureAwait(false);
            if (taken == 1)
            {
                candidate.Attempts++;
                claimed.Add(candidate);
            }
        }
        return claimed;
    }

    /// <summary>The outbox sender records what became of a message, in whichever tenant it is.</summary>
    public async Task CompleteOutboxMessageAsync(string tenantId, string messageId, DateTimeOffset? sentAt, string? failure, CancellationToken cancellationToken)
    {
        var db = factory.Create(SessionScope.AllTenants);
        await using var dbScope = db.ConfigureAwait(false);
        await db.OutboxMessages.IgnoreQueryFilters(TenantFilter)
            .Where(m => m.TenantId == tenantId && m.Id == messageId)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.SentAt, sentAt).SetProperty(m => m.LastError, failure), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The directory entry that lets a handle (a coupon id, a ticket token, a member id) find its tenant.</summary>
    public static DirectoryRow DirectoryEntry(string kind, string handle, string tenantId) =>
        new() { HandleHash = HandleHash(kind, handle), Kind = kind, OwnerTenantId = tenantId };

    /// <summary>The directory key of a handle: SHA-256 of its kind and value.</summary>
    public static byte[] HandleHash(string kind, string handle) => SHA256.HashData(Encoding.UTF8.GetBytes(kind + ":" + handle));
}
