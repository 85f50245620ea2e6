using System.Net;
using Npgsql;

namespace SmartECoupon.WebHost.Tests;

/// <summary>
/// The database becomes unreachable under a running host (its connections are cut and new ones refused, as during a
/// failover): requests get 503 <c>database_unavailable</c> with <c>Retry-After</c>, readiness says so, and once the
/// database is back the host serves again by itself.
/// </summary>
public sealed class PostgreSqlDatabaseOutageTests(PostgreSqlHostFactory factory) : HostContract(factory), IClassFixture<PostgreSqlHostFactory>
{
    [SkippableFact]
    public async Task While_the_database_is_unreachable_requests_are_told_to_retry_and_the_host_recovers_by_itself()
    {
        var tenant = await NewTenantAsync();
        using var admin = Client(tenant.AdminKey);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(admin, HttpMethod.Get, "/api/v1/coupons")).Status);
        var database = ((PostgreSqlHostFactory)Factory).DatabaseName;
        try
        {
            await AdminAsync($"ALTER DATABASE {database} CONNECTION LIMIT 0");
            await AdminAsync($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}' AND pid <> pg_backend_pid()");

            var refused = await SendAsync(admin, HttpMethod.Get, "/api/v1/coupons");
            AssertProblem(refused, HttpStatusCode.ServiceUnavailable, "database_unavailable");
            Assert.InRange(refused.Response.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 60);
            using var anonymous = Client(null);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await anonymous.GetAsync(new Uri("/readyz", UriKind.Relative))).StatusCode);
        }
        finally
        {
            await AdminAsync($"ALTER DATABASE {database} CONNECTION LIMIT -1");
        }

        // Back: the host reconnects by itself (a connection the cut broke may fail once more).
        var status = HttpStatusCode.ServiceUnavailable;
        for (var attempt = 0; attempt < 20 && status != HttpStatusCode.OK; attempt++)
        {
            status = (await SendAsync(admin, HttpMethod.Get, "/api/v1/coupons")).Status;
            if (status != HttpStatusCode.OK)
            {
                await Task.Delay(250);
            }
        }
        Assert.Equal(HttpStatusCode.OK, status);
    }

    private static async Task AdminAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Environment.GetEnvironmentVariable("SMARTECOUPON_TEST_POSTGRES"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
