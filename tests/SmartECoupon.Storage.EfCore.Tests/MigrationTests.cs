using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;

namespace SmartECoupon.Storage.EfCore.Tests;

/// <summary>
/// Upgrades keep data: a database at the migration before <c>IdempotentOutcome</c>, holding answers stored with HTTP
/// statuses, is migrated forward (each answer keeps its outcome) and back (each gets its status again), on both providers.
/// </summary>
public sealed class MigrationTests
{
    private static readonly (string Key, int Status, string MediaType, string Body, string Outcome)[] StoredAnswers =
    [
        ("k-redeemed", 201, "application/json", """{"id":"red_1"}""", "succeeded"),
        ("k-refused", 409, "application/problem+json", """{"title":"t","status":409,"code":"total_limit_reached"}""", "total_limit_reached"),
        ("k-missing", 404, "application/problem+json", """{"title":"t","status":404,"code":"not_found"}""", "not_found"),
        ("k-page", 409, "text/plain", "ticket_already_used", "ticket_already_used"),
    ];

    [Fact]
    public async Task Sqlite_an_upgrade_keeps_every_stored_answer_and_a_downgrade_gives_its_status_back()
    {
        var path = Path.Combine(Path.GetTempPath(), $"smartecoupon-migration-{Guid.NewGuid():N}.db");
        try
        {
            var options = new DbContextOptionsBuilder<SqliteSmartECouponDbContext>().UseSqlite($"Data Source={path};Pooling=False").Options;
            await using var db = new SqliteSmartECouponDbContext(options);
            await UpgradeAndDowngradeAsync(db, "20261128062334_SignIn", "0", "");
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(path);
        }
    }

    [SkippableFact]
    public async Task PostgreSql_an_upgrade_keeps_every_stored_answer_and_a_downgrade_gives_its_status_back()
    {
        var admin = PostgreSqlHarness.Configured;
        Skip.If(admin is null && !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase), "PostgreSQL tests skipped: SMARTECOUPON_TEST_POSTGRES is not set.");
        Assert.NotNull(admin);
        var database = $"migration_{Guid.NewGuid():N}";
        await ExecuteAsync(admin, $"CREATE DATABASE {database}");
        try
        {
            var connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = database, Pooling = false }.ToString();
            var options = new DbContextOptionsBuilder<PostgreSqlSmartECouponDbContext>().UseNpgsql(connectionString).Options;
            await using var db = new PostgreSqlSmartECouponDbContext(options);
            // Row-level security binds the owner too: the test's own statements name the tenant.
            await UpgradeAndDowngradeAsync(db, "20261128071736_RedemptionFunction", "now()", "SELECT set_config('smartecoupon.tenant_id', 'tnt_migration', false);");
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(admin, $"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
        }
    }

    private static async Task UpgradeAndDowngradeAsync(SmartECouponDbContext db, string before, string now, string enterTenant)
    {
        var migrator = db.GetService<IMigrator>();
        await migrator.MigrateAsync(before);
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        await RunAsync(connection, enterTenant +
            $"INSERT INTO tenants (tenant_id, name, plan, status, time_zone_id, created_at, member_count, store_count, published_coupon_count) VALUES ('tnt_migration', 'm', 'free', 'active', 'Asia/Tokyo', {now}, 0, 0, 0);");
        foreach (var answer in StoredAnswers)
        {
            await RunAsync(connection, enterTenant +
                "INSERT INTO idempotency_records (tenant_id, key, fingerprint, state, created_at, locked_until, expires_at, response_status, response_content_type, response_body) " +
                $"VALUES ('tnt_migration', '{answer.Key}', 'f', 'completed', {now}, {now}, {now}, {answer.Status}, '{answer.MediaType}', '{answer.Body.Replace("'", "''", StringComparison.Ordinal)}');");
        }
        await connection.CloseAsync();

        await migrator.MigrateAsync();
        var upgraded = await ReadAsync(connection, enterTenant + "SELECT key, outcome_code || '|' || media_type || '|' || payload FROM idempotency_records ORDER BY key");
        Assert.Equal(StoredAnswers.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}={a.Outcome}|{a.MediaType}|{a.Body}"), upgraded);

        await migrator.MigrateAsync(before);
        var downgraded = await ReadAsync(connection, enterTenant + "SELECT key, CAST(response_status AS TEXT) || '|' || response_body FROM idempotency_records ORDER BY key");
        Assert.Equal(StoredAnswers.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}={a.Status}|{a.Body}"), downgraded);
    }

    private static async Task RunAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<List<string>> ReadAsync(DbConnection connection, string sql)
    {
        await connection.OpenAsync();
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            await using var reader = await command.ExecuteReaderAsync();
            var rows = new List<string>();
            do
            {
                while (await reader.ReadAsync())
                {
                    if (reader.FieldCount == 2)
                    {
                        rows.Add($"{reader.GetString(0)}={(reader.IsDBNull(1) ? "NULL" : reader.GetString(1))}");
                    }
                }
            }
            while (await reader.NextResultAsync());
            return rows;
        }
        finally
        {
            await connection.CloseAsync();
        }
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await RunAsync(connection, sql);
    }
}
