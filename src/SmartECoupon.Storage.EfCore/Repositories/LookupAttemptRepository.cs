using Microsoft.EntityFrameworkCore;
using SmartECoupon.Storage.EfCore.Rows;

namespace SmartECoupon.Storage.EfCore.Repositories;

/// <summary>
/// PostgreSQL: the guessing guard's counts in the database, so that every instance counts together. An attempt is taken
/// with one guarded upsert (<c>ON CONFLICT … DO UPDATE … WHERE running + missed &lt; limit</c>), whose affected-row count
/// decides; the table is unlogged (a crash forgets the counts, and no commit waits for the disk) and purged with the
/// tenant.
/// </summary>
internal sealed class EfLookupAttemptStore(SmartECouponDbContextFactory factory) : EfRepository(factory), ILookupAttemptStore
{
    private int _calls;

    public async Task<LookupAttemptTake> TryTakeAsync(string memberId, DateTimeOffset windowStart, int limit, CancellationToken cancellationToken = default)
    {
        var tenantId = CurrentTenant;
        var start = windowStart.ToUniversalTime();
        var db = Factory.ForTenant();
        await using var dbScope = db.ConfigureAwait(false);
        if (Interlocked.Increment(ref _calls) % 1000 == 0)
        {
            // Windows long ended are of no use: each instance clears the tenant's now and then.
            var before = start.AddHours(-1);
            await db.LookupAttempts.Where(a => a.WindowStart < before).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        }
        var taken = await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO lookup_attempts (tenant_id, member_id, window_start, running, missed) VALUES ({tenantId}, {memberId}, {start}, 1, 0)
            ON CONFLICT (tenant_id, member_id, window_start) DO UPDATE SET running = lookup_attempts.running + 1
            WHERE lookup_attempts.running + lookup_attempts.missed < {limit}
            """, cancellationToken).ConfigureAwait(false);
        if (taken == 1)
        {
            return LookupAttemptTake.Taken;
        }
        var missed = await db.LookupAttempts.Where(a => a.MemberId == memberId && a.WindowStart == start).Select(a => a.Missed)
            .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return missed >= limit ? LookupAttemptTake.Spent : LookupAttemptTake.Busy;
    }

    public Task FoundAsync(string memberId, DateTimeOffset windowStart, CancellationToken cancellationToken = default) =>
        EndAsync(memberId, windowStart, 0, cancellationToken);

    public Task MissedAsync(string memberId, DateTimeOffset windowStart, CancellationToken cancellationToken = default) =>
        EndAsync(memberId, windowStart, 1, cancellationToken);

    private async Task EndAsync(string memberId, DateTimeOffset windowStart, int missed, CancellationToken cancellationToken)
    {
        var start = windowStart.ToUniversalTime();
        var db = Factory.ForTenant();
        await using var dbScope = db.ConfigureAwait(false);
        await db.LookupAttempts.Where(a => a.MemberId == memberId && a.WindowStart == start)
            .ExecuteUpdateAsync(s => s
                .SetProperty(a => a.Running, a => a.Running > 0 ? a.Running - 1 : 0)
                .SetProperty(a => a.Missed, a => a.Missed + missed), cancellationToken).ConfigureAwait(false);
    }
}
