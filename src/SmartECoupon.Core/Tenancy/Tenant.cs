namespace SmartECoupon.Tenancy;

/// <summary>The contract plans a tenant can be on; each has its own <see cref="PlanLimits"/>.</summary>
public enum TenantPlan
{
    /// <summary>The free plan (<c>free</c>).</summary>
    Free,
    /// <summary>The standard plan (<c>standard</c>).</summary>
    Standard,
    /// <summary>The premium plan (<c>premium</c>).</summary>
    Premium,
}

/// <summary>Where a tenant stands in its life.</summary>
public enum TenantStatus
{
    /// <summary>Reads and writes are allowed.</summary>
    Active,
    /// <summary>Cancelled: reads and exports still work so the customer can take its data; writes are refused.</summary>
    Cancelled,
    /// <summary>Purged: the tenant's data is gone and only the purge record remains; its keys are refused.</summary>
    Purged,
}

/// <summary>A business that runs coupons on the platform. Every piece of tenant data carries its <see cref="Id"/>.</summary>
public sealed record Tenant
{
    /// <summary>The tenant identifier (<c>tnt_…</c>).</summary>
    public required string Id { get; init; }

    /// <summary>The tenant's name; <see langword="null"/> once the tenant is purged.</summary>
    public string? Name { get; init; }

    /// <summary>The plan that sets the tenant's limits.</summary>
    public TenantPlan Plan { get; init; }

    /// <summary>The tenant's status.</summary>
    public TenantStatus Status { get; init; }

    /// <summary>
    /// The IANA time zone in which the tenant's calendar dates are read (a coupon valid "until 2026-12-31"
    /// ends at the end of that day there). Defaults to <c>Asia/Tokyo</c>.
    /// </summary>
    public string TimeZoneId { get; init; } = TenantTimeZones.Default;

    /// <summary>When the tenant was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The date from which the cancellation takes effect, in the tenant's zone.</summary>
    public DateOnly? CancelledOn { get; init; }

    /// <summary>The date by which the tenant's data is purged.</summary>
    public DateOnly? PurgeDueOn { get; init; }

    /// <summary>When the tenant's data was purged.</summary>
    public DateTimeOffset? PurgedAt { get; init; }

    /// <summary>
    /// Tells whether the tenant accepts writes on <paramref name="today"/> (a date in the tenant's zone): an
    /// active tenant does, and so does a tenant whose cancellation takes effect later.
    /// </summary>
    public bool AcceptsWritesOn(DateOnly today) => Status switch
    {
        TenantStatus.Active => true,
        TenantStatus.Cancelled => CancelledOn is { } effective && today < effective,
        _ => false,
    };
}
