using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SmartECoupon.Retention;
using SmartECoupon.Storage.EfCore;

/// <summary>
/// A backup and a restore of a database holding the given number of redemptions through <see cref="BackupService"/>
/// (checksum, manifest, row counts, integrity check, purges re-applied), next to the database's own tool doing the bare
/// copy in the same run: SQLite's <c>VACUUM INTO</c> and online backup API; PostgreSQL's <c>pg_dump -Fc</c> and
/// <c>pg_restore --clean --single-transaction</c>.
/// </summary>
internal static class BackupBenchmark
{
    public static async Task RunAsync(BenchDatabase database, StorageProvider provider, int rows, BenchReport report)
    {
        await ExportBenchmark.SeedTenantAsync(database, provider, rows);
        var backups = database.Services.GetRequiredService<BackupService>();
        var rawFile = Path.Combine(database.Folder, "raw-backup." + (provider == StorageProvider.Sqlite ? "sqlite" : "dump"));

        var rawBackup = await TimeAsync(() => RawBackupAsync(provider, database.ConnectionString, rawFile));
        BackupManifest? manifest = null;
        var backup = await TimeAsync(async () => manifest = await backups.CreateAsync());
        if (manifest!.RowCounts["redemptions"] != rows)
        {
            throw new InvalidOperationException($"The backup holds {manifest.RowCounts["redemptions"]} redemptions, not {rows}.");
        }
        var rawRestore = await TimeAsync(() => RawRestoreAsync(provider, database.ConnectionString, rawFile));
        RestoreReport? restored = null;
        var restore = await TimeAsync(async () => restored = await backups.RestoreAsync(manifest.Id));
        if (!restored!.IntegrityOk || !restored.RowCountsMatch || restored.RowCounts["redemptions"] != rows)
        {
            throw new InvalidOperationException($"The restore did not check out: {restored.IntegrityDetail}.");
        }

        var size = new FileInfo(Path.Combine(database.BackupFolder, manifest.FileName)).Length / (1024.0 * 1024);
        Add(report, provider, rows, "backup", backup, rawBackup, $"{size:F0} MB file with SHA-256 and manifest; baseline: {(provider == StorageProvider.Sqlite ? "VACUUM INTO" : "pg_dump -Fc")}");
        Add(report, provider, rows, "restore", restore, rawRestore, $"checksum verified, integrity checked, row counts compared; baseline: {(provider == StorageProvider.Sqlite ? "online backup API" : "pg_restore --single-transaction")}");
    }

    private static void Add(BenchReport report, StorageProvider provider, int rows, string what, TimeSpan measured, TimeSpan baseline, string note) => report.Add(new BenchRow
    {
        Scenario = what,
        Provider = provider.ToString(),
        Case = $"database with {rows:N0} redemptions",
        Variant = "library",
        Value = measured.TotalSeconds,
        Unit = "s",
        Baseline = baseline.TotalSeconds,
        Ratio = baseline.TotalSeconds / measured.TotalSeconds,
        Note = note,
    });

    private static async Task<TimeSpan> TimeAsync(Func<Task> run)
    {
        var watch = Stopwatch.StartNew();
        await run();
        return watch.Elapsed;
    }

    private static async Task RawBackupAsync(StorageProvider provider, string connectionString, string file)
    {
        if (provider == StorageProvider.Sqlite)
        {
            await using var connection = new SqliteConnection(connectionString);
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "VACUUM INTO $path";
            command.Parameters.AddWithValue("$path", file);
            await command.ExecuteNonQueryAsync();
            return;
        }
        await PostgreSqlToolAsync("pg_dump", connectionString, ["--format=custom", $"--file={file}", "--enable-row-security", "--role=smartecoupon_platform"]);
    }

    private static async Task RawRestoreAsync(StorageProvider provider, string connectionString, string file)
    {
        if (provider == StorageProvider.Sqlite)
        {
            await using var source = new SqliteConnection($"Data Source={file};Mode=ReadOnly;Pooling=False");
            await using var live = new SqliteConnection(connectionString + ";Pooling=False");
            await source.OpenAsync();
            await live.OpenAsync();
            source.BackupDatabase(live);
            return;
        }
        NpgsqlConnection.ClearAllPools();
        await PostgreSqlToolAsync("pg_restore", connectionString, ["--clean", "--if-exists", "--no-owner", "--no-acl", "--single-transaction", "--exit-on-error", file]);
    }

    private static async Task PostgreSqlToolAsync(string tool, string connectionString, string[] arguments)
    {
        var connection = new NpgsqlConnectionStringBuilder(connectionString);
        var start = new ProcessStartInfo(FindTool(tool)) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.ArgumentList.Add($"--host={connection.Host}");
        start.ArgumentList.Add($"--port={connection.Port}");
        start.ArgumentList.Add($"--username={connection.Username}");
        start.ArgumentList.Add($"--dbname={connection.Database}");
        start.Environment["PGPASSWORD"] = connection.Password ?? "";
        using var process = Process.Start(start)!;
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} failed: {errors}");
        }
    }

    private static string FindTool(string tool)
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("SMARTECOUPON_PG_BIN") is { Length: > 0 } bin)
        {
            candidates.Add(Path.Combine(bin, tool));
        }
        if (Directory.Exists("/usr/lib/postgresql"))
        {
            candidates.AddRange(Directory.GetDirectories("/usr/lib/postgresql").OrderDescending().Select(d => Path.Combine(d, "bin", tool)));
        }
        return candidates.FirstOrDefault(File.Exists) ?? tool;
    }
}
