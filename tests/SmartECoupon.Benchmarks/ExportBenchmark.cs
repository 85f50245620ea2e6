using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SmartECoupon;
using SmartECoupon.Auditing;
using SmartECoupon.Coupons;
using SmartECoupon.Portability;
using SmartECoupon.Storage.EfCore;
using SmartECoupon.Tenancy;
using SmartECoupon.Tests;

/// <summary>
/// The CSV export of a tenant's redemptions, in UTF-8 (streamed) and Shift_JIS (checked through a temporary file), next
/// to the floor measured in the same run: the same rows read with a bare data reader and thrown away.
/// </summary>
internal static class ExportBenchmark
{
    public const double TargetRowsPerSecond = 200_000;

    /// <summary>Slack for "peak memory independent of row count": the large export may peak this much above the small one.</summary>
    private const double FlatMemorySlackMb = 32;

    public static async Task RunAsync(BenchDatabase database, StorageProvider provider, int rows, BenchReport report)
    {
        // Two tenants, one with a tenth of the rows: memory that does not grow with the row count peaks alike for both.
        var small = await SeedTenantAsync(database, provider, rows / 10);
        var large = await SeedTenantAsync(database, provider, rows);
        var services = database.Services;
        var tenantContext = services.GetRequiredService<ITenantContext>();

        var floor = await MeasureAsync(async () => await ReadRawAsync(provider, database.ConnectionString, large));
        Expect(floor, rows, "bare data reader");
        foreach (var encoding in (CsvExportEncoding[])[CsvExportEncoding.Utf8, CsvExportEncoding.ShiftJis])
        {
            var measured = new Dictionary<string, Measurement>();
            foreach (var tenantId in (string[])[small, large])
            {
                using var scope = tenantContext.BeginScope(tenantId);
                var exporter = services.GetRequiredService<TenantDataExporter>();
                measured[tenantId] = await MeasureAsync(async () =>
                {
                    var prepared = await exporter.ExportAsync(CsvDataset.Redemptions, new CsvExportOptions { Encoding = encoding });
                    await using var export = prepared.Value!;
                    var file = await export.WriteToAsync(Stream.Null);
                    return file.Rows ?? 0;
                });
            }
            var m = measured[large];
            var s = measured[small];
            Expect(m, rows, "export");
            Expect(s, rows / 10, "export");
            var perSecond = m.Rows / m.Seconds;
            var flat = m.ManagedGrowthMb <= s.ManagedGrowthMb + FlatMemorySlackMb && m.WorkingSetGrowthMb <= s.WorkingSetGrowthMb + FlatMemorySlackMb;
            report.Add(new BenchRow
            {
                Scenario = "export redemptions.csv",
                Provider = provider.ToString(),
                Case = $"{rows:N0} rows, {(encoding == CsvExportEncoding.Utf8 ? "UTF-8 + BOM" : "Shift_JIS")}",
                Variant = "library",
                Value = perSecond,
                Unit = "rows/s",
                Baseline = floor.Rows / floor.Seconds,
                Ratio = perSecond / (floor.Rows / floor.Seconds),
                Target = "≥ 200,000 rows/s, flat memory",
                MeetsTarget = perSecond >= TargetRowsPerSecond && flat,
                Note = string.Create(CultureInfo.InvariantCulture,
                    $"peak growth: managed +{m.ManagedGrowthMb:F0} MB, working set +{m.WorkingSetGrowthMb:F0} MB; with {rows / 10:N0} rows: +{s.ManagedGrowthMb:F0} MB, +{s.WorkingSetGrowthMb:F0} MB; baseline is a bare data reader that discards the rows"),
            });
        }
    }

    /// <summary>A tenant with one coupon and <paramref name="rows"/> redemptions of it.</summary>
    public static async Task<string> SeedTenantAsync(BenchDatabase database, StorageProvider provider, int rows)
    {
        var services = database.Services;
        var created = await services.GetRequiredService<TenantService>().CreateAsync("export bench", TenantPlan.Premium, "bench", Actor.Operator("opr_bench"));
        var tenantId = created.Value!.Tenant.Id;
        using var scope = services.GetRequiredService<ITenantContext>().BeginScope(tenantId);
        var admin = Actor.Member(created.Value.Admin.Id);
        var coupon = (await services.GetRequiredService<CouponService>().CreateAsync(new CouponDraft { Title = "bench", Benefit = "bench" }, admin)).Value!;
        await SeedAsync(provider, database.ConnectionString, tenantId, coupon.Id, rows);
        return tenantId;
    }

    private static void Expect(Measurement m, long expected, string what)
    {
        if (m.Rows != expected)
        {
            throw new InvalidOperationException($"{what}: {m.Rows} rows, expected {expected}.");
        }
    }

    private static async Task<Measurement> MeasureAsync(Func<Task<long>> run)
    {
        var (rows, peak) = await PeakMemory.MeasureAsync(run, TimeSpan.FromMilliseconds(5));
        const double Mb = 1024 * 1024;
        return new Measurement(rows, peak.Elapsed.TotalSeconds, peak.ManagedGrowth / Mb, peak.WorkingSetGrowth / Mb);
    }

    private static async Task<long> ReadRawAsync(StorageProvider provider, string connectionString, string tenantId)
    {
        await using DbConnection connection = provider == StorageProvider.Sqlite ? new SqliteConnection(connectionString) : new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = (provider == StorageProvider.PostgreSql ? "SELECT set_config('smartecoupon.tenant_id', @tenant, false); " : "") +
            "SELECT tenant_id, id, coupon_id, ticket_id, one_time_code, user_key, store_id, channel, redeemed_at, redeemed_by, voided_at, voided_by " +
            "FROM redemptions WHERE tenant_id = @tenant ORDER BY id";
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@tenant";
        parameter.Value = tenantId;
        command.Parameters.Add(parameter);
        await using var reader = await command.ExecuteReaderAsync();
        if (provider == StorageProvider.PostgreSql)
        {
            await reader.NextResultAsync();
        }
        long rows = 0;
        var values = new object[12];
        while (await reader.ReadAsync())
        {
            reader.GetValues(values);
            rows++;
        }
        return rows;
    }

    private static async Task SeedAsync(StorageProvider provider, string connectionString, string tenantId, string couponId, int rows)
    {
        await using DbConnection connection = provider == StorageProvider.Sqlite ? new SqliteConnection(connectionString) : new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandTimeout = 600;
        command.CommandText = provider == StorageProvider.Sqlite
            ? """
              WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < @count)
              INSERT INTO redemptions (tenant_id, id, coupon_id, ticket_id, one_time_code, user_key, store_id, channel, redeemed_at, redeemed_by, voided_at, voided_by)
              SELECT @tenant, printf('red_bench%017d', i), @coupon, NULL, NULL, 'member-' || i, NULL, 'api', 1795000000000000 + i, 'mem_bench', NULL, NULL FROM n
              """
            : """
              SELECT set_config('smartecoupon.tenant_id', @tenant, false);
              INSERT INTO redemptions (tenant_id, id, coupon_id, ticket_id, one_time_code, user_key, store_id, channel, redeemed_at, redeemed_by, voided_at, voided_by)
              SELECT @tenant, 'red_bench' || lpad(i::text, 17, '0'), @coupon, NULL, NULL, 'member-' || i, NULL, 'api', now() + i * interval '1 microsecond', 'mem_bench', NULL, NULL
              FROM generate_series(1, @count) AS i
              """;
        foreach (var (name, value) in (ReadOnlySpan<(string, object)>)[("@count", rows), ("@tenant", tenantId), ("@coupon", couponId)])
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }
        await command.ExecuteNonQueryAsync();
    }

    private sealed record Measurement(long Rows, double Seconds, double ManagedGrowthMb, double WorkingSetGrowthMb);
}
