using System.Collections.Concurrent;
using SmartECoupon.Tenancy;

namespace SmartECoupon.Storage;

/// <summary>What <see cref="ILookupAttemptStore.TryTakeAsync"/> found.</summary>
public enum LookupAttemptTake
{
    /// <summary>The attempt is taken: the look-up may run.</summary>
    Taken,
    /// <summary>The member's look-ups running now, with the window's misses, fill the limit: try again in a moment.</summary>
    Busy,
    /// <summary>The window's misses alone fill the limit: wait for the next window.</summary>
    Spent,
}

/// <summary>
/// The guessing guard's counts, per member of the current tenant and fixed window: the look-ups running and the misses.
/// An attempt is taken before each look-up of a code, with one guarded step that admits it only while running + missed
/// stays under the limit however many try at once, and then ends as found or as missed. A store that every instance
/// shares makes the limit hold across instances.
/// </summary>
public interface ILookupAttemptStore
{
    /// <summary>Takes an attempt of <paramref name="memberId"/> in the window that starts at <paramref name="windowStart"/>.</summary>
    Task<LookupAttemptTake> TryTakeAsync(string memberId, DateTimeOffset windowStart, int limit, CancellationToken cancellationToken = default);

    /// <summary>Ends a taken attempt: its look-up found what it looked for (or did not look), and it no longer counts.</summary>
    Task FoundAsync(string memberId, DateTimeOffset windowStart, CancellationToken cancellationToken = default);

    /// <summary>Ends a taken attempt as a miss, which counts until the window ends.</summary>
    Task MissedAsync(string memberId, DateTimeOffset windowStart, CancellationToken cancellationToken = default);
}

/// <summary>
/// The default <see cref="ILookupAttemptStore"/>: counts in this process, which is enough where one instance is all there
/// is (the embedded SQLite default). An attempt is taken with one compare-and-swap that refuses to pass the limit.
/// </summary>
public sealed class InProcessLookupAttemptStore(ITenantContext tenantContext) : ILookupAttemptStore
{
    private readonly ConcurrentDictionary<(string TenantId, string MemberId, DateTimeOffset WindowStart), Counts> _counts = new();

    /// <inheritdoc />
    public Task<LookupAttemptTake> TryTakeAsync(string memberId, DateTimeOffset windowStart, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(memberId);
        if (_counts.Count > 10_000)
        {
            // Windows that have ended are forgotten, so the table stays small.
            foreach (var key in _counts.Keys.Where(k => k.WindowStart < windowStart))
            {
                _counts.TryRemove(key, out _);
            }
        }
        var counts = _counts.GetOrAdd((tenantContext.RequireTenantId(), memberId, windowStart), static _ => new Counts());
        lock (counts)
        {
            if (counts.Running + counts.Missed >= limit)
            {
                return Task.FromResult(counts.Missed >= limit ? LookupAttemptTake.Spent : LookupAttemptTake.Busy);
            }
            counts.Running++;
            return Task.FromResult(LookupAttemptTake.Taken);
        }
    }

    /// <inheritdoc />
    public Task FoundAsync(string memberId, DateTimeOffset windowStart, CancellationToken cancellationToken = default) => End(memberId, windowStart, missed: false);

    /// <inheritdoc />
    public Task MissedAsync(string memberId, DateTimeOffset windowStart, CancellationToken cancellationToken = default) => End(memberId, windowStart, missed: true);

    private Task End(string memberId, DateTimeOffset windowStart, bool missed)
    {
        ArgumentException.ThrowIfNullOrEmpty(memberId);
        if (_counts.TryGetValue((tenantContext.RequireTenantId(), memberId, windowStart), out var counts))
        {
            lock (counts)
            {
                counts.Running = Math.Max(0, counts.Running - 1);
                counts.Missed += missed ? 1 : 0;
            }
        }
        return Task.CompletedTask;
    }

    private sealed class Counts
    {
        public int Running;
        public int Missed;
    }
}
