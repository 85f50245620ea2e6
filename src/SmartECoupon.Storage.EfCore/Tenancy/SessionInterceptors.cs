using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace SmartECoupon.Storage.EfCore.Tenancy;

/// <summary>
/// PostgreSQL: puts every opened connection into the right session before EF uses it. Tenant and cross-tenant sessions
/// switch to the request role (no table ownership, no BYPASSRLS), so row-level security binds them; the owner's session
/// (migrations) stays as it is. The tenant is set at every opening, so a connection taken from the pool never carries
/// another request's tenant, whatever the pool did or did not reset.
/// </summary>
internal sealed class PostgreSqlSessionInterceptor(string requestRole) : DbConnectionInterceptor
{
    public const string TenantSetting = "smartecoupon.tenant_id";
    public const string ScopeSetting = "smartecoupon.scope";

    private readonly string _requestRole = requestRole;

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = Prepare(connection, eventData);
        command?.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        var command = Prepare(connection, eventData);
        if (command is not null)
        {
            await using (command.ConfigureAwait(false))
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private NpgsqlCommand? Prepare(DbConnection connection, ConnectionEndEventData eventData)
    {
        var db = eventData.Context as SmartECouponDbContext;
        var scope = db?.Scope ?? SessionScope.Tenant;
        if (scope == SessionScope.Owner)
        {
            return null;
        }
        var command = ((NpgsqlConnection)connection).CreateCommand();
        // set_config('role', ...) is SET ROLE as a function, so the role, the tenant and the scope take one statement and
        // one round trip.
        command.CommandText = $"SELECT set_config('role', $1, false), set_config('{TenantSetting}', $2, false), set_config('{ScopeSetting}', $3, false)";
        command.Parameters.Add(new NpgsqlParameter { Value = _requestRole });
        command.Parameters.Add(new NpgsqlParameter { Value = db?.CurrentTenantId ?? "" });
        command.Parameters.Add(new NpgsqlParameter { Value = scope == SessionScope.AllTenants ? "all" : "tenant" });
        return command;
    }

    public static string QuoteIdentifier(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}

/// <summary>SQLite: the pragmas every connection needs (the journal mode is set once, at migration).</summary>
internal sealed class SqliteSessionInterceptor(string synchronous, TimeSpan busyTimeout) : DbConnectionInterceptor
{
    private readonly string _pragmas =
        $"PRAGMA synchronous = {Synchronous(synchronous)}; PRAGMA busy_timeout = {(int)busyTimeout.TotalMilliseconds}; PRAGMA foreign_keys = ON;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = _pragmas;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        var command = connection.CreateCommand();
        await using (command.ConfigureAwait(false))
        {
            command.CommandText = _pragmas;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static string Synchronous(string value) => value.ToUpperInvariant() switch
    {
        "FULL" or "NORMAL" or "EXTRA" or "OFF" => value.ToUpperInvariant(),
        _ => throw new ArgumentException($"'{value}' is not a SQLite synchronous mode (FULL, NORMAL, EXTRA, OFF).", nameof(value)),
    };
}
