using Microsoft.EntityFrameworkCore;
using SmartECoupon.Tenancy;

namespace SmartECoupon.Storage.EfCore;

/// <summary>
/// Hands out pooled contexts of the configured provider, each bound to the tenant context and to a session scope. The
/// tenant is not captured: the filter and the PostgreSQL session read it at each query and each connection opening.
/// </summary>
internal sealed class SmartECouponDbContextFactory
{
    private readonly Func<SmartECouponDbContext> _create;
    private readonly ITenantContext _tenantContext;

    private readonly string _requestRole;
    private readonly Func<SmartECouponDbContext>? _createPlatform;

    public SmartECouponDbContextFactory(Func<SmartECouponDbContext> create, ITenantContext tenantContext, StorageProvider provider, SqliteWriteGate writeGate, string requestRole,
        Func<SmartECouponDbContext>? createPlatform = null)
    {
        _create = create;
        _createPlatform = createPlatform;
        _requestRole = requestRole;
        _tenantContext = tenantContext;
        Provider = provider;
        WriteGate = writeGate;
    }

    public StorageProvider Provider { get; }

    public SqliteWriteGate WriteGate { get; }

    public ITenantContext TenantContext => _tenantContext;

    /// <summary>A context for the current tenant only.</summary>
    public SmartECouponDbContext ForTenant() => Create(SessionScope.Tenant);

    /// <summary>
    /// A context in the platform session, for platform tables (operators, notices, incidents, outages, job leases): the
    /// request role may only read some of them, and writes none. Tenant tables stay invisible through EF's tenant filter.
    /// </summary>
    public SmartECouponDbContext ForPlatform() => Create(SessionScope.AllTenants);

    /// <summary>A context in a given session. Only <see cref="Tenancy.CrossTenantAccess"/> (every tenant) and the migrator (the owner) call this.</summary>
    internal SmartECouponDbContext Create(SessionScope scope)
    {
        // The platform session logs in apart when the owner is kept apart: the request login cannot take the platform role.
        var db = scope == SessionScope.AllTenants && _createPlatform is not null ? _createPlatform() : _create();
        db.TenantContext = _tenantContext;
        db.Scope = scope;
        db.RequestRole = _requestRole;
        db.EnteredTransaction = null;
        if (Provider == StorageProvider.PostgreSql && scope != SessionScope.Owner)
        {
            // The session is set per transaction, so every SaveChanges needs one (see PostgreSqlSessionInterceptor).
            db.Database.AutoTransactionBehavior = AutoTransactionBehavior.Always;
        }
        return db;
    }
}

/// <summary>
/// SQLite has one writer per database. Writers of this process queue here, asynchronously, rather than spinning on
/// SQLITE_BUSY; the busy timeout still covers writers in other processes.
/// </summary>
internal sealed class SqliteWriteGate : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async ValueTask<IDisposable> EnterAsync(StorageProvider provider, CancellationToken cancellationToken)
    {
        if (provider != StorageProvider.Sqlite)
        {
            return NoGate.Instance;
        }
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Release(_gate);
    }

    public void Dispose() => _gate.Dispose();

    private sealed class Release(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }
        }
    }

    private sealed class NoGate : IDisposable
    {
        public static readonly NoGate Instance = new();

        public void Dispose()
        {
        }
    }
}

/// <summary>A write transaction: the SQLite write gate (when it applies) and the database transaction, released together.</summary>
internal sealed class WriteTransaction : IAsyncDisposable
{
    private readonly IDisposable _gate;
    private readonly Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction _transaction;

    private WriteTransaction(IDisposable gate, Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction transaction)
    {
        _gate = gate;
        _transaction = transaction;
    }

    public static async Task<WriteTransaction> BeginAsync(SmartECouponDbContext db, SqliteWriteGate gate, CancellationToken cancellationToken)
    {
        var entered = await gate.EnterAsync(db.Provider, cancellationToken).ConfigureAwait(false);
        try
        {
            // No savepoint around each SaveChanges: no store continues a transaction after a failed statement (PostgreSQL
            // aborts it anyway), and on PostgreSQL each SAVEPOINT and RELEASE is a round trip of its own.
            db.Database.AutoSavepointsEnabled = false;
            // SQLite: BEGIN IMMEDIATE (the default isolation), taking the write lock up front so a read cannot later
            // fail to upgrade. PostgreSQL: READ COMMITTED, where a guarded UPDATE re-checks its WHERE after waiting.
            var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            return new WriteTransaction(entered, transaction);
        }
        catch
        {
            entered.Dispose();
            throw;
        }
    }

    public Task CommitAsync(CancellationToken cancellationToken) => _transaction.CommitAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _transaction.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            _gate.Dispose();
        }
    }
}
