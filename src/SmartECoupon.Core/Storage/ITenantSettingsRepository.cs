using SmartECoupon.Auditing;
using SmartECoupon.Tenancy;

namespace SmartECoupon.Storage;

/// <summary>The current tenant's settings.</summary>
public interface ITenantSettingsRepository
{
    /// <summary>The tenant's theme, or <see langword="null"/> when it has not set one.</summary>
    Task<TenantTheme?> FindThemeAsync(CancellationToken cancellationToken = default);

    /// <summary>Replaces the tenant's theme, with its audit entry.</summary>
    Task SaveThemeAsync(TenantTheme theme, AuditEntry audit, CancellationToken cancellationToken = default);
}
