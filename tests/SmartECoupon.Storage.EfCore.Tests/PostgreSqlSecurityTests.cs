using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SmartECoupon.Storage.Specification;
using SmartECoupon.Tenancy;

namespace SmartECoupon.Storage.EfCore.Tests;

/// <summary>
/// Row-level security as a second wall: asked of PostgreSQL's catalogue and proved with raw SQL that the EF filter
/// never sees.
/// </summary>
public sealed class PostgreSqlSecurityTests(PostgreSqlHarness harness) : ConformanceTest(harness), IClassFixture<PostgreSqlHarness>
{
    private async Task<List<T>> QueryAsync<T>(string sql, params object[] parameters)
    {
        var db = Get<SmartECouponDbContextFactory>().ForTenant();
        await using (db)
        {
            return await db.Database.SqlQueryRaw<T>(sql, parameters).ToListAsync();
        }
    }

    private async Task<NpgsqlConnection> OwnerConnectionAsync()
    {
        var connection = new NpgsqlConnection(harness.ConnectionString ?? throw new SkipException("PostgreSQL is not configured."));
        await connection.OpenAsync();
        return connection;
    }

    [SkippableFact]
    public async Task Every_table_with_a_tenant_column_has_forced_row_level_security_and_the_policy()
    {
        _ = Harness.Services;
        await using var connection = await OwnerConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
                   EXISTS (SELECT 1 FROM pg_policies p WHERE p.tablename = c.relname AND p.policyname = 'tenant_isolation')
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind = 'r'
              AND EXISTS (SELECT 1 FROM information_schema.columns col WHERE col.table_name = c.relname AND col.column_name = 'tenant_id')
            ORDER BY c.relname
            """;
        var tables = new List<(string Table, bool Enabled, bool Forced, bool Policy)>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add((reader.GetString(0), reader.GetBoolean(1), reader.GetBoolean(2), reader.GetBoolean(3)));
            }
        }

        Assert.Equal(["audit_entries", "code_jobs", "codes", "coupon_images", "coupons", "idempotency_records", "lookup_attempts", "members", "outbox_messages", "redemptions", "stores", "tenant_settings", "tenants", "tickets"],
            tables.Select(t => t.Table));
        Assert.All(tables, t => Assert.True(t.Enabled && t.Forced && t.Policy, $"{t.Table}: enabled={t.Enabled} forced={t.Forced} policy={t.Policy}"));
    }

    [SkippableFact]
    public async Task Requests_run_as_a_role_that_owns_nothing_and_cannot_bypass_policies()
    {
        var tenant = await NewTenantAsync();
        using (In(tenant))
        {
            Assert.Equal(["smartecoupon_app"], await QueryAsync<string>("SELECT current_user::text AS \"Value\""));
        }
        await using var connection = await OwnerConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT r.rolsuper, r.rolbypassrls, r.rolcanlogin,
                   (SELECT count(*) FROM pg_tables t WHERE t.tableowner = r.rolname)
            FROM pg_roles r WHERE r.rolname = 'smartecoupon_app'
            """;
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal((false, false, false, 0L), (reader.GetBoolean(0), reader.GetBoolean(1), reader.GetBoolean(2), reader.GetInt64(3)));
    }

    [SkippableFact]
    public async Task Raw_sql_in_a_tenants_session_sees_only_that_tenant_and_without_one_sees_nothing()
    {
        var a = await NewTenantAsync();
        var b = await NewTenantAsync();
        await PublishedCouponAsync(a);
        await PublishedCouponAsync(a);
        await PublishedCouponAsync(b);

        const string everyCoupon = "SELECT count(*) AS \"Value\" FROM coupons"; // no WHERE: only the database stands guard
        using (In(a))
        {
            Assert.Equal([2L], await QueryAsync<long>(everyCoupon));
            Assert.Equal([1L], await QueryAsync<long>("SELECT count(*) AS \"Value\" FROM tenants"));
        }
        using (In(b))
        {
            Assert.Equal([1L], await QueryAsync<long>(everyCoupon));
        }
        using (NoTenant())
        {
            Assert.Equal([0L], await QueryAsync<long>(everyCoupon));
        }
    }

    [SkippableFact]
    public async Task A_write_in_one_tenants_session_cannot_land_in_another_tenant()
    {
        var a = await NewTenantAsync();
        var b = await NewTenantAsync();
        using (In(b))
        {
            var db = Get<SmartECouponDbContextFactory>().ForTenant();
            await using (db)
            {
                // Past the EF guard (raw SQL), the policy's WITH CHECK refuses the row.
                var error = await Assert.ThrowsAsync<PostgresException>(() => db.Database.ExecuteSqlRawAsync(
                    "INSERT INTO stores (tenant_id, id, name, created_at) VALUES ({0}, 'sto_forged', 'x', now())", a.Id));
                Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
                Assert.Equal(0, await db.Database.ExecuteSqlRawAsync("UPDATE tenants SET name = 'taken' WHERE tenant_id = {0}", a.Id));
            }
        }
    }

    [SkippableFact]
    public async Task Even_the_owner_is_bound_by_the_policies()
    {
        var a = await NewTenantAsync();
        await PublishedCouponAsync(a);
        await using var connection = await OwnerConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM coupons";
        Assert.Equal(0L, await command.ExecuteScalarAsync());
        command.CommandText = $"SELECT set_config('smartecoupon.tenant_id', '{a.Id}', false); SELECT count(*) FROM coupons WHERE tenant_id = '{a.Id}'";
        await using var reader = await command.ExecuteReaderAsync();
        await reader.NextResultAsync();
        await reader.ReadAsync();
        Assert.Equal(1L, reader.GetInt64(0));
    }

    [SkippableFact]
    public async Task A_pooled_connection_carries_only_the_session_its_current_user_asked_for()
    {
        _ = Harness.Services;
        var a = await NewTenantAsync();
        var b = await NewTenantAsync();
        await PublishedCouponAsync(a);
        await PublishedCouponAsync(b);
        await PublishedCouponAsync(b);
        // One connection in EF's pool, and sessions are not reset on return: every user below gets the very same backend,
        // and must still see exactly what its own session allows.
        var single = new NpgsqlConnectionStringBuilder(harness.ConnectionString) { MaxPoolSize = 1 }.ToString();
        await using var services = harness.BuildServices(single);
        var factory = services.GetRequiredService<SmartECouponDbContextFactory>();
        var tenantContext = services.GetRequiredService<ITenantContext>();

        async Task<(int Pid, string User, string Tenant, long Coupons)> SessionAsync(SmartECouponDbContext db)
        {
            await using (db)
            {
                var row = await db.Database.SqlQueryRaw<SessionRow>("""
                    SELECT pg_backend_pid() AS "Pid", current_user::text AS "User",
                           coalesce(current_setting('smartecoupon.tenant_id', true), '') AS "Tenant", (SELECT count(*) FROM coupons) AS "Coupons"
                    """).SingleAsync();
                return (row.Pid, row.User, row.Tenant, row.Coupons);
            }
        }
        async Task<(int Pid, string User, string Tenant, long Coupons)> AsTenantAsync(TestTenant tenant)
        {
            using (tenantContext.BeginScope(tenant.Id))
            {
                return await SessionAsync(factory.ForTenant());
            }
        }

        var first = await AsTenantAsync(a);
        var second = await AsTenantAsync(b);
        var again = await AsTenantAsync(b);
        var everyone = await SessionAsync(factory.Create(SessionScope.AllTenants));
        var owner = await SessionAsync(factory.Create(SessionScope.Owner));
        var last = await AsTenantAsync(a);

        Assert.Equal([first.Pid], new[] { second.Pid, again.Pid, everyone.Pid, owner.Pid, last.Pid }.Distinct());
        Assert.Equal(("smartecoupon_app", a.Id, 1L), (first.User, first.Tenant, first.Coupons));
        Assert.Equal(("smartecoupon_app", b.Id, 2L), (second.User, second.Tenant, second.Coupons));
        Assert.Equal(second, again);
        Assert.Equal(("smartecoupon_platform", ""), (everyone.User, everyone.Tenant));
        Assert.True(everyone.Coupons >= 3);
        Assert.Equal(("smartecoupon_owner", ""), (owner.User, owner.Tenant));
        Assert.Equal(first, last);
    }


    [SkippableFact]
    public async Task Connections_opened_outside_the_stores_never_receive_a_store_session()
    {
        _ = Harness.Services;
        var a = await NewTenantAsync();
        await PublishedCouponAsync(a);
        var single = new NpgsqlConnectionStringBuilder(harness.ConnectionString) { MaxPoolSize = 1 }.ToString();
        await using var services = harness.BuildServices(single);
        int tenantPid;
        using (services.GetRequiredService<ITenantContext>().BeginScope(a.Id))
        {
            var db = services.GetRequiredService<SmartECouponDbContextFactory>().ForTenant();
            await using (db)
            {
                tenantPid = (await db.Database.SqlQueryRaw<int>("SELECT pg_backend_pid() AS \"Value\"").ToListAsync()).Single();
            }
        }

        // The stores' connections are a pool of their own: a plain connection with the same connection string gets a
        // backend of its own, in the login's role, with no tenant.
        await using var plain = new NpgsqlConnection(single);
        await plain.OpenAsync();
        await using var command = plain.CreateCommand();
        command.CommandText = "SELECT pg_backend_pid(), current_user::text, coalesce(current_setting('smartecoupon.tenant_id', true), '')";
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.NotEqual(tenantPid, reader.GetInt32(0));
        Assert.Equal(("smartecoupon_owner", ""), (reader.GetString(1), reader.GetString(2)));
    }

    [SkippableFact]
    public async Task Nothing_of_a_session_outlives_its_transaction_on_the_stores_own_connection()
    {
        _ = Harness.Services;
        var a = await NewTenantAsync();
        await PublishedCouponAsync(a);
        var single = new NpgsqlConnectionStringBuilder(harness.ConnectionString) { MaxPoolSize = 1 }.ToString();
        await using var services = harness.BuildServices(single);
        var factory = services.GetRequiredService<SmartECouponDbContextFactory>();
        int tenantPid;
        using (services.GetRequiredService<ITenantContext>().BeginScope(a.Id))
        {
            // A read outside any transaction, then a write transaction (SaveChanges and a statement after it), committed.
            var db = factory.ForTenant();
            await using (db)
            {
                tenantPid = (await db.Database.SqlQueryRaw<int>("SELECT pg_backend_pid() AS \"Value\"").ToListAsync()).Single();
                Assert.Equal(1, await db.Coupons.CountAsync());
                await using var transaction = await db.Database.BeginTransactionAsync();
                db.Stores.Add(new Rows.StoreRow { TenantId = a.Id, Id = "sto_session_test", Name = "本店", CreatedAt = DateTimeOffset.UtcNow });
                await db.SaveChangesAsync();
                Assert.Equal(1, await db.Stores.CountAsync(s => s.Id == "sto_session_test"));
                await transaction.CommitAsync();
            }
        }

        // The very same physical connection, taken from the stores' own pool by a statement the stores did not make: the
        // login's role, no tenant, no scope, and the policies admit no row.
        await using var connection = await services.GetRequiredService<Tenancy.PostgreSqlConnections>().DataSource.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT pg_backend_pid(), current_user::text, coalesce(current_setting('smartecoupon.tenant_id', true), ''),
                   coalesce(current_setting('smartecoupon.scope', true), ''), (SELECT count(*) FROM coupons), (SELECT count(*) FROM stores)
            """;
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.Equal((tenantPid, "smartecoupon_owner", "", "", 0L, 0L),
            (reader.GetInt32(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt64(4), reader.GetInt64(5)));
    }

    [SkippableFact]
    public async Task The_directory_table_holds_nothing_but_a_hash_a_kind_and_a_tenant_id()
    {
        _ = Harness.Services;
        await using var connection = await OwnerConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT column_name FROM information_schema.columns WHERE table_name = 'tenant_directory' ORDER BY ordinal_position";
        var columns = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            columns.Add(reader.GetString(0));
        }
        Assert.Equal(["handle_hash", "kind", "owner_tenant_id"], columns);
    }
}

/// <summary>Migrations on both providers: safe to run twice, and from two instances at once.</summary>
public abstract class MigrationTests<THarness>(THarness harness) : IClassFixture<THarness>
    where THarness : EfHarness
{
    protected THarness Harness { get; } = harness;

    protected abstract THarness PristineHarness();

    [SkippableFact]
    public async Task Migrating_again_changes_nothing()
    {
        var storage = Harness.Services.GetRequiredService<SmartECouponStorage>();
        await storage.MigrateAsync();
        await storage.MigrateAsync();
        Assert.Empty(await storage.GetPendingMigrationsAsync());
        Assert.True(await storage.CanConnectAsync());
    }

    [SkippableFact]
    public async Task Two_instances_migrating_one_pristine_database_at_once_both_succeed()
    {
        _ = Harness.Services; // skips here when the provider cannot run
        var pristine = PristineHarness();
        await pristine.InitializeAsync();
        try
        {
            await using var first = pristine.BuildServices(pristine.DatabaseConnectionString!);
            await using var second = pristine.BuildServices(pristine.DatabaseConnectionString!);
            Assert.NotEmpty(await first.GetRequiredService<SmartECouponStorage>().GetPendingMigrationsAsync());

            await Task.WhenAll(
                first.GetRequiredService<SmartECouponStorage>().MigrateAsync(),
                second.GetRequiredService<SmartECouponStorage>().MigrateAsync());

            Assert.Empty(await first.GetRequiredService<SmartECouponStorage>().GetPendingMigrationsAsync());
            Assert.Empty(await second.GetRequiredService<SmartECouponStorage>().GetPendingMigrationsAsync());
        }
        finally
        {
            await pristine.DisposeAsync();
        }
    }
}

public sealed class SqliteMigrationTests(SqliteHarness harness) : MigrationTests<SqliteHarness>(harness)
{
    protected override SqliteHarness PristineHarness() => new() { MigrateOnStart = false };

    [Fact]
    public async Task The_sqlite_database_is_in_write_ahead_logging_mode()
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Harness.DatabasePath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", await command.ExecuteScalarAsync());
    }
}

public sealed class PostgreSqlMigrationTests(PostgreSqlHarness harness) : MigrationTests<PostgreSqlHarness>(harness)
{
    protected override PostgreSqlHarness PristineHarness() => new() { MigrateOnStart = false };
}

/// <summary>What a raw statement tells of its session.</summary>
internal sealed record SessionRow(int Pid, string User, string Tenant, long Coupons);
