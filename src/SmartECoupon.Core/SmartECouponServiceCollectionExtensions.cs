using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SmartECoupon;
using SmartECoupon.Calendar;
using SmartECoupon.Coupons;
using SmartECoupon.Retention;
using SmartECoupon.Tenancy;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers SmartECoupon in a service collection.</summary>
public static class SmartECouponServiceCollectionExtensions
{
    /// <summary>
    /// Adds SmartECoupon's core services with their default options, and returns a builder that storage packages
    /// extend. This operation is idempotent: calling it again registers nothing twice and returns a builder for the
    /// same registrations.
    /// </summary>
    public static ISmartECouponBuilder AddSmartECoupon(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        // ValidateOnStart adds a registration on every call; the marker keeps a second call from adding anything.
        if (services.Any(d => d.ServiceType == typeof(SmartECouponMarker)))
        {
            return new SmartECouponBuilder(services);
        }
        services.AddSingleton<SmartECouponMarker>();
        services.AddOptions<SmartECouponOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SmartECouponOptions>, SmartECouponOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ITenantContext, AsyncLocalTenantContext>();
        services.TryAddSingleton<CouponCodeGenerator>();
        services.TryAddSingleton<TenantService>();
        services.TryAddSingleton<OperatorService>();
        services.TryAddSingleton<MemberService>();
        services.TryAddSingleton<MemberSignInService>();
        // The library's services use the adapter's tenancy ports through decorators that cache tenants and keys and
        // publish every change to them; the adapter registers its ports as usual, whenever it is added.
        services.TryAddSingleton<ITenancyChangeFeed, InProcessTenancyChangeFeed>();
        services.TryAddSingleton<SmartECoupon.Storage.ILookupAttemptStore, SmartECoupon.Storage.InProcessLookupAttemptStore>();
        services.TryAddSingleton<IRunningInstances, SingleRunningInstance>();
        services.TryAddKeyedSingleton<SmartECoupon.Storage.ITenantRepository>(TenancyCaches.Key, static (sp, _) => new CachedTenantRepository(
            sp.GetRequiredService<SmartECoupon.Storage.ITenantRepository>(), sp.GetRequiredService<ITenancyChangeFeed>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptionsMonitor<SmartECouponOptions>>()));
        services.TryAddKeyedSingleton<SmartECoupon.Storage.IMemberRepository>(TenancyCaches.Key, static (sp, _) => new CachedMemberRepository(
            sp.GetRequiredService<SmartECoupon.Storage.IMemberRepository>(), sp.GetRequiredService<ITenancyChangeFeed>(), sp.GetRequiredService<ITenantContext>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptionsMonitor<SmartECouponOptions>>()));
        services.TryAddKeyedSingleton<SmartECoupon.Storage.IOperatorRepository>(TenancyCaches.Key, static (sp, _) => new CachedOperatorRepository(
            sp.GetRequiredService<SmartECoupon.Storage.IOperatorRepository>(), sp.GetRequiredService<ITenancyChangeFeed>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptionsMonitor<SmartECouponOptions>>()));
        services.TryAddKeyedSingleton<SmartECoupon.Storage.ITenantPurgeRepository>(TenancyCaches.Key, static (sp, _) => new PublishingTenantPurgeRepository(
            sp.GetRequiredService<SmartECoupon.Storage.ITenantPurgeRepository>(), sp.GetRequiredService<ITenancyChangeFeed>()));
        services.TryAddKeyedSingleton<SmartECoupon.Storage.IDatabaseBackup>(TenancyCaches.Key, static (sp, _) => new PublishingDatabaseBackup(
            sp.GetRequiredService<SmartECoupon.Storage.IDatabaseBackup>(), sp.GetRequiredService<ITenancyChangeFeed>()));
        services.TryAddSingleton<ApiKeyAuthenticator>();
        services.TryAddSingleton<TenantSessionResolver>();
        services.TryAddSingleton<TenantWriteGate>();
        services.TryAddSingleton<SmartECoupon.Stores.StoreService>();
        services.TryAddSingleton<CouponService>();
        services.TryAddSingleton<TicketService>();
        services.TryAddSingleton<OneTimeCodeService>();
        services.TryAddSingleton<CodeJobService>();
        services.TryAddSingleton<ThemeService>();
        services.TryAddSingleton<SmartECoupon.Operations.MaintenanceService>();
        services.TryAddSingleton<SmartECoupon.Operations.IncidentService>();
        services.TryAddSingleton<SmartECoupon.Operations.OutageService>();
        services.TryAddSingleton<SmartECoupon.Operations.OutboxDispatcher>();
        services.TryAddSingleton<SmartECoupon.Auditing.AuditLogService>();
        services.TryAddSingleton<SmartECoupon.Portability.TenantDataExporter>();
        services.TryAddSingleton<SmartECoupon.Portability.CouponCsvImporter>();
        services.TryAddSingleton<SmartECoupon.Redemptions.RedemptionService>();
        services.TryAddSingleton(sp => BusinessCalendar.Create(sp.GetRequiredService<IOptions<SmartECouponOptions>>().Value.Calendar));
        services.TryAddSingleton<IPurgeLedger>(sp => new FilePurgeLedger(sp.GetRequiredService<IOptions<SmartECouponOptions>>().Value.Backups.Folder));
        services.TryAddSingleton<ICouponImageStorage>(sp => new FileCouponImageStorage(sp.GetRequiredService<IOptions<SmartECouponOptions>>().Value.Uploads.Folder));
        services.TryAddSingleton<TenantPurgeService>();
        services.TryAddSingleton<BackupService>();
        services.TryAddSingleton<RetentionSweeper>();
        return new SmartECouponBuilder(services);
    }

    /// <summary>
    /// Adds SmartECoupon's core services and applies <paramref name="configure"/> to its options (after any earlier
    /// configuration). Idempotent as <see cref="AddSmartECoupon(IServiceCollection)"/> is.
    /// </summary>
    public static ISmartECouponBuilder AddSmartECoupon(this IServiceCollection services, Action<SmartECouponOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var builder = services.AddSmartECoupon();
        services.Configure(configure);
        return builder;
    }

    /// <summary>
    /// Adds SmartECoupon's core services and binds its options to <paramref name="configuration"/> (for example the
    /// <c>SmartECoupon</c> section of the host's configuration). Idempotent as <see cref="AddSmartECoupon(IServiceCollection)"/> is.
    /// </summary>
    public static ISmartECouponBuilder AddSmartECoupon(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var builder = services.AddSmartECoupon();
        services.AddOptions<SmartECouponOptions>().Bind(configuration);
        return builder;
    }
}

/// <summary>Marks a service collection in which SmartECoupon's core services are registered.</summary>
internal sealed class SmartECouponMarker;
