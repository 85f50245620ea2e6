using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SmartECoupon.Storage.EfCore.Tenancy;

namespace SmartECoupon.Storage.EfCore.Repositories;

/// <summary>
/// SQLite: the redemption's writes on one connection of their own, kept open with its statements prepared.
/// </summary>
/// <remarks>
/// SQLite has one writer, and the writers of this process already queue on <see cref="SqliteWriteGate"/>, so one
/// connection serves every redemption without waiting on another. Keeping it open keeps its statements compiled:
/// Microsoft.Data.Sqlite compiles a command's SQL again for every new command and forgets it when the connection
/// closes, which on this path cost more than the writes. Everything else about the write is as on any connection:
/// <c>BEGIN IMMEDIATE</c>, the same pragmas, every statement naming the tenant, rollback on the first failed guard.
/// A restore copies pages into the live database file, which this connection then reads like any other. On PostgreSQL
/// nothing calls it, and it never opens a connection.
/// </remarks>
internal sealed class SqliteRedemptionWriter(IOptions<EfCoreStorageOptions> options, SqliteWriteGate gate) : IDisposable
{
    private readonly Dictionary<string, SqliteCommand> _prepared = new(StringComparer.Ordinal);
    private SqliteConnection? _connection;

    /// <summary>Runs the statements in one transaction; returns the first guard that failed (all rolled back), or null when committed.</summary>
    public async Task<RedemptionGuard?> WriteAsync(RedemptionStatements statements, CancellationToken cancellationToken)
    {
        using var entered = await gate.EnterAsync(StorageProvider.Sqlite, cancellationToken).ConfigureAwait(false);
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var transaction = connection.BeginTransaction(deferred: false);
        try
        {
            foreach (var (sql, parameters, guard) in statements.SqliteStatements())
            {
                var command = Prepared(connection, sql, parameters);
                command.Transaction = transaction;
                foreach (var (name, value) in parameters)
                {
                    command.Parameters[name].Value = RedemptionStatements.SqliteValue(value);
                }
                if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0 && guard is not null)
                {
                    transaction.Rollback();
                    return guard;
                }
            }
            transaction.Commit();
            return null;
        }
        catch
        {
            // Whatever failed (a lock held by another process past the timeout, a cancellation, a broken file), the next
            // redemption starts on a fresh connection rather than one in an unknown state.
            Reset();
            throw;
        }
        finally
        {
            transaction.Dispose();
        }
    }

    public void Dispose() => Reset();

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (_connection is { State: System.Data.ConnectionState.Open } open)
        {
            return open;
        }
        Reset();
        var storage = options.Value;
        var connection = new SqliteConnection(EfCoreStorageBuilderExtensions.SqliteConnectionString(storage));
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            using var command = connection.CreateCommand();
            command.CommandText = SqliteSessionInterceptor.PragmasFor(storage.SqliteSynchronous, storage.CommandTimeout);
            command.ExecuteNonQuery();
        }
        catch
        {
            connection.Dispose();
            throw;
        }
        _connection = connection;
        return connection;
    }

    private SqliteCommand Prepared(SqliteConnection connection, string sql, KeyValuePair<string, object?>[] parameters)
    {
        if (!_prepared.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            foreach (var (name, _) in parameters)
            {
                command.Parameters.Add(new SqliteParameter { ParameterName = name });
            }
            _prepared[sql] = command;
        }
        return command;
    }

    private void Reset()
    {
        foreach (var command in _prepared.Values)
        {
            command.Dispose();
        }
        _prepared.Clear();
        _connection?.Dispose();
        _connection = null;
    }
}
