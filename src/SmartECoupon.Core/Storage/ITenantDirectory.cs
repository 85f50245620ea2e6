using SmartECoupon.Tenancy;

namespace SmartECoupon.Storage;

/// <summary>
/// The look-ups that must find a tenant before one is known: the anonymous coupon page (<c>/c/{token}</c>) and the
/// distribution link (<c>/p/{couponId}</c>). They reveal the tenant identifier and nothing else. (API keys carry
/// their tenant in the key itself; see <see cref="ApiKeys"/>.)
/// </summary>
public interface ITenantDirectory
{
    /// <summary>The tenant of the ticket with page token <paramref name="token"/>, or <see langword="null"/>.</summary>
    Task<string?> FindTenantOfTicketTokenAsync(string token, CancellationToken cancellationToken = default);

    /// <summary>The tenant of the coupon <paramref name="couponId"/>, or <see langword="null"/>.</summary>
    Task<string?> FindTenantOfCouponAsync(string couponId, CancellationToken cancellationToken = default);

    /// <summary>The tenant of the member <paramref name="memberId"/>, for signing in with a member id; or <see langword="null"/>.</summary>
    Task<string?> FindTenantOfMemberAsync(string memberId, CancellationToken cancellationToken = default);
}
