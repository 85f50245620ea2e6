namespace SmartECoupon.Tenancy;

/// <summary>The countable resources a plan caps.</summary>
public enum PlanResource
{
    /// <summary>Coupons whose status is published.</summary>
    PublishedCoupons,
    /// <summary>Members (admins and staff).</summary>
    Members,
    /// <summary>Stores.</summary>
    Stores,
}

/// <summary>The limits of one plan. <see langword="null"/> means unlimited.</summary>
public sealed class PlanLimits
{
    /// <summary>How many coupons may be published at once.</summary>
    public int? PublishedCoupons { get; set; }

    /// <summary>How many members the tenant may have.</summary>
    public int? Members { get; set; }

    /// <summary>How many stores the tenant may have.</summary>
    public int? Stores { get; set; }

    /// <summary>How many API requests of the tenant may run at the same time (the sheet's 1.24).</summary>
    public int ConcurrentRequests { get; set; } = 4;

    /// <summary>The cap on <paramref name="resource"/>, or <see langword="null"/> when unlimited.</summary>
    public int? CapFor(PlanResource resource) => resource switch
    {
        PlanResource.PublishedCoupons => PublishedCoupons,
        PlanResource.Members => Members,
        PlanResource.Stores => Stores,
        _ => throw new ArgumentOutOfRangeException(nameof(resource), resource, null),
    };

    /// <summary>Whether one more <paramref name="resource"/> fits when <paramref name="current"/> exist.</summary>
    /// <remarks>
    /// A pure check for display and dry runs. Enforcement is the store's job, in one guarded statement
    /// (see <see cref="Storage.IMemberRepository.TryAddAsync"/>): a count read here can be stale by the time it is written.
    /// </remarks>
    public bool Allows(PlanResource resource, int current) => CapFor(resource) is not { } cap || current < cap;
}

/// <summary>The limits of every plan, with the defaults of the contract's table.</summary>
public sealed class PlanLimitOptions
{
    /// <summary>The free plan: 3 published coupons, 3 members, 1 store, 4 concurrent requests.</summary>
    public PlanLimits Free { get; } = new() { PublishedCoupons = 3, Members = 3, Stores = 1, ConcurrentRequests = 4 };

    /// <summary>The standard plan: 50 published coupons, 30 members, 20 stores, 16 concurrent requests.</summary>
    public PlanLimits Standard { get; } = new() { PublishedCoupons = 50, Members = 30, Stores = 20, ConcurrentRequests = 16 };

    /// <summary>The premium plan: no count limits, 64 concurrent requests.</summary>
    public PlanLimits Premium { get; } = new() { PublishedCoupons = null, Members = null, Stores = null, ConcurrentRequests = 64 };

    /// <summary>The limits of <paramref name="plan"/>.</summary>
    public PlanLimits For(TenantPlan plan) => plan switch
    {
        TenantPlan.Free => Free,
        TenantPlan.Standard => Standard,
        TenantPlan.Premium => Premium,
        _ => throw new ArgumentOutOfRangeException(nameof(plan), plan, null),
    };
}
