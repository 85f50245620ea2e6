using System.Data;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using SmartECoupon.Storage.EfCore.Tenancy;

namespace SmartECoupon.Storage.EfCore.Backup;

/// <summary>
/// SQLite: <c>VACUUM INTO</c> writes a consistent, fully checkpointed copy while the database stays in use (readers and
/// writers go on; no stale WAL files travel with it). A restore copies the backup's pages into the live database with
/// SQLite's online backup API, then runs <c>PRAGMA integrity_check</c>.
/// </summary>
internal sealed class SqliteDatabaseBackup(IOptions<EfCoreStorageOptions> options, SqliteWriteGate writeGate, TenantFootprint footprint) : IDatabaseBackup
{
    public string FileExtension => "sqlite";

    public async Task<IReadOnlyDictionary<string, long>> ScrubTenantAsync(string path, string tenantId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        // Worked on a copy that replaces the backup only when complete: a scrub cut short leaves the backup as it was.
        var scratch = path + ".scrub";
        File.Copy(path, scratch, overwrite: true);
        try
        {
            IReadOnlyDictionary<string, long> rows;
            var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = scratch, Pooling = false }.ToString());
            await using (connection.ConfigureAwait(false))
            {
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    foreach (var (table, column) in footprint.Tables)
                    {
                        var delete = connection.CreateCommand();
                        await using (delete.ConfigureAwait(false))
                        {
                            delete.Transaction = transaction;
                            delete.CommandText = $"DELETE FROM \"{table}\" WHERE \"{column}\" = $tenant";
                            delete.Parameters.AddWithValue("$tenant", tenantId);
                            await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                        }
                    }
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                }
                // Deleted rows stay in the file's free pages until it is rewritten: VACUUM rewrites it without them.
                await ScalarAsync(connection, "VACUUM", cancellationToken).ConfigureAwait(false);
                rows = await CountRowsAsync(connection, cancellationToken).ConfigureAwait(false);
            }
            File.Move(scratch, path, overwrite: true);
            return rows;
        }
        finally
        {
            File.Delete(scratch);
        }
    }

    private string LiveConnectionString => new SqliteConnectionStringBuilder(options.Value.EffectiveConnectionString) { Pooling = false }.ToString();

    public async Task<IReadOnlyDictionary<string, long>> BackupToAsync(string path, CancellationToken cancellationToken = default)
    {
        var live = new SqliteConnection(LiveConnectionString);
        await using (live.ConfigureAwait(false))
        {
            await live.OpenAsync(cancellationToken).ConfigureAwait(false);
            var command = live.CreateCommand();
            await using (command.ConfigureAwait(false))
            {
                command.CommandText = "VACUUM INTO $path";
                command.Parameters.AddWithValue("$path", path);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        var copy = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await using (copy.ConfigureAwait(false))
        {
            await copy.OpenAsync(cancellationToken).ConfigureAwait(false);
            return await CountRowsAsync(copy, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<RestoreCheck> RestoreFromAsync(string path, CancellationToken cancellationToken = default)
    {
        using var gate = await writeGate.EnterAsync(StorageProvider.Sqlite, cancellationToken).ConfigureAwait(false);
        var source = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        var live = new SqliteConnection(LiveConnectionString);
        await using (source.ConfigureAwait(false))
        await using (live.ConfigureAwait(false))
        {
            await source.OpenAsync(cancellationToken).ConfigureAwait(false);
            await live.OpenAsync(cancellationToken).ConfigureAwait(false);
            source.BackupDatabase(live);
            var detail = (string?)await ScalarAsync(live, "PRAGMA integrity_check", cancellationToken).ConfigureAwait(false) ?? "";
            await ScalarAsync(live, "PRAGMA journal_mode = WAL", cancellationToken).ConfigureAwait(false);
            var rows = await CountRowsAsync(live, cancellationToken).ConfigureAwait(false);
            SqliteConnection.ClearAllPools();
            return new RestoreCheck(detail == "ok", "PRAGMA integrity_check: " + detail, rows);
        }
    }

    private static async Task<IReadOnlyDictionary<string, long>> CountRowsAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        var tables = new List<string>();
        var list = connection.CreateCommand();
        await using (list.ConfigureAwait(false))
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";
            var reader = await list.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    tables.Add(reader.GetString(0));
                }
            }
        }
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var table in tables)
        {
            counts[table] = Convert.ToInt64(await ScalarAsync(connection, $"SELECT count(*) FROM \"{table.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        }
        return counts;
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        var command = connection.CreateCommand();
        await using (command.ConfigureAwait(false))
        {
            command.CommandText = sql;
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}

/// <summary>
/// PostgreSQL: <c>pg_dump</c> in custom format, from a snapshot exported by a repeatable-read transaction in which the
/// rows of every table are counted too, so the manifest's counts are exactly the dump's. Row-level security binds even
/// the owner, so the dump's session declares the cross-tenant scope that the policies admit. A restore runs
/// <c>pg_restore --clean --single-transaction</c> (all or nothing), grants the request role again, and counts the rows.
/// </summary>
internal sealed class PostgreSqlDatabaseBackup(IOptions<EfCoreStorageOptions> options, PostgreSqlConnections connections, TenantFootprint footprint) : IDatabaseBackup
{
    public string FileExtension => "dump";

    public Task<IReadOnlyDictionary<string, long>> BackupToAsync(string path, CancellationToken cancellationToken = default) =>
        DumpAsync(options.Value.OwnerOrMainConnectionString, path, cancellationToken);

    /// <summary>
    /// A dump in custom format is compressed and cannot be edited in place: it is restored into a scratch database of its
    /// own (the owner needs CREATEDB), the tenant's rows are deleted there, and the scratch database is dumped again over
    /// the backup. The scratch database is dropped whatever happens.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, long>> ScrubTenantAsync(string path, string tenantId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        var owner = options.Value.OwnerOrMainConnectionString;
        var scratchName = "smartecoupon_scrub_" + Guid.NewGuid().ToString("N")[..16];
        var scratch = new NpgsqlConnectionStringBuilder(owner) { Database = scratchName, Pooling = false }.ToString();
        var rewritten = path + ".scrub";
        await ExecuteAsync(owner, $"CREATE DATABASE {scratchName}", cancellationToken).ConfigureAwait(false);
        try
        {
            // With the grants (the dump's session reads as the platform role), without the owner (the scratch is ours).
            await RunAsync("pg_restore", ["--no-owner", "--single-transaction", "--exit-on-error", path], cancellationToken, scratch).ConfigureAwait(false);
            var connection = new NpgsqlConnection(scratch);
            await using (connection.ConfigureAwait(false))
            {
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    // The owner of the scratch copy lifts FORCE for the deletes, in this transaction only, and puts it back.
                    var tables = footprint.Tables.Select(t => PostgreSqlSessionInterceptor.QuoteIdentifier(t.Table)).Distinct().ToList();
                    foreach (var table in tables)
                    {
                        await ScalarAsync(connection, $"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY", cancellationToken).ConfigureAwait(false);
                    }
                    foreach (var (table, column) in footprint.Tables)
                    {
                        var delete = new NpgsqlCommand($"DELETE FROM {PostgreSqlSessionInterceptor.QuoteIdentifier(table)} WHERE {PostgreSqlSessionInterceptor.QuoteIdentifier(column)} = @tenant", connection, transaction);
                        await using (delete.ConfigureAwait(false))
                        {
                            delete.Parameters.AddWithValue("tenant", tenantId);
                            await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                        }
                    }
                    foreach (var table in tables)
                    {
                        await ScalarAsync(connection, $"ALTER TABLE {table} FORCE ROW LEVEL SECURITY", cancellationToken).ConfigureAwait(false);
                    }
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            var rows = await DumpAsync(scratch, rewritten, cancellationToken).ConfigureAwait(false);
            File.Move(rewritten, path, overwrite: true);
            return rows;
        }
        finally
        {
            File.Delete(rewritten);
            await DropAsync(owner, scratchName).ConfigureAwait(false);
        }
    }

    // Our own sessions on the scratch database are closed; an autovacuum worker may have started on it after the restore,
    // which DROP DATABASE stops by itself (waiting up to 5 s), where FORCE would need the right to signal it.
    private static async Task DropAsync(string owner, string database)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await ExecuteAsync(owner, $"DROP DATABASE IF EXISTS {database}", CancellationToken.None).ConfigureAwait(false);
                return;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ObjectInUse && attempt < 5)
            {
                await Task.Delay(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
            }
        }
    }

    private static async Task ExecuteAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ToString());
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await ScalarAsync(connection, sql, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<IReadOnlyDictionary<string, long>> DumpAsync(string connectionString, string path, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(connectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                // The platform role's policy admits every tenant's rows; the owner is bound like anyone else (FORCE).
                await ScalarAsync(connection, $"SELECT set_config('role', '{RowLevelSecurity.PlatformRole}', true)", cancellationToken).ConfigureAwait(false);
                var snapshot = (string)(await ScalarAsync(connection, "SELECT pg_export_snapshot()", cancellationToken).ConfigureAwait(false))!;
                var rows = await CountRowsAsync(connection, cancellationToken).ConfigureAwait(false);
                await RunAsync("pg_dump", ["--format=custom", $"--snapshot={snapshot}", "--enable-row-security", $"--role={RowLevelSecurity.PlatformRole}", $"--file={path}"], cancellationToken, connectionString).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return rows;
            }
        }
    }

    public async Task<RestoreCheck> RestoreFromAsync(string path, CancellationToken cancellationToken = default)
    {
        // Idle connections of this database's pools go, so none outlives the tables it saw.
        connections.Clear();
        using (var pooled = new NpgsqlConnection(options.Value.OwnerOrMainConnectionString))
        {
            NpgsqlConnection.ClearPool(pooled);
        }
        var output = await RunAsync("pg_restore", ["--clean", "--if-exists", "--no-owner", "--no-acl", "--single-transaction", "--exit-on-error", path], cancellationToken).ConfigureAwait(false);
        connections.Clear();
        using (var pooled = new NpgsqlConnection(options.Value.OwnerOrMainConnectionString))
        {
            NpgsqlConnection.ClearPool(pooled);
        }
        var connection = new NpgsqlConnection(options.Value.OwnerOrMainConnectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await PostgreSqlRequestRole.PrepareAsync(connection, options.Value, cancellationToken).ConfigureAwait(false);
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                await ScalarAsync(connection, $"SELECT set_config('role', '{RowLevelSecurity.PlatformRole}', true)", cancellationToken).ConfigureAwait(false);
                var rows = await CountRowsAsync(connection, cancellationToken).ConfigureAwait(false);
                return new RestoreCheck(true, "pg_restore completed in one transaction" + (output.Length > 0 ? ": " + output : ""), rows);
            }
        }
    }

    private async Task<string> RunAsync(string tool, IEnumerable<string> arguments, CancellationToken cancellationToken, string? connectionString = null)
    {
        var connection = new NpgsqlConnectionStringBuilder(connectionString ?? options.Value.OwnerOrMainConnectionString);
        var start = new ProcessStartInfo(PostgreSqlTools.Find(tool, options.Value.PostgreSqlBinFolder))
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.ArgumentList.Add("--no-password");
        start.ArgumentList.Add($"--host={connection.Host}");
        start.ArgumentList.Add($"--port={connection.Port.ToString(CultureInfo.InvariantCulture)}");
        start.ArgumentList.Add($"--username={connection.Username}");
        start.ArgumentList.Add($"--dbname={connection.Database}");
        start.Environment["PGPASSWORD"] = connection.Password ?? "";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start.");
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        var errors = (await stderr.ConfigureAwait(false)).Trim();
        await stdout.ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} failed with exit code {process.ExitCode}: {errors}");
        }
        return errors;
    }

    private static async Task<IReadOnlyDictionary<string, long>> CountRowsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var tables = new List<string>();
        var list = new NpgsqlCommand("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename", connection);
        await using (list.ConfigureAwait(false))
        {
            var reader = await list.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    tables.Add(reader.GetString(0));
                }
            }
        }
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var table in tables)
        {
            counts[table] = (long)(await ScalarAsync(connection, $"SELECT count(*) FROM {PostgreSqlSessionInterceptor.QuoteIdentifier(table)}", cancellationToken).ConfigureAwait(false))!;
        }
        return counts;
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(sql, connection);
        await using (command.ConfigureAwait(false))
        {
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}

/// <summary>Finds PostgreSQL's command-line tools.</summary>
internal static class PostgreSqlTools
{
    public static string Find(string tool, string? folder)
    {
        if (!string.IsNullOrEmpty(folder))
        {
            return Path.Combine(folder, tool);
        }
        // Debian keeps each version's tools in /usr/lib/postgresql/<version>/bin; take the newest, which reads older servers.
        var installed = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => (Version: int.TryParse(Path.GetFileName(d), out var v) ? v : 0, Path: Path.Combine(d, "bin", tool)))
                .Where(c => File.Exists(c.Path))
                .OrderByDescending(c => c.Version)
                .Select(c => c.Path)
                .FirstOrDefault()
            : null;
        return installed ?? tool;
    }
}

/// <summary>
/// Where a tenant's rows are, from the entity model: every table with a tenant column (children before the tables they
/// reference), the directory's entries, the purge record, and last the tenant's own row.
/// </summary>
internal sealed class TenantFootprint(SmartECouponDbContextFactory factory)
{
    private IReadOnlyList<(string Table, string Column)>? _tables;

    public IReadOnlyList<(string Table, string Column)> Tables => _tables ??= Build();

    private List<(string Table, string Column)> Build()
    {
        var db = factory.ForPlatform();
        using (db)
        {
            var model = db.Model;
            (string, string) Of(Type row, string property)
            {
                var entity = model.FindEntityType(row)!;
                return (entity.GetTableName()!, entity.FindProperty(property)!.GetColumnName());
            }
            var tables = Repositories.EfTenantPurgeRepository.TablesChildrenFirst(model)
                .Select(e => Of(e.ClrType, nameof(Rows.ITenantRow.TenantId)))
                .ToList();
            tables.Add(Of(typeof(Rows.DirectoryRow), nameof(Rows.DirectoryRow.OwnerTenantId)));
            tables.Add(Of(typeof(Rows.PurgeRecordRow), nameof(Rows.PurgeRecordRow.PurgedTenantId)));
            tables.Add(Of(typeof(Rows.TenantRow), nameof(Rows.TenantRow.TenantId)));
            return tables;
        }
    }
}
