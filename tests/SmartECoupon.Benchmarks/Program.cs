// SmartECoupon benchmark harness. Usage:
//   dotnet run -c Release --project tests/SmartECoupon.Benchmarks -- [--quick] [--provider sqlite|postgresql|both] [--scenario codes|export|all]
// PostgreSQL runs need SMARTECOUPON_BENCH_POSTGRES (or SMARTECOUPON_TEST_POSTGRES): an owner login that may create databases.
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SmartECoupon;
using SmartECoupon.Auditing;
using SmartECoupon.Coupons;
using SmartECoupon.Portability;
using SmartECoupon.Storage.EfCore;
using SmartECoupon.Tenancy;

var quick = args.Contains("--quick");
var providerArg = Arg("--provider") ?? "both";
var scenario = Arg("--scenario") ?? "all";
var codeCount = quick ? 20_000 : 1_000_000;
var exportRows = quick ? 50_000 : 1_000_000;
var postgres = Environment.GetEnvironmentVariable("SMARTECOUPON_BENCH_POSTGRES") ?? Environment.GetEnvironmentVariable("SMARTECOUPON_TEST_POSTGRES");

var providers = new List<StorageProvider>();
if (providerArg is "both" or "sqlite")
{
    providers.Add(StorageProvider.Sqlite);
}
if (providerArg is "both" or "postgresql")
{
    if (postgres is null)
    {
        Console.Error.WriteLine("PostgreSQL skipped: set SMARTECOUPON_BENCH_POSTGRES.");
    }
    else
    {
        providers.Add(StorageProvider.PostgreSql);
    }
}

Console.WriteLine($"SmartECoupon benchmarks ({(quick ? "quick" : "full")}) on {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd}");
foreach (var provider in providers)
{
    await using var database = await BenchDatabase.CreateAsync(provider, postgres);
    if (scenario is "all" or "codes")
    {
        var seconds = await GenerateCodesAsync(database.Services, codeCount);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{provider,-10} generate {codeCount:N0} one-time codes: {seconds:F2} s ({codeCount / seconds:N0} codes/s)"));
    }
    if (scenario is "all" or "export")
    {
        await ExportBenchmark.RunAsync(database, provider, exportRows);
    }
}

static async Task<double> GenerateCodesAsync(IServiceProvider services, int count)
{
    var operatorActor = Actor.Operator("opr_bench");
    var created = await services.GetRequiredService<TenantService>().CreateAsync("bench", TenantPlan.Premium, "bench", operatorActor);
    using var scope = services.GetRequiredService<ITenantContext>().BeginScope(created.Value!.Tenant.Id);
    var admin = Actor.Member(created.Value.Admin.Id);
    var coupons = services.GetRequiredService<CouponService>();
    var coupon = (await coupons.CreateAsync(new CouponDraft { Title = "bench", Benefit = "bench" }, admin)).Value!;
    var watch = Stopwatch.StartNew();
    var generated = await coupons.GenerateCodesAsync(coupon.Id, count, admin);
    watch.Stop();
    if (generated.Value != count)
    {
        throw new InvalidOperationException($"Generated {generated.Value} codes, not {count}.");
    }
    return watch.Elapsed.TotalSeconds;
}

string? Arg(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

/// <summary>A fresh, migrated database for one provider, removed afterwards.</summary>
internal sealed class BenchDatabase : IAsyncDisposable
{
    private readonly string? _folder;
    private readonly string? _adminConnection;
    private readonly string? _databaseName;

    private BenchDatabase(ServiceProvider services, string? folder, string? adminConnection, string? databaseName)
    {
        Services = services;
        _folder = folder;
        _adminConnection = adminConnection;
        _databaseName = databaseName;
    }

    public ServiceProvider Services { get; }

    public string ConnectionString { get; private set; } = "";

    public static async Task<BenchDatabase> CreateAsync(StorageProvider provider, string? postgres)
    {
        string connectionString;
        string? folder = null;
        string? name = null;
        if (provider == StorageProvider.Sqlite)
        {
            folder = Path.Combine(Path.GetTempPath(), "smartecoupon-bench", Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            connectionString = $"Data Source={Path.Combine(folder, "bench.db")}";
        }
        else
        {
            name = "secbench_" + Guid.NewGuid().ToString("N")[..12];
            await using (var admin = new NpgsqlConnection(postgres))
            {
                await admin.OpenAsync();
                await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
                await create.ExecuteNonQueryAsync();
            }
            connectionString = new NpgsqlConnectionStringBuilder(postgres) { Database = name }.ToString();
        }
        var services = new ServiceCollection();
        services.AddSmartECoupon().AddEntityFrameworkCoreStores(o =>
        {
            o.Provider = provider;
            o.ConnectionString = connectionString;
        });
        var provider_ = services.BuildServiceProvider();
        await provider_.GetRequiredService<SmartECouponStorage>().MigrateAsync();
        return new BenchDatabase(provider_, folder, provider == StorageProvider.PostgreSql ? postgres : null, name) { ConnectionString = connectionString };
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        if (_folder is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(_folder, recursive: true);
        }
        if (_adminConnection is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(_adminConnection);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_databaseName} WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
