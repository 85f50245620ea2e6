using SmartECoupon.Auditing;

namespace SmartECoupon.Storage;

/// <summary>The current tenant's audit log. Entries are written with the writes they record; they cannot be changed.</summary>
public interface IAuditLog
{
    /// <summary>Writes an entry that accompanies no other write (a sign-in, for example).</summary>
    Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default);

    /// <summary>Lists entries, oldest first.</summary>
    Task<Page<AuditEntry>> ListAsync(PageRequest page, CancellationToken cancellationToken = default);

    /// <summary>Removes every tenant's entries older than <paramref name="cutoff"/>; returns how many. Operator-wide.</summary>
    Task<int> RemoveOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default);
}
