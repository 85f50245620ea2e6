using SmartECoupon.Auditing;
using SmartECoupon.Tenancy;

namespace SmartECoupon.Storage;

/// <summary>Tenants. Operator-wide: these calls do not depend on the current tenant.</summary>
public interface ITenantRepository
{
    /// <summary>Creates a tenant together with its first administrator (who counts as its first member) and the audit entry.</summary>
    Task AddAsync(Tenant tenant, Member firstAdmin, AuditEntry audit, CancellationToken cancellationToken = default);

    /// <summary>Finds a tenant by identifier, whatever the current tenant.</summary>
    Task<Tenant?> FindAsync(string tenantId, CancellationToken cancellationToken = default);

    /// <summary>Lists tenants, oldest first.</summary>
    Task<Page<Tenant>> ListAsync(PageRequest page, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records a tenant's cancellation (status cancelled, the effective date and the purge date) with its audit entry.
    /// Returns <see langword="null"/> for an unknown or already purged tenant.
    /// </summary>
    Task<Tenant?> CancelAsync(string tenantId, DateOnly cancelledOn, DateOnly purgeDueOn, AuditEntry audit, CancellationToken cancellationToken = default);
}
