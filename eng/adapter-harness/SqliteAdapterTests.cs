// A storage adapter's specification tests, written as the author of an adapter writes them: the suites come from the
// SmartECoupon.Storage.Specification package, and the adapter brings a harness (its services on a database of its own,
// and counts taken with SQL on that database, not through the adapter). eng/package-quickstart.sh builds this file in a
// fresh project outside the repository, against the packages, and runs it; docs/writing-a-storage-adapter.md explains it.
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SmartECoupon.Storage.EfCore;
using SmartECoupon.Storage.Specification;
using Xunit;

namespace MyAdapterTests;

/// <summary>The harness: SmartECoupon on the adapter, over a SQLite file of its own, with a clock the tests move.</summary>
public sealed class SqliteAdapterHarness : IStorageHarness, IAsyncLifetime
{
    private ServiceProvider? _services;

    public string Name => "SQLite (from the packages)";

    public string WorkFolder { get; } = Path.Combine(Path.GetTempPath(), "adapter-spec-" + Guid.NewGuid().ToString("N"));

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 28, 0, 0, 0, TimeSpan.Zero)) { AutoAdvanceAmount = TimeSpan.FromTicks(10) };

    public IServiceProvider Services => _services ?? throw new InvalidOperationException("The harness did not start.");

    private string Database => Path.Combine(WorkFolder, "adapter.db");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(WorkFolder);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(Time);
        services.AddSmartECoupon(o =>
        {
            o.Backups.Folder = Path.Combine(WorkFolder, "backups");
            o.Uploads.Folder = Path.Combine(WorkFolder, "uploads");
        }).AddEntityFrameworkCoreStores(o => o.ConnectionString = $"Data Source={Database}");
        _services = services.BuildServiceProvider();
        await _services.GetRequiredService<SmartECouponStorage>().MigrateAsync();
    }

    public async Task DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }
        SqliteConnection.ClearAllPools();
        Directory.Delete(WorkFolder, recursive: true);
    }

    public async Task<long> CountAsync(StoredRows rows, string tenantId, string? couponId = null)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = rows switch
        {
            StoredRows.LiveRedemptions => "SELECT count(*) FROM redemptions WHERE tenant_id = $t AND coupon_id = $c AND voided_at IS NULL",
            StoredRows.Redemptions => "SELECT count(*) FROM redemptions WHERE tenant_id = $t AND coupon_id = $c",
            StoredRows.Tickets => "SELECT count(*) FROM tickets WHERE tenant_id = $t AND coupon_id = $c",
            StoredRows.OneTimeCodes => "SELECT count(*) FROM codes WHERE tenant_id = $t AND coupon_id = $c AND kind = 'one_time'",
            StoredRows.Members => "SELECT count(*) FROM members WHERE tenant_id = $t",
            StoredRows.Stores => "SELECT count(*) FROM stores WHERE tenant_id = $t",
            StoredRows.PublishedCoupons => "SELECT count(*) FROM coupons WHERE tenant_id = $t AND status = 'published'",
            StoredRows.AuditEntries => "SELECT count(*) FROM audit_entries WHERE tenant_id = $t",
            _ => throw new ArgumentOutOfRangeException(nameof(rows)),
        };
        command.Parameters.AddWithValue("$t", tenantId);
        command.Parameters.AddWithValue("$c", (object?)couponId ?? DBNull.Value);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Every row of a backup file (a SQLite file for this adapter), one line per row.</summary>
    public async Task<IReadOnlyList<string>> ReadBackupRowsAsync(string path)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new SqliteCommand("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name", connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }
        var rows = new List<string>();
        foreach (var table in tables)
        {
            await using var select = new SqliteCommand($"SELECT * FROM \"{table}\"", connection);
            await using var reader = await select.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                rows.Add(table + "|" + string.Join("|", Enumerable.Range(0, reader.FieldCount).Select(i => reader.GetValue(i) switch
                {
                    byte[] bytes => Convert.ToHexString(bytes),
                    DBNull => "∅",
                    var value => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture),
                })));
            }
        }
        return rows;
    }

    public async Task<IReadOnlyList<string>> FindTenantTracesAsync(string tenantId)
    {
        await using var connection = await OpenAsync();
        var columns = new List<(string Table, string Column)>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND p.type LIKE '%TEXT%'";
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                columns.Add((reader.GetString(0), reader.GetString(1)));
            }
        }
        var traces = new List<string>();
        foreach (var (table, column) in columns)
        {
            await using var count = connection.CreateCommand();
            count.CommandText = $"SELECT count(*) FROM \"{table}\" WHERE instr(\"{column}\", $t) > 0";
            count.Parameters.AddWithValue("$t", tenantId);
            if ((long)(await count.ExecuteScalarAsync())! is var found and > 0)
            {
                traces.Add($"{table}.{column}: {found}");
            }
        }
        return traces;
    }

    public Task SeedRedemptionsAsync(string tenantId, string couponId, int count) =>
        throw new NotSupportedException("The volume suite is not run here.");

    private async Task<SqliteConnection> OpenAsync()
    {
        var connection = new SqliteConnection($"Data Source={Database};Pooling=False");
        await connection.OpenAsync();
        return connection;
    }
}

// Each suite of the specification, inherited by subclassing: every test of the base runs on the adapter.
public sealed class TenancyTests(SqliteAdapterHarness harness) : TenancyConformance(harness), IClassFixture<SqliteAdapterHarness>;
public sealed class CouponTests(SqliteAdapterHarness harness) : CouponConformance(harness), IClassFixture<SqliteAdapterHarness>;
public sealed class RedemptionTests(SqliteAdapterHarness harness) : RedemptionConformance(harness), IClassFixture<SqliteAdapterHarness>;
public sealed class RaceTests(SqliteAdapterHarness harness) : RaceConformance(harness), IClassFixture<SqliteAdapterHarness>;
public sealed class IsolationTests(SqliteAdapterHarness harness) : IsolationConformance(harness), IClassFixture<SqliteAdapterHarness>;
public sealed class SessionTests(SqliteAdapterHarness harness) : SessionConformance(harness), IClassFixture<SqliteAdapterHarness>;
