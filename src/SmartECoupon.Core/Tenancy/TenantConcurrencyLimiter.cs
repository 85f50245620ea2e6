using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace SmartECoupon.Tenancy;

/// <summary>
/// Caps how many requests of one tenant run at the same time (the sheet's 1.24, the contract's
/// <c>too_many_concurrent_requests</c>). One tenant's burst then cannot take every database connection from the
/// others.
/// </summary>
/// <remarks>
/// A counter per tenant, raised with one compare-and-swap that refuses to pass the limit: never a read followed
/// by a separate write. The limiter is per process, and with several instances (<see cref="IRunningInstances"/>) each
/// enforces an equal share of the plan's limit (at least one request), so that together they hold it: a share is
/// counted without a round trip to the database, and a load balancer that spreads requests evenly gives each
/// instance its share of a tenant's burst.
/// </remarks>
internal sealed class TenantConcurrencyLimiter
{
    private readonly ConcurrentDictionary<string, StrongBox> _inFlight = new(StringComparer.Ordinal);
    private readonly IOptionsMonitor<SmartECouponOptions> _options;
    private readonly IRunningInstances _instances;

    /// <summary>Creates the limiter.</summary>
    public TenantConcurrencyLimiter(IOptionsMonitor<SmartECouponOptions> options, IRunningInstances instances)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _instances = instances;
    }

    /// <summary>How long a refused client should wait before trying again.</summary>
    public TimeSpan RetryAfter => _options.CurrentValue.ConcurrencyRetryAfter;

    /// <summary>
    /// Takes a slot for one request of <paramref name="tenantId"/> on <paramref name="plan"/>. Dispose the lease when
    /// the request ends. Returns <see langword="null"/> when the tenant already runs its plan's limit.
    /// </summary>
    public TenantRequestLease? TryAcquire(string tenantId, TenantPlan plan)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        var limit = Math.Max(1, _options.CurrentValue.Plans.For(plan).ConcurrentRequests / Math.Max(1, _instances.Count));
        var box = _inFlight.GetOrAdd(tenantId, static _ => new StrongBox());
        while (true)
        {
            var current = Volatile.Read(ref box.Value);
            if (current >= limit)
            {
                return null;
            }
            if (Interlocked.CompareExchange(ref box.Value, current + 1, current) == current)
            {
                return new TenantRequestLease(box);
            }
        }
    }

    /// <summary>How many requests of <paramref name="tenantId"/> run now.</summary>
    public int InFlight(string tenantId) =>
        _inFlight.TryGetValue(tenantId, out var box) ? Volatile.Read(ref box.Value) : 0;

    internal sealed class StrongBox
    {
        public int Value;
    }
}

/// <summary>A slot taken by <see cref="TenantConcurrencyLimiter.TryAcquire"/>; disposing it gives the slot back once.</summary>
internal sealed class TenantRequestLease : IDisposable
{
    private TenantConcurrencyLimiter.StrongBox? _box;

    internal TenantRequestLease(TenantConcurrencyLimiter.StrongBox box) => _box = box;

    /// <summary>Gives the slot back.</summary>
    public void Dispose()
    {
        var box = Interlocked.Exchange(ref _box, null);
        if (box is not null)
        {
            Interlocked.Decrement(ref box.Value);
        }
    }
}
