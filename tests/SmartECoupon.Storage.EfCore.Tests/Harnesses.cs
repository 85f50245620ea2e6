using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using SmartECoupon.Storage.Specification;

namespace SmartECoupon.Storage.EfCore.Tests;

/// <summary>What both harnesses share: the services a host would register, a fake clock, a fresh migrated database.</summary>
public abstract class EfHarness : IStorageHarness, IAsyncLifetime
{
    private ServiceProvider? _services;

    public string WorkFolder { get; } = Path.Combine(Path.GetTempPath(), "smartecoupon-tests", Guid.NewGuid().ToString("N"));

    public abstract string Name { get; }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 28, 0, 0, 0, TimeSpan.Zero)) { AutoAdvanceAmount = TimeSpan.FromTicks(10) };

    public IServiceProvider Services => _services ?? throw SkipOrFail();

    protected abstract Task<string?> CreateDatabaseAsync();

    protected abstract StorageProvider Provider { get; }

    protected virtual Exception SkipOrFail() => new InvalidOperationException($"The {Name} harness did not start.");

    public abstract Task<long> CountAsync(StoredRows rows, string tenantId, string? couponId = null);

    public abstract Task<IReadOnlyList<string>> FindTenantTracesAsync(string tenantId);

    public abstract Task<IReadOnlyList<string>> ReadBackupRowsAsync(string path);

    public abstract Task SeedRedemptionsAsync(string tenantId, string couponId, int count);

    /// <summary>Eight characters that keep the ids of one seeding apart from another's.</summary>
    protected static string SeedBatch() => Guid.NewGuid().ToString("N")[..8];

    /// <summary>Whether <see cref="InitializeAsync"/> migrates the new database (turn off to get a pristine one).</summary>
    public bool MigrateOnStart { get; init; } = true;

    /// <summary>The connection string of the harness's database, once created.</summary>
    public string? DatabaseConnectionString { get; private set; }

    public async Task InitializeAsync()
    {
        DatabaseConnectionString = await CreateDatabaseAsync();
        if (DatabaseConnectionString is null)
        {
            return;
        }
        _services = BuildServices(DatabaseConnectionString);
        if (MigrateOnStart)
        {
            await _services.GetRequiredService<SmartECouponStorage>().MigrateAsync();
            await ListeningAsync(_services);
        }
    }

    /// <summary>
    /// PostgreSQL: waits until the instance listens for other instances' changes. Its listener drops every cache when it
    /// connects, which must not happen in the middle of a test that checks what a cache remembers.
    /// </summary>
    public static async Task ListeningAsync(IServiceProvider services)
    {
        if (services.GetRequiredService<SmartECoupon.Tenancy.ITenancyChangeFeed>() is not Tenancy.PostgreSqlTenancyChangeFeed feed)
        {
            return;
        }
        using var started = feed.Subscribe(_ => { });
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!feed.IsListening)
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(10))
            {
                throw new TimeoutException("The tenancy-change listener did not connect within 10 seconds.");
            }
            await Task.Delay(10);
        }
    }

    public ServiceProvider BuildServices(string connectionString)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(Time);
        services.AddSmartECoupon(o =>
        {
            o.Backups.Folder = Path.Combine(WorkFolder, "backups");
            o.Uploads.Folder = Path.Combine(WorkFolder, "uploads");
        }).AddEntityFrameworkCoreStores(o =>
        {
            o.Provider = Provider;
            o.ConnectionString = connectionString;
            ConfigureStorage(o);
        });
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    /// <summary>Adjusts the storage options a harness's services use.</summary>
    protected virtual void ConfigureStorage(EfCoreStorageOptions options)
    {
    }

    public virtual async Task DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }
        try
        {
            Directory.Delete(WorkFolder, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>The SQL each row kind is counted with; parameters are @tenant and @coupon.</summary>
    protected static string CountSql(StoredRows rows) => rows switch
    {
        StoredRows.LiveRedemptions => "SELECT count(*) FROM redemptions WHERE tenant_id = @tenant AND coupon_id = @coupon AND voided_at IS NULL",
        StoredRows.Redemptions => "SELECT count(*) FROM redemptions WHERE tenant_id = @tenant AND coupon_id = @coupon",
        StoredRows.Tickets => "SELECT count(*) FROM tickets WHERE tenant_id = @tenant AND coupon_id = @coupon",
        StoredRows.OneTimeCodes => "SELECT count(*) FROM codes WHERE tenant_id = @tenant AND coupon_id = @coupon AND kind = 'one_time'",
        StoredRows.Members => "SELECT count(*) FROM members WHERE tenant_id = @tenant",
        StoredRows.Stores => "SELECT count(*) FROM stores WHERE tenant_id = @tenant",
        StoredRows.PublishedCoupons => "SELECT count(*) FROM coupons WHERE tenant_id = @tenant AND status = 'published'",
        StoredRows.AuditEntries => "SELECT count(*) FROM audit_entries WHERE tenant_id = @tenant",
        _ => throw new ArgumentOutOfRangeException(nameof(rows)),
    };
}

/// <summary>A SQLite database file of its own in a temporary folder.</summary>
public sealed class SqliteHarness : EfHarness
{
    public override string Name => "SQLite";

    protected override StorageProvider Provider => StorageProvider.Sqlite;

    public string DatabasePath => Path.Combine(WorkFolder, "smartecoupon.db");

    protected override Task<string?> CreateDatabaseAsync()
    {
        Directory.CreateDirectory(WorkFolder);
        return Task.FromResult<string?>($"Data Source={DatabasePath}");
    }

    public override async Task<long> CountAsync(StoredRows rows, string tenantId, string? couponId = null)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = CountSql(rows);
        command.Parameters.AddWithValue("@tenant", tenantId);
        command.Parameters.AddWithValue("@coupon", (object?)couponId ?? DBNull.Value);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public override async Task<IReadOnlyList<string>> ReadBackupRowsAsync(string path)
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

    public override async Task<IReadOnlyList<string>> FindTenantTracesAsync(string tenantId)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
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
            count.CommandText = $"SELECT count(*) FROM \"{table}\" WHERE instr(\"{column}\", $tenant) > 0";
            count.Parameters.AddWithValue("$tenant", tenantId);
            var rows = (long)(await count.ExecuteScalarAsync())!;
            if (rows > 0)
            {
                traces.Add($"{table}.{column}: {rows}");
            }
        }
        return traces;
    }

    public override async Task SeedRedemptionsAsync(string tenantId, string couponId, int count)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $count)
            INSERT INTO redemptions (tenant_id, id, coupon_id, ticket_id, one_time_code, user_key, store_id, channel, redeemed_at, redeemed_by, voided_at, voided_by)
            SELECT $tenant, printf('red_%s%018d', $batch, i), $coupon, NULL, NULL, 'user-' || i, NULL, 'api', $at + i, 'mem_seed', NULL, NULL FROM n
            """;
        command.Parameters.AddWithValue("$count", count);
        command.Parameters.AddWithValue("$tenant", tenantId);
        command.Parameters.AddWithValue("$coupon", couponId);
        command.Parameters.AddWithValue("$batch", SeedBatch());
        command.Parameters.AddWithValue("$at", (Time.GetUtcNow().UtcTicks - DateTimeOffset.UnixEpoch.Ticks) / TimeSpan.TicksPerMicrosecond);
        await command.ExecuteNonQueryAsync();
    }

    public override async Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        await base.DisposeAsync();
    }
}

/// <summary>
/// A PostgreSQL database of its own on the server named by <c>SMARTECOUPON_TEST_POSTGRES</c> (an owner login that may
/// create databases and roles, not a superuser). Without it the tests are skipped with a message, except under
/// <c>CI=true</c>, where a missing PostgreSQL fails the run.
/// </summary>
public class PostgreSqlHarness : EfHarness
{
    public const string Variable = "SMARTECOUPON_TEST_POSTGRES";

    private readonly string _database = "sectest_" + Guid.NewGuid().ToString("N")[..16];
    private string? _adminConnectionString;

    public override string Name => "PostgreSQL";

    protected override StorageProvider Provider => StorageProvider.PostgreSql;

    public string? ConnectionString { get; private set; }

    public static string? Configured => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;

    protected override Exception SkipOrFail() =>
        string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)
            ? new InvalidOperationException($"CI=true but {Variable} is not set: the PostgreSQL suite must run in CI.")
            : new SkipException($"PostgreSQL tests skipped: set {Variable} to an owner connection string (./test.sh starts a throw-away cluster and sets it).");

    protected override async Task<string?> CreateDatabaseAsync()
    {
        _adminConnectionString = Configured;
        if (_adminConnectionString is null)
        {
            return null;
        }
        await using (var connection = new NpgsqlConnection(_adminConnectionString))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = $"CREATE DATABASE {_database}";
            await command.ExecuteNonQueryAsync();
        }
        ConnectionString = new NpgsqlConnectionStringBuilder(_adminConnectionString) { Database = _database, MaxPoolSize = 40 }.ToString();
        return ServiceConnectionString(ConnectionString);
    }

    /// <summary>The connection string the services use: the database's own, unless a subclass routes them elsewhere.</summary>
    protected virtual string ServiceConnectionString(string database) => database;

    public override async Task<long> CountAsync(StoredRows rows, string tenantId, string? couponId = null)
    {
        // Row-level security binds even the owner (FORCE), so the counting session names the tenant it counts.
        await using var connection = new NpgsqlConnection(ConnectionString ?? throw SkipOrFail());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT set_config('smartecoupon.tenant_id', @tenant, false); " + CountSql(rows);
        command.Parameters.AddWithValue("tenant", tenantId);
        command.Parameters.AddWithValue("coupon", (object?)couponId ?? DBNull.Value);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.NextResultAsync();
        await reader.ReadAsync();
        return reader.GetInt64(0);
    }

    public override async Task SeedRedemptionsAsync(string tenantId, string couponId, int count)
    {
        await using var connection = new NpgsqlConnection(ConnectionString ?? throw SkipOrFail());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT set_config('smartecoupon.tenant_id', @tenant, false);
            INSERT INTO redemptions (tenant_id, id, coupon_id, ticket_id, one_time_code, user_key, store_id, channel, redeemed_at, redeemed_by, voided_at, voided_by)
            SELECT @tenant, 'red_' || @batch || lpad(i::text, 18, '0'), @coupon, NULL, NULL, 'user-' || i, NULL, 'api', @at + i * interval '1 microsecond', 'mem_seed', NULL, NULL
            FROM generate_series(1, @count) AS i
            """;
        command.Parameters.AddWithValue("count", count);
        command.Parameters.AddWithValue("tenant", tenantId);
        command.Parameters.AddWithValue("coupon", couponId);
        command.Parameters.AddWithValue("batch", SeedBatch());
        command.Parameters.AddWithValue("at", Time.GetUtcNow());
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>A custom-format dump is compressed: its rows are read from what pg_restore writes of them.</summary>
    public override async Task<IReadOnlyList<string>> ReadBackupRowsAsync(string path)
    {
        var start = new System.Diagnostics.ProcessStartInfo(Backup.PostgreSqlTools.Find("pg_restore", null)) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])["--data-only", "--file=-", path])
        {
            start.ArgumentList.Add(argument);
        }
        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, await stderr);
        var rows = new List<string>();
        string? table = null;
        foreach (var line in (await stdout).Split('\n'))
        {
            if (line.StartsWith("COPY ", StringComparison.Ordinal))
            {
                table = line.Split(' ')[1].Replace("public.", "", StringComparison.Ordinal).Trim('"');
            }
            else if (line == "\\.")
            {
                table = null;
            }
            else if (table is not null)
            {
                rows.Add(table + "|" + line.Replace('\t', '|'));
            }
        }
        return rows;
    }

    public override async Task<IReadOnlyList<string>> FindTenantTracesAsync(string tenantId)
    {
        await using var connection = new NpgsqlConnection(ConnectionString ?? throw SkipOrFail());
        await connection.OpenAsync();
        // The policies bind the owner too: this session takes the platform role, whose policy admits every tenant's rows.
        await using (var scope = new NpgsqlCommand("SET ROLE smartecoupon_platform", connection))
        {
            await scope.ExecuteNonQueryAsync();
        }
        var columns = new List<(string Table, string Column)>();
        await using (var list = new NpgsqlCommand("""
            SELECT c.table_name, c.column_name FROM information_schema.columns c
            JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
            WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
              AND c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb')
            """, connection))
        {
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                columns.Add((reader.GetString(0), reader.GetString(1)));
            }
        }
        var traces = new List<string>();
        foreach (var (table, column) in columns)
        {
            await using var count = new NpgsqlCommand($"SELECT count(*) FROM \"{table}\" WHERE position(@tenant in \"{column}\"::text) > 0", connection);
            count.Parameters.AddWithValue("tenant", tenantId);
            var rows = (long)(await count.ExecuteScalarAsync())!;
            if (rows > 0)
            {
                traces.Add($"{table}.{column}: {rows}");
            }
        }
        return traces;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_adminConnectionString is null)
        {
            return;
        }
        NpgsqlConnection.ClearAllPools();
        // A throw-away database left behind in a throw-away cluster harms nothing: a few tries, then let it be.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = new NpgsqlConnection(_adminConnectionString);
                await connection.OpenAsync();
                await using var command = connection.CreateCommand();
                command.CommandText = $"DROP DATABASE IF EXISTS {_database} WITH (FORCE)";
                await command.ExecuteNonQueryAsync();
                return;
            }
            catch (PostgresException) when (attempt < 3)
            {
                await Task.Delay(200 * attempt);
            }
            catch (PostgresException ex)
            {
                Console.Error.WriteLine($"The test database {_database} was not dropped: {ex.SqlState} {ex.MessageText}");
                return;
            }
        }
    }
}

/// <summary>
/// The PostgreSQL harness with the services behind PgBouncer in transaction pooling mode (named by
/// <c>SMARTECOUPON_TEST_PGBOUNCER</c>, which ./test.sh sets after starting one with eng/pgbouncer.sh), migrations
/// included: each transaction may run on another server connection, as in production behind a pooler. The database is
/// created and counted on the server directly.
/// </summary>
public sealed class PgBouncerHarness : PostgreSqlHarness
{
    public const string PoolerVariable = "SMARTECOUPON_TEST_PGBOUNCER";

    public override string Name => "PostgreSQL behind PgBouncer";

    protected override Exception SkipOrFail() =>
        string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)
            ? new InvalidOperationException($"CI=true but {Variable} or {PoolerVariable} is not set: the PgBouncer suite must run in CI.")
            : new SkipException($"PgBouncer tests skipped: set {PoolerVariable} to a connection string through PgBouncer in transaction mode (./test.sh starts one).");

    protected override Task<string?> CreateDatabaseAsync() =>
        Environment.GetEnvironmentVariable(PoolerVariable) is { Length: > 0 } ? base.CreateDatabaseAsync() : Task.FromResult<string?>(null);

    protected override string ServiceConnectionString(string database)
    {
        var pooler = new NpgsqlConnectionStringBuilder(Environment.GetEnvironmentVariable(PoolerVariable));
        return new NpgsqlConnectionStringBuilder(database) { Host = pooler.Host, Port = pooler.Port }.ToString();
    }

    protected override void ConfigureStorage(EfCoreStorageOptions options)
    {
        options.PoolerMode = PostgreSqlPoolerMode.Transaction;
        options.ListenConnectionString = ConnectionString;
    }
}

/// <summary>
/// The PostgreSQL harness in least privilege: the services log in as a login of their own that owns nothing (created
/// here, dropped afterwards), and the owner's connection (<see cref="EfCoreStorageOptions.OwnerConnectionString"/>) is
/// used only to migrate, prepare the roles and take backups.
/// </summary>
public sealed class LeastPrivilegeHarness : PostgreSqlHarness
{
    public const string RequestPassword = "request";

    public string RequestLogin { get; } = "secreq_" + Guid.NewGuid().ToString("N")[..16];

    public string PlatformLogin { get; } = "secplat_" + Guid.NewGuid().ToString("N")[..16];

    /// <summary>The platform login's connection string (cross-tenant work), a login of its own too.</summary>
    public string? PlatformConnectionString { get; private set; }

    /// <summary>The request login's connection string to the harness's database.</summary>
    public string? RequestConnectionString { get; private set; }

    public override string Name => "PostgreSQL, least privilege";

    protected override string ServiceConnectionString(string database)
    {
        using (var owner = new NpgsqlConnection(database))
        {
            owner.Open();
            using var create = new NpgsqlCommand($"""
                CREATE ROLE {RequestLogin} LOGIN PASSWORD '{RequestPassword}' NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
                CREATE ROLE {PlatformLogin} LOGIN PASSWORD '{RequestPassword}' NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
                """, owner);
            create.ExecuteNonQuery();
        }
        RequestConnectionString = new NpgsqlConnectionStringBuilder(database) { Username = RequestLogin, Password = RequestPassword }.ToString();
        PlatformConnectionString = new NpgsqlConnectionStringBuilder(database) { Username = PlatformLogin, Password = RequestPassword }.ToString();
        return RequestConnectionString;
    }

    protected override void ConfigureStorage(EfCoreStorageOptions options)
    {
        options.OwnerConnectionString = ConnectionString;
        options.PlatformConnectionString = PlatformConnectionString;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (Configured is { } admin && RequestConnectionString is not null)
        {
            await using var connection = new NpgsqlConnection(admin);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP ROLE IF EXISTS {RequestLogin}; DROP ROLE IF EXISTS {PlatformLogin}", connection);
            try
            {
                await drop.ExecuteNonQueryAsync();
            }
            catch (PostgresException ex)
            {
                Console.Error.WriteLine($"The test login {RequestLogin} was not dropped: {ex.SqlState} {ex.MessageText}");
            }
        }
    }
}
