using System.Data.Common;
using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;
using SmartECoupon;
using SmartECoupon.Auditing;
using SmartECoupon.Coupons;
using SmartECoupon.Storage.EfCore;
using SmartECoupon.Tenancy;

/// <summary>
/// Generating one-time codes through <see cref="OneTimeCodeService.GenerateAsync"/>, next to the floor: the same number
/// of codes from the same generator inserted by hand in one transaction (PostgreSQL: binary COPY into a staging table and
/// one INSERT … SELECT, since row-level security refuses COPY into the table itself; SQLite: one prepared INSERT).
/// </summary>
internal static class CodesBenchmark
{
    public static async Task RunAsync(BenchDatabase database, StorageProvider provider, int count, BenchReport report)
    {
        var services = database.Services;
        var created = (await services.GetRequiredService<TenantService>().CreateAsync("codes bench", TenantPlan.Premium, "bench", Actor.Operator("opr_bench"))).Value!;
        var tenantId = created.Tenant.Id;
        using var scope = services.GetRequiredService<ITenantContext>().BeginScope(tenantId);
        var admin = Actor.Member(created.Admin.Id);
        var coupons = services.GetRequiredService<CouponService>();
        var rawCoupon = (await coupons.CreateAsync(new CouponDraft { Title = "raw", Benefit = "bench" }, admin)).Value!;
        var libraryCoupon = (await coupons.CreateAsync(new CouponDraft { Title = "library", Benefit = "bench" }, admin)).Value!;
        var length = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<SmartECouponOptions>>().Value.Codes.Length;

        // The baseline first, then its rows go, so that both insert into an index of the same size.
        var raw = Stopwatch.StartNew();
        await InsertRawAsync(provider, database.ConnectionString, tenantId, rawCoupon.Id, new CouponCodeGenerator(length).NextDistinct(count));
        raw.Stop();
        await using (var connection = await RedemptionFixture.OpenAsync(provider, database.ConnectionString, tenantId))
        {
            await ExecuteAsync(connection, $"DELETE FROM codes WHERE tenant_id = '{tenantId}'");
            await ExecuteAsync(connection, provider == StorageProvider.PostgreSql ? "VACUUM ANALYZE codes" : "VACUUM");
        }

        var library = Stopwatch.StartNew();
        var generated = await services.GetRequiredService<OneTimeCodeService>().GenerateAsync(libraryCoupon.Id, count, admin);
        library.Stop();
        if (generated.Value != count)
        {
            throw new InvalidOperationException($"Generated {generated.Value} codes, not {count}.");
        }
        var limit = provider == StorageProvider.PostgreSql ? 15.0 : 30.0;
        var scaledLimit = limit * count / 1_000_000;
        report.Add(new BenchRow
        {
            Scenario = "generate codes",
            Provider = provider.ToString(),
            Case = $"{count:N0} one-time codes",
            Variant = "library",
            Value = library.Elapsed.TotalSeconds,
            Unit = "s",
            Baseline = raw.Elapsed.TotalSeconds,
            Ratio = raw.Elapsed.TotalSeconds / library.Elapsed.TotalSeconds,
            Target = count == 1_000_000 ? $"≤ {limit:F0} s" : $"≤ {scaledLimit:F2} s (pro rata)",
            MeetsTarget = library.Elapsed.TotalSeconds <= scaledLimit,
            Note = $"{count / library.Elapsed.TotalSeconds:N0} codes/s; baseline {count / raw.Elapsed.TotalSeconds:N0} codes/s",
        });
    }

    private static async Task InsertRawAsync(StorageProvider provider, string connectionString, string tenantId, string couponId, IReadOnlyList<string> codes)
    {
        await using var connection = await RedemptionFixture.OpenAsync(provider, connectionString, tenantId);
        await using var transaction = await connection.BeginTransactionAsync();
        var now = DateTimeOffset.UtcNow;
        if (connection is NpgsqlConnection npgsql)
        {
            await ExecuteAsync(npgsql, "CREATE TEMPORARY TABLE raw_codes (code text NOT NULL) ON COMMIT DROP");
            await using (var importer = await npgsql.BeginBinaryImportAsync("COPY raw_codes (code) FROM STDIN (FORMAT BINARY)"))
            {
                foreach (var code in codes)
                {
                    await importer.StartRowAsync();
                    await importer.WriteAsync(code, NpgsqlDbType.Text);
                }
                await importer.CompleteAsync();
            }
            await using var insert = new NpgsqlCommand("INSERT INTO codes (tenant_id, code, coupon_id, kind, created_at) SELECT $1, code, $2, 'one_time', $3 FROM raw_codes ON CONFLICT DO NOTHING", npgsql);
            insert.Parameters.AddWithValue(tenantId);
            insert.Parameters.AddWithValue(couponId);
            insert.Parameters.AddWithValue(now.UtcDateTime);
            insert.CommandTimeout = 600;
            await insert.ExecuteNonQueryAsync();
        }
        else
        {
            await using var insert = (SqliteCommand)connection.CreateCommand();
            insert.Transaction = (SqliteTransaction)transaction;
            insert.CommandText = "INSERT INTO codes (tenant_id, code, coupon_id, kind, created_at) VALUES ($tenant, $code, $coupon, 'one_time', $at) ON CONFLICT DO NOTHING";
            insert.Parameters.AddWithValue("$tenant", tenantId);
            var code = insert.Parameters.Add("$code", SqliteType.Text);
            insert.Parameters.AddWithValue("$coupon", couponId);
            insert.Parameters.AddWithValue("$at", (now.UtcTicks - DateTimeOffset.UnixEpoch.Ticks) / TimeSpan.TicksPerMicrosecond);
            insert.Prepare();
            foreach (var value in codes)
            {
                code.Value = value;
                await insert.ExecuteNonQueryAsync();
            }
        }
        await transaction.CommitAsync();
    }

    private static async Task ExecuteAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 600;
        await command.ExecuteNonQueryAsync();
    }
}
