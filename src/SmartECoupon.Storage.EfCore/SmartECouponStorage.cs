using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
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

    /// <summary>
    /// Whether <paramref name="exception"/> (or one it wraps) says the database cannot be reached or cannot serve now: a
    /// refused or broken connection, a failover, too many connections, a busy SQLite file. Such a request did not
    /// complete any write it began (each commits whole or not at all); a host answers "retry later", not "error".
    /// </summary>
    public static bool IsUnavailable(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case NpgsqlException { IsTransient: true }:
                case PostgresException { SqlState: var state } when IsSwitchingOver(state):
                case SqliteException { SqliteErrorCode: 5 or 6 }: // SQLITE_BUSY, SQLITE_LOCKED
                    return true;
            }
        }
        return false;
    }

    /// <summary>
    /// The SQLSTATEs a server or a pooler answers while the database is away or changing hands, which Npgsql does not
    /// count as transient: a connection exception (class 08; PgBouncer says <c>server_login_retry</c> and its other
    /// refusals with 08P01), the server shutting down or not yet accepting connections (57P01–57P03), too many
    /// connections (53300), and a write that reached a standby during a switch-over (25006). None of them applied a write.
    /// </summary>
    private static bool IsSwitchingOver(string state) =>
        state.StartsWith("08", StringComparison.Ordinal) || state is "57P01" or "57P02" or "57P03" or "53300" or "25006";

    /// <summary>The configured provider.</summary>
    public StorageProvider Provider => _options.Provider;

    /// <summary>Applies pending migrations and prepares the database for requests.</summary>
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        if (_options.Provider == StorageProvider.Sqlite)
        {
            EnsureSqliteFolder(_options.EffectiveConnectionString);
        }
        var db = CreateOwnerContext();
        await using var dbScope = db.ConfigureAwait(false);
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(5));
        // Instances starting together must not both apply a migration. SQLite serialises through EF Core's own lock;
        // on PostgreSQL an advisory lock, held in a transaction of its own, covers the whole run.
        IAsyncDisposable migrationLock = _options.Provider == StorageProvider.PostgreSql
            ? await PostgreSqlMigrationLock.AcquireAsync(_options.OwnerOrMainConnectionString, cancellationToken).ConfigureAwait(false)
            : PostgreSqlMigrationLock.None;
        await using var lockScope = migrationLock.ConfigureAwait(false);
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
        var db = CreateOwnerContext();
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

    /// <summary>
    /// The owner's context: on the owner's own connection when one is configured (not pooled: it migrates at start and
    /// is gone), else the one connection string's.
    /// </summary>
    private SmartECouponDbContext CreateOwnerContext()
    {
        if (_options.Provider != StorageProvider.PostgreSql || _options.OwnerConnectionString is not { Length: > 0 } owner)
        {
            return _factory.Create(SessionScope.Owner);
        }
        var options = new DbContextOptionsBuilder<PostgreSqlSmartECouponDbContext>()
            .UseNpgsql(owner, npgsql => npgsql.CommandTimeout((int)_options.CommandTimeout.TotalSeconds))
            .Options;
        return new PostgreSqlSmartECouponDbContext(options) { Scope = SessionScope.Owner, TenantContext = _factory.TenantContext };
    }

    private async Task PrepareRequestRoleAsync(SmartECouponDbContext db, CancellationToken cancellationToken)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await PostgreSqlRequestRole.PrepareAsync(connection, _options, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await db.Database.CloseConnectionAsync().ConfigureAwait(false);
        }
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

/// <summary>
/// A PostgreSQL advisory lock held for the time migrations run: a transaction-level lock in a transaction kept open on a
/// connection of its own. A transaction holds its server session even behind a pooler in transaction mode, where a
/// session-level lock could be taken on one server session and released on another.
/// </summary>
internal sealed class PostgreSqlMigrationLock : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;

    private PostgreSqlMigrationLock(NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        _connection = connection;
        _transaction = transaction;
    }

    /// <summary>No lock (SQLite, where EF Core's own migration lock serialises instances).</summary>
    public static IAsyncDisposable None { get; } = new NoLock();

    private sealed class NoLock : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    public static async Task<PostgreSqlMigrationLock> AcquireAsync(string connectionString, CancellationToken cancellationToken)
    {
        // Not pooled: if the process dies, the lock ends with the session that held it.
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ToString());
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext('smartecoupon.migrate'))", connection, transaction);
            await using (command.ConfigureAwait(false))
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            return new PostgreSqlMigrationLock(connection, transaction);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            // The transaction wrote nothing: ending it releases the lock.
            await _transaction.RollbackAsync().ConfigureAwait(false);
        }
        finally
        {
            await _transaction.DisposeAsync().ConfigureAwait(false);
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
