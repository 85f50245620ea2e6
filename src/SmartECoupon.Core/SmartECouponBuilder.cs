using Microsoft.Extensions.DependencyInjection;

namespace SmartECoupon;

/// <summary>
/// Returned by <c>AddSmartECoupon</c>; storage packages add their registrations to it as extension methods
/// (for example <c>AddEntityFrameworkCoreStores</c>).
/// </summary>
public interface ISmartECouponBuilder
{
    /// <summary>The service collection SmartECoupon is registered in.</summary>
    IServiceCollection Services { get; }
}

internal sealed class SmartECouponBuilder(IServiceCollection services) : ISmartECouponBuilder
{
    public IServiceCollection Services { get; } = services;
}
