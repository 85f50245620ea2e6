using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SmartECoupon;
using SmartECoupon.Coupons;
using SmartECoupon.Storage;
using SmartECoupon.Storage.EfCore;
using SmartECoupon.Storage.EfCore.Backup;
using SmartECoupon.Storage.EfCore.Repositories;
using SmartECoupon.Storage.EfCore.Tenancy;
using SmartECoupon.Tenancy;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the EF Core adapter on SmartECoupon's builder.</summary>
public static class EfCoreStorageBuilderExtensions
{
    /// <summary>
    /// Stores SmartECoupon's data with EF Core on the configured provider (SQLite by default). Idempotent: a second call
    /// only adds its configuration. Call <see cref="SmartECouponStorage.MigrateAsync"/> once at start.
    /// </summary>
    public static ISmartECouponBuilder AddEntityFrameworkCoreStores(this ISmartECouponBuilder builder, Action<EfCoreStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        return builder.AddEntityFrameworkCoreStoresCore();
    }

    /// <summary>
    /// Stores SmartECoupon's data with EF Core, with options bound from <paramref name="configuration"/> (for example the
    /// <c>SmartECoupon:Storage</c> section). Idempotent.
    /// </summary>
    public static ISmartECouponBuilder AddEntityFrameworkCoreStores(this ISmartECouponBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        builder.Services.AddOptions<EfCoreStorageOptions>().Bind(configuration);
        return builder.AddEntityFrameworkCoreStoresCore();
    }

    private static ISmartECouponBuilder AddEntityFrameworkCoreStoresCore(this ISmartECouponBuilder builder)
    {
        var services = builder.Services;
        if (services.Any(d => d.ServiceType == typeof(SmartECouponDbContextFactory)))
        {
            return builder;
        }
        services.AddOptions<EfCoreStorageOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EfCoreStorageOptions>, EfCoreStorageOptionsValidator>());

        services.AddPooledDbContextFactory<SqliteSmartECouponDbContext>((sp, options) =>
        {
            var storage = sp.GetRequiredService<IOptions<EfCoreStorageOptions>>().Value;
            options.UseSqlite(SqliteConnectionString(storage), sqlite => sqlite.CommandTimeout((int)storage.CommandTimeout.TotalSeconds))
                .AddInterceptors(new SqliteSessionInterceptor(storage.SqliteSynchronous, storage.CommandTimeout));
        });
        services.AddSingleton(sp =>
        {
            var storage = sp.GetRequiredService<IOptions<EfCoreStorageOptions>>().Value;
            return new PostgreSqlConnections(storage.EffectiveConnectionString, storage.PoolerMode);
        });
        services.AddKeyedSingleton(PostgreSqlConnections.PlatformKey, (sp, _) =>
        {
            var storage = sp.GetRequiredService<IOptions<EfCoreStorageOptions>>().Value;
            return new PostgreSqlConnections(storage.SeparatePlatformConnectionString ?? storage.EffectiveConnectionString, storage.PoolerMode);
        });
        services.AddPooledDbContextFactory<PostgreSqlSmartECouponDbContext>((sp, options) =>
        {
            var storage = sp.GetRequiredService<IOptions<EfCoreStorageOptions>>().Value;
            options.UseNpgsql(sp.GetRequiredService<PostgreSqlConnections>().DataSource, npgsql => npgsql.CommandTimeout((int)storage.CommandTimeout.TotalSeconds))
                .AddInterceptors(PostgreSqlSessionInterceptor.Instance);
        });

        services.AddSingleton<SqliteWriteGate>();
        services.AddSingleton<SqliteRedemptionWriter>();
        services.AddSingleton(sp =>
        {
            var storage = sp.GetRequiredService<IOptions<EfCoreStorageOptions>>().Value;
            var provider = storage.Provider;
            Func<SmartECouponDbContext> create = provider == StorageProvider.PostgreSql
                ? () => sp.GetRequiredService<IDbContextFactory<PostgreSqlSmartECouponDbContext>>().CreateDbContext()
                : () => sp.GetRequiredService<IDbContextFactory<SqliteSmartECouponDbContext>>().CreateDbContext();
            Func<SmartECouponDbContext>? createPlatform = null;
            if (provider == StorageProvider.PostgreSql && storage.SeparatePlatformConnectionString is not null)
            {
                var platform = new DbContextOptionsBuilder<PostgreSqlSmartECouponDbContext>()
                    .UseNpgsql(sp.GetRequiredKeyedService<PostgreSqlConnections>(PostgreSqlConnections.PlatformKey).DataSource,
                        npgsql => npgsql.CommandTimeout((int)storage.CommandTimeout.TotalSeconds))
                    .AddInterceptors(PostgreSqlSessionInterceptor.Instance)
                    .Options;
                createPlatform = () => new PostgreSqlSmartECouponDbContext(platform);
            }
            return new SmartECouponDbContextFactory(create, sp.GetRequiredService<ITenantContext>(), provider, sp.GetRequiredService<SqliteWriteGate>(), storage.RequestRole, createPlatform);
        });
        services.AddSingleton<CrossTenantAccess>();
        // PostgreSQL: the instances that listen for each other's changes are the instances that share the plan's limits.
        if (services.LastOrDefault(d => d.ServiceType == typeof(IRunningInstances))?.ImplementationType == typeof(SingleRunningInstance))
        {
            services.Replace(ServiceDescriptor.Singleton<IRunningInstances>(sp =>
                sp.GetRequiredService<ITenancyChangeFeed>() as IRunningInstances ?? new SingleRunningInstance()));
        }
        // PostgreSQL: the guessing guard counts in the database, for every instance; SQLite keeps the in-process count.
        var earlierAttempts = services.LastOrDefault(d => d.ServiceType == typeof(ILookupAttemptStore));
        if (earlierAttempts?.ImplementationType == typeof(InProcessLookupAttemptStore))
        {
            services.Replace(ServiceDescriptor.Singleton<ILookupAttemptStore>(sp =>
                sp.GetRequiredService<IOptions<EfCoreStorageOptions>>().Value.Provider == StorageProvider.PostgreSql
                    ? new EfLookupAttemptStore(sp.GetRequiredService<SmartECouponDbContextFactory>())
                    : new InProcessLookupAttemptStore(sp.GetRequiredService<ITenantContext>())));
        }
        // Coupon images in the database, so that every instance serves them, unless the application chose its own store.
        // The default file store stays as where images of an earlier version are still read from.
        var earlier = services.LastOrDefault(d => d.ServiceType == typeof(ICouponImageStorage));
        if (earlier is null || earlier.ImplementationFactory?.Method.Module.Assembly == typeof(ICouponImageStorage).Assembly)
        {
            services.Replace(ServiceDescriptor.Singleton<ICouponImageStorage>(sp => new EfCouponImageStorage(
                sp.GetRequiredService<SmartECouponDbContextFactory>(),
                earlier?.ImplementationFactory?.Invoke(sp) as ICouponImageStorage)));
        }
        // On PostgreSQL the caches' changes travel between instances, unless the application plugged in a feed of its own.
        if (services.LastOrDefault(d => d.ServiceType == typeof(ITenancyChangeFeed)) is not { } feed || feed.ImplementationType == typeof(InProcessTenancyChangeFeed))
        {
            services.Replace(ServiceDescriptor.Singleton<ITenancyChangeFeed>(sp =>
            {
                var storage = sp.GetRequiredService<IOptions<EfCoreStorageOptions>>().Value;
                return storage.Provider == StorageProvider.PostgreSql
                    ? new PostgreSqlTenancyChangeFeed(
                        storage.ListenConnectionString is { Length: > 0 } listen ? listen : storage.EffectiveConnectionString,
                        sp.GetRequiredService<PostgreSqlConnections>().DataSource,
                        sp.GetService<ILogger<PostgreSqlTenancyChangeFeed>>() ?? NullLogger<PostgreSqlTenancyChangeFeed>.Instance)
                    : new InProcessTenancyChangeFeed();
            }));
        }
        services.AddSingleton(sp => new SmartECouponStorage(
            sp.GetRequiredService<SmartECouponDbContextFactory>(),
            sp.GetRequiredService<IOptions<EfCoreStorageOptions>>(),
            sp.GetService<ILogger<SmartECouponStorage>>() ?? NullLogger<SmartECouponStorage>.Instance));

        services.TryAddSingleton<ITenantRepository, EfTenantRepository>();
        services.TryAddSingleton<IOperatorRepository, EfOperatorRepository>();
        services.TryAddSingleton<IMemberRepository, EfMemberRepository>();
        services.TryAddSingleton<IStoreRepository, EfStoreRepository>();
        services.TryAddSingleton<ICouponRepository, EfCouponRepository>();
        services.TryAddSingleton<ITicketRepository, EfTicketRepository>();
        services.TryAddSingleton<IOneTimeCodeRepository, EfOneTimeCodeRepository>();
        services.TryAddSingleton<IRedemptionRepository, EfRedemptionRepository>();
        services.TryAddSingleton<IIdempotencyRepository, EfIdempotencyRepository>();
        services.TryAddSingleton<IAuditLog, EfAuditLog>();
        services.TryAddSingleton<ITenantDataSource, EfTenantDataSource>();
        services.TryAddSingleton<ICodeJobRepository, EfCodeJobRepository>();
        services.TryAddSingleton<ITenantSettingsRepository, EfTenantSettingsRepository>();
        services.TryAddSingleton<IMaintenanceNoticeRepository, EfMaintenanceNoticeRepository>();
        services.TryAddSingleton<IIncidentRepository, EfIncidentRepository>();
        services.TryAddSingleton<IOutageRepository, EfOutageRepository>();
        services.TryAddSingleton<IOutbox, EfOutbox>();
        services.TryAddSingleton<ITenantDirectory, EfTenantDirectory>();
        services.TryAddSingleton<ITenantPurgeRepository, EfTenantPurgeRepository>();
        services.TryAddSingleton<IJobLease, EfJobLease>();
        services.TryAddSingleton<TenantFootprint>();
        services.TryAddSingleton<IDatabaseBackup>(sp => sp.GetRequiredService<IOptions<EfCoreStorageOptions>>().Value.Provider == StorageProvider.PostgreSql
            ? new PostgreSqlDatabaseBackup(sp.GetRequiredService<IOptions<EfCoreStorageOptions>>(), sp.GetRequiredService<PostgreSqlConnections>(), sp.GetRequiredService<TenantFootprint>())
            : new SqliteDatabaseBackup(sp.GetRequiredService<IOptions<EfCoreStorageOptions>>(), sp.GetRequiredService<SqliteWriteGate>(), sp.GetRequiredService<TenantFootprint>()));
        return builder;
    }

    /// <summary>The SQLite connection string every connection of the adapter uses.</summary>
    internal static string SqliteConnectionString(EfCoreStorageOptions storage)
    {
        var connection = new SqliteConnectionStringBuilder(storage.EffectiveConnectionString);
        // The implicit commands (BEGIN among them) wait this long for another process's write lock.
        connection.DefaultTimeout = (int)storage.CommandTimeout.TotalSeconds;
        connection.Pooling = true;
        return connection.ToString();
    }
}

internal sealed class EfCoreStorageOptionsValidator : IValidateOptions<EfCoreStorageOptions>
{
    public ValidateOptionsResult Validate(string? name, EfCoreStorageOptions options)
    {
        var failures = new List<string>();
        if (options.Provider == StorageProvider.PostgreSql && string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            failures.Add("Storage:ConnectionString is required for PostgreSQL (ConnectionStrings:SmartECoupon).");
        }
        if (options.Provider == StorageProvider.PostgreSql && options.PoolerMode == PostgreSqlPoolerMode.Transaction && string.IsNullOrWhiteSpace(options.ListenConnectionString))
        {
            failures.Add("Storage:ListenConnectionString is required with PoolerMode=Transaction (ConnectionStrings:SmartECouponListen): LISTEN holds a session, which a transaction pooler does not keep; give a direct connection to PostgreSQL.");
        }
        if (string.IsNullOrWhiteSpace(options.RequestRole) || options.RequestRole.Length > 63)
        {
            failures.Add("Storage:RequestRole must be a PostgreSQL role name of 1 to 63 characters.");
        }
        if (options.SqliteSynchronous.ToUpperInvariant() is not ("FULL" or "NORMAL" or "EXTRA" or "OFF"))
        {
            failures.Add($"Storage:SqliteSynchronous must be FULL, NORMAL, EXTRA or OFF (was '{options.SqliteSynchronous}').");
        }
        if (options.CommandTimeout < TimeSpan.FromSeconds(1))
        {
            failures.Add("Storage:CommandTimeout must be at least 1 second.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
