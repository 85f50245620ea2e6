using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SmartECoupon.Storage.Specification;
using SmartECoupon.Tenancy;

namespace SmartECoupon.Storage.EfCore.Tests;

/// <summary>
/// Behind PgBouncer in transaction pooling mode, on top of the conformance suite that runs there too: what a pooler
/// makes different. Every server connection the pooler holds is looked at after the stores used it.
/// </summary>
public sealed class PgBouncerTests(PgBouncerHarness harness) : ConformanceTest(harness), IClassFixture<PgBouncerHarness>
{
    private string PoolerConnectionString => new NpgsqlConnectionStringBuilder(harness.DatabaseConnectionString ?? throw new SkipException("PgBouncer is not configured."))
    {
        Pooling = false,
    }.ToString();

    [SkippableFact]
    public async Task Tenants_interleaved_on_a_pooler_each_see_their_own_rows_and_leave_nothing_on_the_server()
    {
        _ = Harness.Services;
        var a = await NewTenantAsync();
        var b = await NewTenantAsync();
        await PublishedCouponAsync(a);
        await PublishedCouponAsync(b);
        await PublishedCouponAsync(b);
        var factory = Get<SmartECouponDbContextFactory>();
        var tenants = Get<ITenantContext>();

        // Many short transactions of two tenants at once: the pooler hands each to whichever server connection is free.
        var seen = await Task.WhenAll(Enumerable.Range(0, 200).Select(async i =>
        {
            var tenant = i % 2 == 0 ? a : b;
            using (tenants.BeginScope(tenant.Id))
            {
                var db = factory.ForTenant();
                await using (db)
                {
                    var row = await db.Database.SqlQueryRaw<SessionRow>("""
                        SELECT pg_backend_pid() AS "Pid", current_user::text AS "User",
                               coalesce(current_setting('smartecoupon.tenant_id', true), '') AS "Tenant", (SELECT count(*) FROM coupons) AS "Coupons"
                        """).SingleAsync();
                    return (Expected: tenant.Id, Row: row, Listed: await db.Coupons.CountAsync());
                }
            }
        }));

        Assert.All(seen, s => Assert.Equal(("smartecoupon_app", s.Expected), (s.Row.User, s.Row.Tenant)));
        Assert.All(seen, s => Assert.Equal(s.Expected == a.Id ? 1L : 2L, s.Row.Coupons));
        Assert.All(seen, s => Assert.Equal(s.Expected == a.Id ? 1 : 2, s.Listed));
        Assert.True(seen.Select(s => s.Row.Pid).Distinct().Count() > 1, "the pooler used more than one server connection");

        // Whatever server connection a plain statement lands on afterwards: the login's role, no tenant, no rows, and no
        // statement prepared on the server (it could not be relied on there).
        for (var i = 0; i < 30; i++)
        {
            await using var connection = new NpgsqlConnection(PoolerConnectionString);
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = """
                SELECT current_user::text, coalesce(current_setting('smartecoupon.tenant_id', true), ''),
                       (SELECT count(*) FROM coupons), (SELECT count(*) FROM pg_prepared_statements)
                """;
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            Assert.Equal(("smartecoupon_owner", "", 0L, 0L), (reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3)));
        }
    }
}
