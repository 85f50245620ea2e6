using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SmartECoupon.Storage.EfCore.Tenancy;

namespace SmartECoupon.Storage.EfCore;

/// <summary>
/// Prepares the database: applies the migrations of the configured provider, and on PostgreSQL creates the request role
/// and grants it what it needs. Safe to run at every start and from several instances at once: EF Core takes a database
/// lock around migrations, and the PostgreSQL set-up runs under an advisory lock.
/// </summary>
public sealed partial class SmartECouponStorage
{
    private readonly SmartECouponDbContextFactory _factory;
    private readonly EfCoreStorageOptions _options;
    private readonly ILogger<SmartECouponStorage> _logger;

    internal SmartECouponStorage(SmartECouponDbContextFactory factory, IOptions<EfCoreStorageOptions> options, ILogger<SmartECouponStorage> logger)
    {
        _factory = factory;
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>The configured provider.</summary>
    public StorageProvider Provider => _options.Provider;

    /// <summary>Applies pending migrations and prepares the database for requests.</summary>
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        if (_options.Provider == StorageProvider.Sqlite)
        {
            EnsureSqliteFolder(_options.EffectiveConnectionString);
        }
        var db = _factory.Create(SessionScope.Owner);
        await using var dbScope = db.ConfigureAwait(false);
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(5));
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken).ConfigureAwait(false)).ToList();
        await db.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
        Log.Migrated(_logger, _options.Provider, pending.Count);
        if (_options.Provider == StorageProvider.Sqlite)
        {
            // WAL lets readers go on while the one writer writes; the mode is stored in the file once set.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode = WAL;", cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await PrepareRequestRoleAsync(db, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The migrations the database has not applied yet.</summary>
    public async Task<IReadOnlyList<string>> GetPendingMigrationsAsync(CancellationToken cancellationToken = default)
    {
        var db = _factory.Create(SessionScope.Owner);
        await using var dbScope = db.ConfigureAwait(false);
        return (await db.Database.GetPendingMigrationsAsync(cancellationToken).ConfigureAwait(false)).ToList();
    }

    /// <summary>Whether the database answers a trivial query (for readiness checks).</summary>
    public async Task<bool> CanConnectAsync(CancellationToken cancellationToken = default)
    {
        var db = _factory.Create(SessionScope.Tenant);
        await using var dbScope = db.ConfigureAwait(false);
        return await db.Database.CanConnectAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task PrepareRequestRoleAsync(SmartECouponDbContext db, CancellationToken cancellationToken)
    {
        var role = PostgreSqlSessionInterceptor.QuoteIdentifier(_options.RequestRole);
        var roleLiteral = _options.RequestRole.Replace("'", "''", StringComparison.Ordinal);
        // Row-level security binds this role: it owns no table and cannot bypass policies. The login that migrates may
        // SET ROLE to it. Everything here is idempotent and serialised across instances by an advisory lock.
        var sql = string.Format(CultureInfo.InvariantCulture, """
            SELECT pg_advisory_xact_lock(hashtext('smartecoupon.prepare_request_role'));
            DO $$
            BEGIN
              -- Roles belong to the cluster, advisory locks to one database: another database's set-up may create the
              -- role at the same moment, which is as good as creating it here.
              BEGIN
                IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{1}') THEN
                  CREATE ROLE {0} NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
                END IF;
              EXCEPTION WHEN duplicate_object OR unique_violation THEN
                NULL;
              END;
              IF NOT pg_has_role(current_user, '{1}', 'MEMBER') THEN
                EXECUTE format('GRANT %I TO %I', '{1}', current_user);
              END IF;
            END $$;
            GRANT USAGE ON SCHEMA public TO {0};
            GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {0};
            GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {0};
            REVOKE ALL ON TABLE "__EFMigrationsHistory" FROM {0};
            """, role, roleLiteral);
        var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var transactionScope = transaction.ConfigureAwait(false);
        await db.Database.ExecuteSqlRawAsync(sql, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        Log.RequestRolePrepared(_logger, _options.RequestRole);
    }

    private static void EnsureSqliteFolder(string connectionString)
    {
        var dataSource = new SqliteConnectionStringBuilder(connectionString).DataSource;
        if (string.IsNullOrEmpty(dataSource) || dataSource == ":memory:" || dataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }
        var folder = Path.GetDirectoryName(Path.GetFullPath(dataSource));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "SmartECoupon storage ({Provider}) is up to date; {Applied} migration(s) applied.")]
        public static partial void Migrated(ILogger logger, StorageProvider provider, int applied);

        [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "PostgreSQL request role {Role} is ready.")]
        public static partial void RequestRolePrepared(ILogger logger, string role);
    }
}
