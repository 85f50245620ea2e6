using Microsoft.Extensions.DependencyInjection;

namespace SmartECoupon.Core.Tests;

/// <summary>Builds the real service container the way a host does, so tests exercise the registrations themselves.</summary>
internal static class CoreServices
{
    public static ServiceProvider Build(Action<SmartECouponOptions>? configure = null)
    {
        var services = new ServiceCollection();
        if (configure is null)
        {
            services.AddSmartECoupon();
        }
        else
        {
            services.AddSmartECoupon(configure);
        }
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public static T Get<T>(Action<SmartECouponOptions>? configure = null)
        where T : notnull => Build(configure).GetRequiredService<T>();
}
