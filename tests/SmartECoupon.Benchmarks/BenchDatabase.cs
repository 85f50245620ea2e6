using Microsoft.Extensions.Logging;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SmartECoupon.Storage.EfCore;

/// <summary>A fresh, migrated database for one provider, with a work folder (backups), removed afterwards.</summary>
internal sealed class BenchDatabase : IAsyncDisposable
{
    private readonly string? _adminConnection;
    private readonly string? _databaseName;

    private BenchDatabase(ServiceProvider services, string folder, string connectionString, string? adminConnection, string? databaseName)
    {
        Services = services;
        Folder = folder;
        ConnectionString = connectionString;
        _adminConnection = adminConnection;
        _databaseName = databaseName;
    }

    public ServiceProvider Services { get; }

    /// <summary>
    /// PostgreSQL, when <c>SMARTECOUPON_BENCH_PGBOUNCER</c> names a PgBouncer in transaction mode in front of the same
    /// server (.ci/run starts one): the library's services on this database through it.
    /// </summary>
    public ServiceProvider? PoolerServices { get; private init; }

    public string Folder { get; }

    public string ConnectionString { get; }

    public string BackupFolder => Path.Combine(Folder, "backups");

    /// <summary>
    /// The guessing guard's limit in the benchmark. Its attempts are taken and given back on every look-up (measured, on
    /// PostgreSQL two statements), but one member's key drives up to 32 workers here, as a shop's integration would, and
    /// the default 20 attempts at once would turn some of them away.
    /// </summary>
    public const int GuessingGuardLimit = 1_000_000;

    /// <summary>Set by <c>--trace-sql</c>: EF Core's command log goes to the console while it is enabled.</summary>
    public static SqlTraceLoggerProvider? SqlTrace { get; set; }

    public static async Task<BenchDatabase> CreateAsync(StorageProvider provider, string? postgres)
    {
        var folder = Path.Combine(Path.GetTempPath(), "smartecoupon-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        string connectionString;
        string? name = null;
        if (provider == StorageProvider.Sqlite)
        {
            connectionString = $"Data Source={Path.Combine(folder, "bench.db")}";
        }
        else
        {
            name = "secbench_" + Guid.NewGuid().ToString("N")[..12];
            await using (var admin = new NpgsqlConnection(postgres))
            {
                await admin.OpenAsync();
                await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
                await create.ExecuteNonQueryAsync();
            }
            connectionString = new NpgsqlConnectionStringBuilder(postgres) { Database = name }.ToString();
        }
        var built = Build(provider, connectionString, folder, PostgreSqlPoolerMode.None);
        await built.GetRequiredService<SmartECouponStorage>().MigrateAsync();
        var pooler = provider == StorageProvider.PostgreSql && Environment.GetEnvironmentVariable("SMARTECOUPON_BENCH_PGBOUNCER") is { Length: > 0 } bouncer
            ? new NpgsqlConnectionStringBuilder(bouncer)
            : null;
        return new BenchDatabase(built, folder, connectionString, provider == StorageProvider.PostgreSql ? postgres : null, name)
        {
            PoolerServices = pooler is null
                ? null
                : Build(provider, new NpgsqlConnectionStringBuilder(connectionString) { Host = pooler.Host, Port = pooler.Port }.ToString(), folder, PostgreSqlPoolerMode.Transaction, connectionString),
        };
    }

    private static ServiceProvider Build(StorageProvider provider, string connectionString, string folder, PostgreSqlPoolerMode poolerMode, string? listenConnectionString = null)
    {
        var services = new ServiceCollection();
        if (SqlTrace is not null)
        {
            services.AddLogging(logging => logging.AddProvider(SqlTrace).SetMinimumLevel(Microsoft.Extensions.Logging.LogLevel.Debug));
        }
        services.AddSmartECoupon(o =>
        {
            o.Backups.Folder = Path.Combine(folder, "backups");
            o.LookupGuard.MaxFailures = GuessingGuardLimit;
        }).AddEntityFrameworkCoreStores(o =>
        {
            o.Provider = provider;
            o.ConnectionString = connectionString;
            o.PoolerMode = poolerMode;
            o.ListenConnectionString = listenConnectionString;
        });
        return services.BuildServiceProvider();
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        if (PoolerServices is not null)
        {
            await PoolerServices.DisposeAsync();
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(Folder, recursive: true);
        if (_adminConnection is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(_adminConnection);
            await admin.OpenAsync();
            // A closed connection's server process ends a moment later; one of the request role's may not be ended by the
            // owner (FORCE needs pg_signal_backend for it), so the drop waits for them to go (at most 10 seconds).
            for (var waited = 0; waited < 100; waited++)
            {
                await using var remaining = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE datname = @name", admin);
                remaining.Parameters.AddWithValue("name", _databaseName!);
                if ((long)(await remaining.ExecuteScalarAsync())! == 0)
                {
                    break;
                }
                await Task.Delay(100);
            }
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_databaseName} WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
