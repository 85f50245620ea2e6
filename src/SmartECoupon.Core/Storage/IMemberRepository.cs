using SmartECoupon.Auditing;
using SmartECoupon.Tenancy;

namespace SmartECoupon.Storage;

/// <summary>The current tenant's members.</summary>
public interface IMemberRepository
{
    /// <summary>
    /// Adds a member unless the tenant already has <paramref name="memberLimit"/> members (<see langword="null"/>: no
    /// limit). The limit is checked and the member counted in one guarded statement. Returns <see langword="false"/> at
    /// the limit.
    /// </summary>
    Task<bool> TryAddAsync(Member member, int? memberLimit, AuditEntry audit, CancellationToken cancellationToken = default);

    /// <summary>Finds a member.</summary>
    Task<Member?> FindAsync(string memberId, CancellationToken cancellationToken = default);

    /// <summary>Finds the member whose current key has <paramref name="keyId"/>.</summary>
    Task<Member?> FindByKeyIdAsync(string keyId, CancellationToken cancellationToken = default);

    /// <summary>Lists members, oldest first.</summary>
    Task<Page<Member>> ListAsync(PageRequest page, CancellationToken cancellationToken = default);

    /// <summary>Removes a member, which releases its plan slot; its key stops working at once.</summary>
    Task<bool> RemoveAsync(string memberId, AuditEntry audit, CancellationToken cancellationToken = default);

    /// <summary>Replaces a member's key; the old key stops working at once.</summary>
    Task<bool> ReplaceKeyAsync(string memberId, string keyId, byte[] keyHash, AuditEntry audit, CancellationToken cancellationToken = default);

    /// <summary>Replaces a member's session stamp, which ends every session made with the old one, with its audit entry.</summary>
    Task<bool> RenewSessionStampAsync(string memberId, string sessionStamp, AuditEntry audit, CancellationToken cancellationToken = default);

    /// <summary>Sets a member's password hash (and clears failures and lockout), with its audit entry.</summary>
    Task<bool> SetPasswordHashAsync(string memberId, string passwordHash, AuditEntry audit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Counts a failed sign-in in one guarded statement; the <paramref name="maxFailures"/>-th locks the member until
    /// <paramref name="now"/> + <paramref name="lockout"/> and starts the count again. Returns the member as it stands.
    /// </summary>
    Task<Member?> RecordSignInFailureAsync(string memberId, DateTimeOffset now, int maxFailures, TimeSpan lockout, CancellationToken cancellationToken = default);

    /// <summary>Records a good sign-in: clears the failures, and writes the audit entry.</summary>
    Task RecordSignInAsync(string memberId, AuditEntry audit, CancellationToken cancellationToken = default);
}
