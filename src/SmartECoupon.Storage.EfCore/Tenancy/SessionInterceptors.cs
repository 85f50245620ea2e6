using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace SmartECoupon.Storage.EfCore.Tenancy;

/// <summary>
/// PostgreSQL: enters every transaction into the context's session before its first statement runs. The role and the
/// tenant are set for the transaction only (<c>set_config(..., true)</c>, through the procedure
/// <c>smartecoupon_enter</c>), so nothing outlives the transaction on its connection: the next one, on this physical
/// connection or any other a pooler hands out, starts with no tenant, and the policies admit nothing.
/// </summary>
/// <remarks>
/// <para>The statement goes in front of the first command of each transaction, in the same round trip: a command outside
/// an explicit transaction runs with it in one implicit transaction (Npgsql sends a command's statements with one Sync),
/// and in an explicit one the later commands need nothing more. <c>CALL</c> returns no result set and affects no rows,
/// so readers, scalars and row counts see only the command's own statements.</para>
/// <para>The exception is a transaction whose first command is a SaveChanges batch, which EF reads statement by
/// statement: it is entered by the statement alone just before (with Npgsql's deferred <c>BEGIN</c>, one round trip),
/// and so every SaveChanges runs in a transaction. A rollback to a savepoint may undo the setting, so the next command
/// sets it again.</para>
/// <para>Commands the adapter builds on the context's connection itself (the redemption function) call
/// <see cref="Enter"/>. The owner's session (migrations) is entered into nothing: it runs as the login.</para>
/// </remarks>
internal sealed class PostgreSqlSessionInterceptor : DbCommandInterceptor, IDbTransactionInterceptor
{
    public const string TenantSetting = "smartecoupon.tenant_id";

    /// <summary>The procedure that sets the role and the tenant for the current transaction.</summary>
    public const string EnterProcedure = "smartecoupon_enter";

    private const string RoleParameter = "smartecoupon_session_role";
    private const string TenantParameter = "smartecoupon_session_tenant";
    private const string EnterStatement = $"CALL {EnterProcedure}(@{RoleParameter}, @{TenantParameter})";

    public static PostgreSqlSessionInterceptor Instance { get; } = new();

    private PostgreSqlSessionInterceptor()
    {
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        using var first = EnterTransaction(command, eventData);
        first?.ExecuteNonQuery();
        return result;
    }

    public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        await RunAsync(EnterTransaction(command, eventData), cancellationToken).ConfigureAwait(false);
        return result;
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        using var first = EnterTransaction(command, eventData);
        first?.ExecuteNonQuery();
        return result;
    }

    public override async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        await RunAsync(EnterTransaction(command, eventData), cancellationToken).ConfigureAwait(false);
        return result;
    }

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        using var first = EnterTransaction(command, eventData);
        first?.ExecuteNonQuery();
        return result;
    }

    public override async ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        await RunAsync(EnterTransaction(command, eventData), cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>
    /// Enters <paramref name="command"/>'s transaction, unless it is entered already: by putting the session statement
    /// in front of the command, or, for a SaveChanges batch, by returning the statement to run just before it.
    /// </summary>
    private static NpgsqlCommand? EnterTransaction(DbCommand command, CommandEventData eventData)
    {
        if (eventData.Context is not SmartECouponDbContext { Scope: not SessionScope.Owner } db)
        {
            return null;
        }
        var transaction = command.Transaction;
        if (transaction is not null && ReferenceEquals(db.EnteredTransaction, transaction))
        {
            return null;
        }
        NpgsqlCommand? first = null;
        if (eventData.CommandSource == CommandSource.SaveChanges)
        {
            // EF reads a SaveChanges batch's row counts by statement index: nothing may go in front of it.
            if (transaction is null)
            {
                throw new InvalidOperationException("SmartECoupon runs every SaveChanges in a transaction on PostgreSQL (AutoTransactionBehavior.Always).");
            }
            first = (NpgsqlCommand)command.Connection!.CreateCommand();
            first.Transaction = (NpgsqlTransaction)transaction;
            first.CommandText = "";
            Enter(first, db);
        }
        else
        {
            Enter(command, db);
        }
        db.EnteredTransaction = transaction;
        return first;
    }

    private static async ValueTask RunAsync(NpgsqlCommand? first, CancellationToken cancellationToken)
    {
        if (first is not null)
        {
            await using (first.ConfigureAwait(false))
            {
                await first.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Puts the session statement of <paramref name="db"/>'s scope in front of <paramref name="command"/>'s text (which
    /// may be empty), to run in the same round trip and the same transaction.
    /// </summary>
    public static void Enter(DbCommand command, SmartECouponDbContext db)
    {
        // Named parameters make Npgsql split the text into statements; a positional one ($1) would make it send the
        // text as one statement, which PostgreSQL refuses with two in it. EF names every parameter; this guards the rest.
        foreach (DbParameter parameter in command.Parameters)
        {
            if (string.IsNullOrEmpty(parameter.ParameterName))
            {
                throw new InvalidOperationException("A PostgreSQL command of SmartECoupon must name its parameters (@name), so that its session can be set in the same round trip.");
            }
        }
        // The platform role crosses tenants by its own policy; a tenant's transaction is the request role with its tenant.
        var (role, tenantId) = db.Scope == SessionScope.AllTenants ? (RowLevelSecurity.PlatformRole, "") : (db.RequestRole, db.CurrentTenantId ?? "");
        command.CommandText = command.CommandText is { Length: > 0 } text ? EnterStatement + ";\n" + text : EnterStatement;
        command.Parameters.Add(new NpgsqlParameter(RoleParameter, NpgsqlTypes.NpgsqlDbType.Text) { Value = role });
        command.Parameters.Add(new NpgsqlParameter(TenantParameter, NpgsqlTypes.NpgsqlDbType.Text) { Value = tenantId });
    }

    // A new transaction (even on a reused transaction object), its end, or a rollback to a savepoint: enter again.
    public DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result) => Forget(eventData, result);

    public ValueTask<DbTransaction> TransactionStartedAsync(DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Forget(eventData, result));

    public DbTransaction TransactionUsed(DbConnection connection, TransactionEventData eventData, DbTransaction result) => Forget(eventData, result);

    public ValueTask<DbTransaction> TransactionUsedAsync(DbConnection connection, TransactionEventData eventData, DbTransaction result, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Forget(eventData, result));

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Forget(eventData, transaction);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData, transaction);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Forget(eventData, transaction);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData, transaction);
        return Task.CompletedTask;
    }

    public void RolledBackToSavepoint(DbTransaction transaction, TransactionEventData eventData) => Forget(eventData, transaction);

    public Task RolledBackToSavepointAsync(DbTransaction transaction, TransactionEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData, transaction);
        return Task.CompletedTask;
    }

    private static DbTransaction Forget(TransactionEventData eventData, DbTransaction transaction)
    {
        if (eventData.Context is SmartECouponDbContext db)
        {
            db.EnteredTransaction = null;
        }
        return transaction;
    }

    public static string QuoteIdentifier(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}

/// <summary>
/// The connections EF uses on PostgreSQL: a data source of their own. Nothing lives in a session between transactions,
/// so the pool does not reset sessions on return (<c>No Reset On Close</c>, a round trip saved). On a direct connection
/// statements used twice are prepared on their connection, unless the connection string says otherwise; behind a
/// transaction pooler (<see cref="PostgreSqlPoolerMode.Transaction"/>) nothing is prepared on the server, since the
/// next transaction may run on a server connection that never saw the statement. Nothing else shares this pool:
/// backups, the migrations' lock and tests open connections of their own.
/// </summary>
internal sealed class PostgreSqlConnections : IDisposable
{
    /// <summary>The key of the platform login's connections, when the owner is kept apart.</summary>
    public const string PlatformKey = "platform";

    public PostgreSqlConnections(string connectionString, PostgreSqlPoolerMode poolerMode)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.ConnectionStringBuilder.NoResetOnClose = true;
        if (poolerMode == PostgreSqlPoolerMode.Transaction)
        {
            builder.ConnectionStringBuilder.MaxAutoPrepare = 0;
        }
        else if (!Names(connectionString, "Max Auto Prepare", "MaxAutoPrepare"))
        {
            // The same few statements run on every request; planning each anew costs more than running it (a
            // redemption's look-up plans in ~0.7 ms and runs in ~0.05 ms).
            builder.ConnectionStringBuilder.MaxAutoPrepare = 64;
            builder.ConnectionStringBuilder.AutoPrepareMinUsages = 2;
        }
        DataSource = builder.Build();
    }

    public NpgsqlDataSource DataSource { get; }

    private static bool Names(string connectionString, params string[] keys)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        return keys.Any(given.ContainsKey);
    }

    /// <summary>Closes the idle connections (after a restore replaced the tables they saw).</summary>
    public void Clear() => DataSource.Clear();

    public void Dispose() => DataSource.Dispose();
}

/// <summary>
/// SQLite: the pragmas every connection needs (the journal mode is set once, at migration). They belong to the database
/// handle, which the connection pool keeps open between uses, so each handle gets them once rather than at every opening.
/// </summary>
internal sealed class SqliteSessionInterceptor(string synchronous, TimeSpan busyTimeout) : DbConnectionInterceptor
{
    private readonly string _pragmas = PragmasFor(synchronous, busyTimeout);

    /// <summary>What every connection to the database runs once when it is opened.</summary>
    internal static string PragmasFor(string synchronous, TimeSpan busyTimeout) =>
        $"PRAGMA synchronous = {Synchronous(synchronous)}; PRAGMA busy_timeout = {(int)busyTimeout.TotalMilliseconds}; PRAGMA foreign_keys = ON;";

    private readonly ConditionalWeakTable<SQLitePCL.sqlite3, object> _prepared = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (NeedsPragmas(connection))
        {
            using var command = connection.CreateCommand();
            command.CommandText = _pragmas;
            command.ExecuteNonQuery();
            Prepared(connection);
        }
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (NeedsPragmas(connection))
        {
            var command = connection.CreateCommand();
            await using (command.ConfigureAwait(false))
            {
                command.CommandText = _pragmas;
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            Prepared(connection);
        }
    }

    private bool NeedsPragmas(DbConnection connection) =>
        connection is not Microsoft.Data.Sqlite.SqliteConnection { Handle: { } handle } || !_prepared.TryGetValue(handle, out _);

    private void Prepared(DbConnection connection)
    {
        if (connection is Microsoft.Data.Sqlite.SqliteConnection { Handle: { } handle })
        {
            _prepared.AddOrUpdate(handle, this);
        }
    }

    private static string Synchronous(string value) => value.ToUpperInvariant() switch
    {
        "FULL" or "NORMAL" or "EXTRA" or "OFF" => value.ToUpperInvariant(),
        _ => throw new ArgumentException($"'{value}' is not a SQLite synchronous mode (FULL, NORMAL, EXTRA, OFF).", nameof(value)),
    };
}
