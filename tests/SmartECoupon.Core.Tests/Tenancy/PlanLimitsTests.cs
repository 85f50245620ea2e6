using SmartECoupon.Tenancy;
using Snapshooter.Xunit;

namespace SmartECoupon.Core.Tests.Tenancy;

public class PlanLimitsTests
{
    private readonly PlanLimitOptions _plans = new();

    [Fact]
    public void Defaults_are_the_contract_table()
    {
        // The snapshot is the contract's table of limits per plan; a change to a default shows up as a snapshot diff.
        var table = Enum.GetValues<TenantPlan>().ToDictionary(
            p => p.ToString(),
            p => new
            {
                PublishedCoupons = _plans.For(p).PublishedCoupons,
                Members = _plans.For(p).Members,
                Stores = _plans.For(p).Stores,
                ConcurrentRequests = _plans.For(p).ConcurrentRequests,
            });

        Snapshot.Match(table);
        Assert.Equal(3, _plans.Free.PublishedCoupons);
        Assert.Equal(30, _plans.Standard.Members);
        Assert.Null(_plans.Premium.Stores);
        Assert.Equal(64, _plans.Premium.ConcurrentRequests);
    }

    [Theory]
    [InlineData(TenantPlan.Free, PlanResource.Stores, 0, true)]
    [InlineData(TenantPlan.Free, PlanResource.Stores, 1, false)]
    [InlineData(TenantPlan.Free, PlanResource.PublishedCoupons, 2, true)]
    [InlineData(TenantPlan.Free, PlanResource.PublishedCoupons, 3, false)]
    [InlineData(TenantPlan.Standard, PlanResource.Members, 29, true)]
    [InlineData(TenantPlan.Standard, PlanResource.Members, 30, false)]
    [InlineData(TenantPlan.Premium, PlanResource.Members, 1_000_000, true)]
    public void Allows_one_more_only_below_the_cap(TenantPlan plan, PlanResource resource, int current, bool expected)
    {
        Assert.Equal(expected, _plans.For(plan).Allows(resource, current));
    }
}

public class TenantConcurrencyLimiterTests
{
    private static TenantConcurrencyLimiter CreateLimiter(Action<SmartECouponOptions>? configure = null, int instances = 1) =>
        new(CoreServices.Get<Microsoft.Extensions.Options.IOptionsMonitor<SmartECouponOptions>>(configure), new Instances(instances));

    private sealed class Instances(int count) : IRunningInstances
    {
        public int Count => count;
    }

    [Theory]
    [InlineData(TenantPlan.Standard, 2, 8)]
    [InlineData(TenantPlan.Standard, 3, 5)]
    [InlineData(TenantPlan.Free, 8, 1)]
    public void Each_instance_enforces_its_share_of_the_plans_slots(TenantPlan plan, int instances, int share)
    {
        var limiter = CreateLimiter(instances: instances);
        var leases = Enumerable.Range(0, share).Select(_ => limiter.TryAcquire("tnt_a", plan)).ToList();

        Assert.All(leases, Assert.NotNull);
        Assert.Null(limiter.TryAcquire("tnt_a", plan));
    }

    [Theory]
    [InlineData(TenantPlan.Free, 4)]
    [InlineData(TenantPlan.Standard, 16)]
    [InlineData(TenantPlan.Premium, 64)]
    public void A_tenant_gets_exactly_its_plans_slots(TenantPlan plan, int limit)
    {
        var limiter = CreateLimiter();
        var leases = Enumerable.Range(0, limit).Select(_ => limiter.TryAcquire("tnt_a", plan)).ToList();

        Assert.All(leases, Assert.NotNull);
        Assert.Null(limiter.TryAcquire("tnt_a", plan));
        Assert.NotNull(limiter.TryAcquire("tnt_b", plan));

        leases[0]!.Dispose();
        Assert.NotNull(limiter.TryAcquire("tnt_a", plan));
    }

    [Fact]
    public void Disposing_a_lease_twice_gives_its_slot_back_once()
    {
        var limiter = CreateLimiter();
        var lease = limiter.TryAcquire("tnt_a", TenantPlan.Free)!;
        lease.Dispose();
        lease.Dispose();

        Assert.Equal(0, limiter.InFlight("tnt_a"));
    }

    [Fact]
    public async Task Under_a_parallel_burst_no_more_than_the_limit_run_at_once()
    {
        var limiter = CreateLimiter();
        var running = 0;
        var peak = 0;
        var admitted = 0;
        await Task.WhenAll(Enumerable.Range(0, 2000).Select(_ => Task.Run(async () =>
        {
            using var lease = limiter.TryAcquire("tnt_burst", TenantPlan.Free);
            if (lease is null)
            {
                return;
            }
            Interlocked.Increment(ref admitted);
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref peak, now);
            await Task.Yield();
            Interlocked.Decrement(ref running);
        })));

        Assert.InRange(peak, 1, 4);
        Assert.True(admitted > 0);
        Assert.Equal(0, limiter.InFlight("tnt_burst"));
    }

    [Fact]
    public void The_limit_follows_the_options()
    {
        var limiter = CreateLimiter(o => o.Plans.Free.ConcurrentRequests = 1);
        using var first = limiter.TryAcquire("tnt_a", TenantPlan.Free);

        Assert.NotNull(first);
        Assert.Null(limiter.TryAcquire("tnt_a", TenantPlan.Free));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
