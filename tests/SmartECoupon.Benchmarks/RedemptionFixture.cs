using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SmartECoupon;
using SmartECoupon.Auditing;
using SmartECoupon.Coupons;
using SmartECoupon.Storage.EfCore;
using SmartECoupon.Tenancy;

/// <summary>One ticket to redeem: the coupon, the ticket and its page token, and the ticket's user.</summary>
internal sealed record RedemptionTarget(string CouponId, string TicketId, string Token, string UserKey);

/// <summary>
/// The data the redemption scenarios run on: a premium tenant, one hot coupon with many tickets, and many coupons with a
/// ticket each. One template coupon and ticket are made through the library (so every column holds what the library
/// writes); the rest are copies made with one INSERT … SELECT per table, because creating 10,000 coupons one request at
/// a time would measure the set-up rather than the redemption.
/// </summary>
internal sealed class RedemptionFixture
{
    /// <summary>High enough that no run reaches it, low enough that every guard still compares.</summary>
    public const int TotalLimit = 100_000_000;
    public const int PerUserLimit = 1_000_000;

    public required string TenantId { get; init; }
    public required string MemberId { get; init; }
    public required string ApiKey { get; init; }
    public required RedemptionTarget[] Hot { get; init; }
    public required RedemptionTarget[] Spread { get; init; }

    public RedemptionTarget[] For(string shape) => shape == RedemptionShapes.Hot ? Hot : Spread;

    public static async Task<RedemptionFixture> CreateAsync(BenchDatabase database, StorageProvider provider, int spreadCoupons, int hotTickets)
    {
        var services = database.Services;
        var created = (await services.GetRequiredService<TenantService>().CreateAsync("redemption bench", TenantPlan.Premium, "bench", Actor.Operator("opr_bench"))).Value!;
        var tenantId = created.Tenant.Id;
        var admin = Actor.Member(created.Admin.Id);
        string templateCoupon, templateTicket;
        using (services.GetRequiredService<ITenantContext>().BeginScope(tenantId))
        {
            var couponService = services.GetRequiredService<CouponService>();
            var coupon = (await couponService.CreateAsync(new CouponDraft { Title = "ベンチマーク", Benefit = "10% off", TotalLimit = TotalLimit, PerUserLimit = PerUserLimit }, admin)).Value!;
            await couponService.PublishAsync(coupon.Id, admin);
            templateCoupon = coupon.Id;
            templateTicket = (await services.GetRequiredService<TicketService>().IssueAsync(coupon.Id, "bench-template", admin)).Value!.Ticket.Id;
        }

        await using var connection = await OpenAsync(provider, database.ConnectionString, tenantId);
        var spreadCouponId = Format(provider, "cpn_BENCH", 21);
        await CloneAsync(connection, provider, "coupons", tenantId, templateCoupon, spreadCoupons, new() { ["id"] = spreadCouponId });
        await CloneAsync(connection, provider, "tickets", tenantId, templateTicket, spreadCoupons, new()
        {
            ["id"] = Format(provider, "tkt_BENCHS", 20),
            ["coupon_id"] = spreadCouponId,
            ["token"] = Format(provider, "benchS", 16),
            ["code"] = Format(provider, "S", 11),
            ["user_key"] = Format(provider, "bench-s-", 8),
        });
        await CloneAsync(connection, provider, "tickets", tenantId, templateTicket, hotTickets, new()
        {
            ["id"] = Format(provider, "tkt_BENCHH", 20),
            ["token"] = Format(provider, "benchH", 16),
            ["code"] = Format(provider, "H", 11),
            ["user_key"] = Format(provider, "bench-h-", 8),
        });
        await ExecuteAsync(connection, provider == StorageProvider.PostgreSql ? "ANALYZE" : "ANALYZE; PRAGMA optimize;");

        return new RedemptionFixture
        {
            TenantId = tenantId,
            MemberId = created.Admin.Id,
            ApiKey = created.AdminApiKey,
            Spread = [.. Enumerable.Range(1, spreadCoupons).Select(i => new RedemptionTarget(Id("cpn_BENCH", 21, i), Id("tkt_BENCHS", 20, i), Id("benchS", 16, i), Id("bench-s-", 8, i)))],
            Hot = [.. Enumerable.Range(1, hotTickets).Select(i => new RedemptionTarget(templateCoupon, Id("tkt_BENCHH", 20, i), Id("benchH", 16, i), Id("bench-h-", 8, i)))],
        };
    }

    private static string Id(string prefix, int digits, int i) => prefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(digits, '0');

    /// <summary>The SQL that gives <see cref="Id"/> for the series value <c>n.i</c>.</summary>
    private static string Format(StorageProvider provider, string prefix, int digits) => provider == StorageProvider.Sqlite
        ? $"printf('{prefix}%0{digits}d', n.i)"
        : $"'{prefix}' || lpad(n.i::text, {digits}, '0')";

    /// <summary>Copies one row <paramref name="count"/> times, every column as it is except the ones given.</summary>
    private static async Task CloneAsync(DbConnection connection, StorageProvider provider, string table, string tenantId, string templateId, int count, Dictionary<string, string> overrides)
    {
        var columns = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = provider == StorageProvider.Sqlite
                ? $"SELECT name FROM pragma_table_info('{table}') ORDER BY cid"
                : $"SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = '{table}' ORDER BY ordinal_position";
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                columns.Add(reader.GetString(0));
            }
        }
        var select = string.Join(", ", columns.Select(c => overrides.TryGetValue(c, out var expression) ? expression : "t." + c));
        var insert = $"INSERT INTO {table} ({string.Join(", ", columns)}) SELECT {select}";
        var sql = provider == StorageProvider.Sqlite
            ? $"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {count}) {insert} FROM {table} AS t, n WHERE t.tenant_id = '{tenantId}' AND t.id = '{templateId}'"
            : $"{insert} FROM {table} AS t CROSS JOIN generate_series(1, {count}) AS n(i) WHERE t.tenant_id = '{tenantId}' AND t.id = '{templateId}'";
        var inserted = await ExecuteAsync(connection, sql);
        if (inserted != count)
        {
            throw new InvalidOperationException($"Copied {inserted} rows into {table}, expected {count}.");
        }
    }

    /// <summary>A connection of the database's owner; on PostgreSQL inside the tenant, as row-level security requires.</summary>
    public static async Task<DbConnection> OpenAsync(StorageProvider provider, string connectionString, string tenantId)
    {
        // PostgreSQL: statements used twice are prepared, as the library's own connections do, so that the baseline does
        // not plan each statement anew.
        DbConnection connection = provider == StorageProvider.Sqlite
            ? new SqliteConnection(connectionString)
            : new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { MaxAutoPrepare = 64, AutoPrepareMinUsages = 2 }.ToString());
        await connection.OpenAsync();
        await ExecuteAsync(connection, provider == StorageProvider.Sqlite
            ? "PRAGMA synchronous = FULL; PRAGMA busy_timeout = 30000; PRAGMA foreign_keys = ON;"
            : $"SELECT set_config('smartecoupon.tenant_id', '{tenantId}', false)");
        return connection;
    }

    /// <summary>
    /// Puts the database in the same state before each measured variant, so that none pays for the garbage of the one
    /// before it: on PostgreSQL the dead row versions left by the previous run's updates are vacuumed (autovacuum would
    /// do it a little later) and a checkpoint is taken, on SQLite the write-ahead log is checkpointed.
    /// </summary>
    public static async Task TidyAsync(StorageProvider provider, string connectionString)
    {
        await using DbConnection connection = provider == StorageProvider.Sqlite ? new SqliteConnection(connectionString) : new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await ExecuteAsync(connection, provider == StorageProvider.Sqlite
            ? "PRAGMA wal_checkpoint(TRUNCATE);"
            : "VACUUM coupons, tickets, redemptions, idempotency_records, audit_entries;");
        if (provider == StorageProvider.PostgreSql)
        {
            // A checkpoint now rather than in the middle of the next variant, whose commits would then wait on its writes.
            // Needs the pg_checkpoint role (eng/postgres.sh grants it); without it the variants take their chances.
            try
            {
                await ExecuteAsync(connection, "CHECKPOINT");
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
            {
            }
        }
    }

    private static async Task<int> ExecuteAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 600;
        return await command.ExecuteNonQueryAsync();
    }
}

internal static class RedemptionShapes
{
    public const string Spread = "spread";
    public const string Hot = "hot";
}
