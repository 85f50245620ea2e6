namespace SmartECoupon.Stores;

/// <summary>One of a tenant's shops, where coupons are used at the counter.</summary>
public sealed record Store
{
    /// <summary>The tenant that owns the store.</summary>
    public required string TenantId { get; init; }

    /// <summary>The store identifier (<c>sto_…</c>).</summary>
    public required string Id { get; init; }

    /// <summary>The store's name.</summary>
    public required string Name { get; init; }

    /// <summary>When the store was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }
}
