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
        // No storage adapter here: the services that need one cannot be built, so the container is not validated as a
        // whole (the storage test projects build it with an adapter and validate everything).
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = false, ValidateScopes = true });
    }

    public static T Get<T>(Action<SmartECouponOptions>? configure = null)
        where T : notnull => Build(configure).GetRequiredService<T>();
}
