using SmartECoupon.Storage;

namespace SmartECoupon.Auditing;

/// <summary>Reads the current tenant's audit log. Entries are written by the library with the writes they record, and never changed.</summary>
public sealed class AuditLogService(IAuditLog auditLog)
{
    /// <summary>Lists the current tenant's entries, oldest first.</summary>
    public Task<Page<AuditEntry>> ListAsync(PageRequest page, CancellationToken cancellationToken = default) => auditLog.ListAsync(page, cancellationToken);
}
