// SmartECoupon benchmark harness: each figure of the library next to a baseline measured in the same run on the same
// database. See docs/benchmarks.md for what each scenario does and the last full run's table.
//
//   dotnet run -c Release --project tests/SmartECoupon.Benchmarks -- [--quick] [--provider sqlite|postgresql|both]
//       [--scenario redeem|codes|export|backup|all] [--shape spread|hot] [--workers 1,8,32] [--no-http] [--window <seconds>]
//       [--json <path>] [--trace-sql] [--breakdown]
//
// Writes the table to the console, and as JSON and Markdown (the same path with .md) under artifacts/benchmarks/.
//
// PostgreSQL runs need SMARTECOUPON_BENCH_POSTGRES (or SMARTECOUPON_TEST_POSTGRES): an owner login that may create
// databases. --quick runs every scenario small (CI runs it so that the harness cannot rot); without it, the full run.
using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Npgsql;
using SmartECoupon.Storage.EfCore;

var settings = BenchSettings.From(args);
var postgres = Environment.GetEnvironmentVariable("SMARTECOUPON_BENCH_POSTGRES") ?? Environment.GetEnvironmentVariable("SMARTECOUPON_TEST_POSTGRES");
var providers = new List<StorageProvider>();
if (settings.Provider is "both" or "sqlite")
{
    providers.Add(StorageProvider.Sqlite);
}
if (settings.Provider is "both" or "postgresql")
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

var machine = BenchReport.Machine(postgres is null || !providers.Contains(StorageProvider.PostgreSql) ? null : await PostgreSqlVersionAsync(postgres), SqliteVersion());
Console.WriteLine($"SmartECoupon benchmarks ({(settings.Quick ? "quick" : "full")}), {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
foreach (var (key, value) in machine)
{
    Console.WriteLine($"  {key}: {value}");
}

if (args.Contains("--breakdown"))
{
    foreach (var provider in providers)
    {
        await using var database = await BenchDatabase.CreateAsync(provider, postgres);
        await Breakdown.RunAsync(database, provider);
    }
    return;
}

if (args.Contains("--trace-sql"))
{
    BenchDatabase.SqlTrace = new SqlTraceLoggerProvider();
    foreach (var provider in providers)
    {
        await using var database = await BenchDatabase.CreateAsync(provider, postgres);
        await RedemptionBenchmark.TraceAsync(database, provider, BenchDatabase.SqlTrace);
    }
    return;
}

var report = new BenchReport(settings.Quick);
var total = Stopwatch.StartNew();
foreach (var provider in providers)
{
    if (settings.Runs("redeem"))
    {
        Console.WriteLine($"{provider}: redemption");
        await using var database = await BenchDatabase.CreateAsync(provider, postgres);
        await RedemptionBenchmark.RunAsync(database, provider, settings, report);
    }
    if (settings.Runs("codes"))
    {
        Console.WriteLine($"{provider}: one-time codes");
        await using var database = await BenchDatabase.CreateAsync(provider, postgres);
        await CodesBenchmark.RunAsync(database, provider, settings.Codes, report);
    }
    if (settings.Runs("export"))
    {
        Console.WriteLine($"{provider}: CSV export");
        await using var database = await BenchDatabase.CreateAsync(provider, postgres);
        await ExportBenchmark.RunAsync(database, provider, settings.ExportRows, report);
    }
    if (settings.Runs("backup"))
    {
        Console.WriteLine($"{provider}: backup and restore");
        await using var database = await BenchDatabase.CreateAsync(provider, postgres);
        await BackupBenchmark.RunAsync(database, provider, settings.BackupRows, report);
    }
}

report.PrintTable();
Console.WriteLine($"Whole run: {total.Elapsed.TotalSeconds:F0} s");
await report.WriteJsonAsync(settings.JsonPath, machine);
await report.WriteMarkdownAsync(Path.ChangeExtension(settings.JsonPath, ".md"), machine, "dotnet run -c Release --project tests/SmartECoupon.Benchmarks" + (args.Length == 0 ? "" : " -- " + string.Join(' ', args)));
var missed = report.Rows.Count(r => r.MeetsTarget == false);
Console.WriteLine(missed == 0 ? "Every figure with a target met it." : $"{missed} figure(s) under target (targets are goals, not assertions; see docs/benchmarks.md).");

static async Task<string> PostgreSqlVersionAsync(string connectionString)
{
    await using var connection = new NpgsqlConnection(connectionString);
    await connection.OpenAsync();
    await using var command = new NpgsqlCommand("SHOW server_version", connection);
    return "PostgreSQL " + await command.ExecuteScalarAsync();
}

static string SqliteVersion()
{
    using var connection = new SqliteConnection("Data Source=:memory:");
    connection.Open();
    using var command = connection.CreateCommand();
    command.CommandText = "SELECT sqlite_version()";
    return "SQLite " + command.ExecuteScalar();
}

/// <summary>The sizes and durations of a run, full or quick.</summary>
internal sealed record BenchSettings
{
    public bool Quick { get; init; }
    public string Provider { get; init; } = "both";
    public string Scenario { get; init; } = "all";
    public bool Http { get; init; } = true;
    public string JsonPath { get; init; } = "";
    public TimeSpan WarmUp { get; init; }
    public TimeSpan Window { get; init; }
    public TimeSpan HostWarmUp { get; init; }
    public int[] Workers { get; init; } = [1, 8, 32];
    public string[] Shapes { get; init; } = [RedemptionShapes.Spread, RedemptionShapes.Hot];
    public int SpreadCoupons { get; init; } = 10_000;
    public int HotTickets { get; init; } = 10_000;
    public int Codes { get; init; }
    public int ExportRows { get; init; }
    public int BackupRows { get; init; }

    public bool Runs(string scenario) => Scenario == "all" || Scenario == scenario;

    public static BenchSettings From(string[] args)
    {
        var quick = args.Contains("--quick");
        string? Arg(string name)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        }
        var scenario = Arg("--scenario") ?? "all";
        if (scenario is not ("all" or "redeem" or "codes" or "export" or "backup"))
        {
            throw new ArgumentException($"Unknown scenario '{scenario}': redeem, codes, export, backup or all.");
        }
        return new BenchSettings
        {
            Quick = quick,
            Provider = Arg("--provider") ?? "both",
            Scenario = scenario,
            Http = !args.Contains("--no-http"),
            JsonPath = Arg("--json") ?? Path.Combine("artifacts", "benchmarks", quick ? "quick.json" : "full.json"),
            WarmUp = quick ? TimeSpan.FromMilliseconds(300) : TimeSpan.FromSeconds(3),
            HostWarmUp = quick ? TimeSpan.FromSeconds(4) : TimeSpan.FromSeconds(15),
            Window = Arg("--window") is { } window ? TimeSpan.FromSeconds(double.Parse(window, System.Globalization.CultureInfo.InvariantCulture))
                : quick ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(15),
            Workers = Arg("--workers") is { } workers ? [.. workers.Split(',').Select(w => int.Parse(w, System.Globalization.CultureInfo.InvariantCulture))] : [1, 8, 32],
            Shapes = Arg("--shape") is { } shape ? [shape] : [RedemptionShapes.Spread, RedemptionShapes.Hot],
            Codes = quick ? 20_000 : 1_000_000,
            ExportRows = quick ? 50_000 : 1_000_000,
            BackupRows = quick ? 50_000 : 1_000_000,
        };
    }
}
