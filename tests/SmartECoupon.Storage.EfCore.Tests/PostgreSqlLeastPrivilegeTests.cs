using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SmartECoupon.Storage.Specification;

namespace SmartECoupon.Storage.EfCore.Tests;

/// <summary>
/// Least privilege that SQL cannot undo: raw SQL on the request login, as an injected statement would run, tries every
/// way out of its tenant, and each one is refused or sees nothing. The conformance suite runs in this set-up too
/// (<c>LeastPrivilege*Tests</c>).
/// </summary>
public sealed class PostgreSqlLeastPrivilegeTests(LeastPrivilegeHarness harness) : ConformanceTest(harness), IClassFixture<LeastPrivilegeHarness>
{
    private async Task<NpgsqlConnection> RequestLoginAsync()
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(harness.RequestConnectionString ?? throw new SkipException("PostgreSQL is not configured.")) { Pooling = false }.ToString());
        await connection.OpenAsync();
        return connection;
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    private static async Task DeniedAsync(NpgsqlConnection connection, string sql)
    {
        var denied = await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync(connection, sql));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, denied.SqlState);
    }

    [SkippableFact]
    public async Task Raw_sql_on_the_request_login_finds_no_way_to_another_tenant_the_owner_or_the_platform()
    {
        var a = await NewTenantAsync();
        var b = await NewTenantAsync();
        await PublishedCouponAsync(a);
        await PublishedCouponAsync(b);
        await using var connection = await RequestLoginAsync();

        // The old escape: a setting any session may change. It opens nothing now.
        await ScalarAsync(connection, "SELECT set_config('smartecoupon.scope', 'all', false)");
        Assert.Equal(0L, await ScalarAsync(connection, "SELECT count(*) FROM coupons"));
        Assert.Equal(0L, await ScalarAsync(connection, "SELECT count(*) FROM tenant_directory"));

        // No role to climb to: not the platform role, not the owner; RESET ROLE lands on the login, which owns nothing.
        await DeniedAsync(connection, "SET ROLE smartecoupon_platform");
        await DeniedAsync(connection, $"SET ROLE {new NpgsqlConnectionStringBuilder(harness.ConnectionString).Username}");
        await ScalarAsync(connection, "RESET ROLE");
        Assert.Equal(harness.RequestLogin, await ScalarAsync(connection, "SELECT current_user::text"));
        Assert.Equal(0L, await ScalarAsync(connection, "SELECT count(*) FROM coupons"));
        Assert.Equal(0L, await ScalarAsync(connection, "SELECT count(*) FROM pg_tables WHERE tableowner = current_user"));
        await DeniedAsync(connection, "ALTER TABLE coupons DISABLE ROW LEVEL SECURITY");
        await DeniedAsync(connection, "ALTER TABLE coupons NO FORCE ROW LEVEL SECURITY");

        // Platform tables: no write, and operators and leases not even read; the migration history is not the request's.
        foreach (var role in new[] { "RESET ROLE", "SET ROLE smartecoupon_app" })
        {
            await ScalarAsync(connection, role);
            await DeniedAsync(connection, "INSERT INTO operators DEFAULT VALUES");
            await DeniedAsync(connection, "SELECT count(*) FROM operators");
            await DeniedAsync(connection, "DELETE FROM job_leases");
            await DeniedAsync(connection, "INSERT INTO incidents DEFAULT VALUES");
            await DeniedAsync(connection, "DELETE FROM maintenance_notices");
            await DeniedAsync(connection, "SELECT count(*) FROM \"__EFMigrationsHistory\"");
        }

        // In a tenant's own session it writes its own directory entries only, and touches no other tenant's purge ledger.
        await ScalarAsync(connection, $"SELECT set_config('smartecoupon.tenant_id', '{b.Id}', false)");
        await ScalarAsync(connection, $"INSERT INTO tenant_directory (handle_hash, kind, owner_tenant_id) VALUES ('\\x01'::bytea, 'coupon', '{b.Id}')");
        var forged = await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync(connection,
            $"INSERT INTO tenant_directory (handle_hash, kind, owner_tenant_id) VALUES ('\\x02'::bytea, 'coupon', '{a.Id}')"));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, forged.SqlState);
        Assert.Contains("row-level security", forged.MessageText, StringComparison.Ordinal);
        Assert.Equal(0L, await ScalarAsync(connection, $"SELECT count(*) FROM tenant_directory WHERE owner_tenant_id = '{a.Id}'"));
        await ScalarAsync(connection, "DELETE FROM tenant_directory WHERE handle_hash = '\\x01'::bytea");
    }

    [SkippableFact]
    public async Task A_request_login_that_could_become_the_owner_is_refused_at_start()
    {
        _ = Harness.Services;
        var services = new ServiceCollection();
        services.AddSmartECoupon().AddEntityFrameworkCoreStores(o =>
        {
            o.Provider = StorageProvider.PostgreSql;
            o.ConnectionString = harness.ConnectionString;
            o.OwnerConnectionString = harness.ConnectionString;
        });
        await using var provider = services.BuildServiceProvider();
        var refused = await Assert.ThrowsAsync<PostgresException>(() => provider.GetRequiredService<SmartECouponStorage>().MigrateAsync());
        Assert.Contains("can become the owner", refused.MessageText, StringComparison.Ordinal);
    }
}
