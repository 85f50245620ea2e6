using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace SmartECoupon.Redemptions;

/// <summary>The brute-force guard on code and token look-ups.</summary>
public sealed class LookupGuardOptions
{
    /// <summary>How many failed look-ups one person may make in <see cref="Window"/>. Default 20.</summary>
    public int MaxFailures { get; set; } = 20;

    /// <summary>The window failures are counted in. Default one minute.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// Counts failed look-ups (unknown code or token) per person, so that guessing codes at the counter is slow: after
/// <see cref="LookupGuardOptions.MaxFailures"/> in a window, the person is refused until the oldest failure leaves the
/// window. Per instance and in memory: a restart forgets, and each instance counts its own (the codes' space is what
/// makes guessing hopeless; this only stops a script).
/// </summary>
internal sealed class LookupGuard(TimeProvider time, IOptionsMonitor<SmartECouponOptions> options)
{
    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> _failures = new(StringComparer.Ordinal);

    /// <summary>How long <paramref name="personId"/> must wait before looking up again, or <see langword="null"/> when they may.</summary>
    public TimeSpan? RetryAfter(string personId)
    {
        ArgumentException.ThrowIfNullOrEmpty(personId);
        if (!_failures.TryGetValue(personId, out var failures))
        {
            return null;
        }
        var settings = options.CurrentValue.LookupGuard;
        var now = Instants.Now(time);
        lock (failures)
        {
            Prune(failures, now - settings.Window);
            return failures.Count >= settings.MaxFailures ? failures.Peek() + settings.Window - now : null;
        }
    }

    /// <summary>Counts a failed look-up by <paramref name="personId"/>.</summary>
    public void RecordFailure(string personId)
    {
        ArgumentException.ThrowIfNullOrEmpty(personId);
        var settings = options.CurrentValue.LookupGuard;
        var now = Instants.Now(time);
        var failures = _failures.GetOrAdd(personId, static _ => new Queue<DateTimeOffset>());
        lock (failures)
        {
            Prune(failures, now - settings.Window);
            failures.Enqueue(now);
        }
        if (_failures.Count > 10_000)
        {
            // People who stopped failing long ago are forgotten, so the table stays small.
            foreach (var (person, queue) in _failures)
            {
                lock (queue)
                {
                    Prune(queue, now - settings.Window);
                    if (queue.Count == 0)
                    {
                        _failures.TryRemove(new KeyValuePair<string, Queue<DateTimeOffset>>(person, queue));
                    }
                }
            }
        }
    }

    private static void Prune(Queue<DateTimeOffset> failures, DateTimeOffset before)
    {
        while (failures.Count > 0 && failures.Peek() <= before)
        {
            failures.Dequeue();
        }
    }
}
