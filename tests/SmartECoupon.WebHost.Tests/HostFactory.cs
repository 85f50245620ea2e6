using SmartECoupon.Tests;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;
using SmartECoupon.Tenancy;

namespace SmartECoupon.WebHost.Tests;

/// <summary>
/// The sample host on a real database of its own, with a known first operator key. <see cref="SqliteHostFactory"/> uses
/// the embedded default; <see cref="PostgreSqlHostFactory"/> a database created on the server named by
/// <c>SMARTECOUPON_TEST_POSTGRES</c> (skipped outside CI without it, as the storage tests are).
/// </summary>
public abstract class HostFactory : WebApplicationFactory<Program>, IHostUnderTest
{
    protected HostFactory()
    {
        Directory.CreateDirectory(Folder);
    }

    /// <summary>A folder of the factory's own: SQLite file, backups, uploads.</summary>
    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "smartecoupon-host-tests", Guid.NewGuid().ToString("N"));

    /// <summary>Where the host's outbox writes its e-mails.</summary>
    public string MailFolder => Path.Combine(Folder, "mail");

    /// <summary>The first operator's key, given to the host through configuration.</summary>
    public string OperatorKey { get; } = ApiKeys.Issue(null).Key;

    public abstract string ProviderName { get; }

    /// <summary>Settings of the host, in configuration form.</summary>
    protected abstract IReadOnlyDictionary<string, string?> StorageSettings();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in StorageSettings())
        {
            builder.UseSetting(key, value);
        }
        builder.UseSetting("SmartECoupon:Bootstrap:OperatorApiKey", OperatorKey);
        builder.UseSetting("SmartECoupon:Backups:Folder", Path.Combine(Folder, "backups"));
        builder.UseSetting("SmartECoupon:Uploads:Folder", Path.Combine(Folder, "uploads"));
        builder.UseSetting("Host:Mail:PickupFolder", MailFolder);
    }

    /// <summary>A client that behaves as the contract asks: it retries a 429 after its Retry-After.</summary>
    public HttpClient Client(string? apiKey = null)
    {
        var client = CreateDefaultClient(new RetryAfterHandler());
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }
        return client;
    }

    /// <summary>A client that shows every answer as it is, 429 included.</summary>
    public HttpClient RawClient(string? apiKey = null)
    {
        var client = CreateClient();
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }
        return client;
    }

    public virtual void SkipUnlessAvailable()
    {
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

public class SqliteHostFactory : HostFactory
{
    public override string ProviderName => "SQLite";

    protected override IReadOnlyDictionary<string, string?> StorageSettings() => new Dictionary<string, string?>
    {
        ["ConnectionStrings:SmartECoupon"] = $"Data Source={Path.Combine(Folder, "smartecoupon.db")}",
    };
}

public class PostgreSqlHostFactory : HostFactory
{
    private const string Variable = "SMARTECOUPON_TEST_POSTGRES";
    private readonly string _database = "sechost_" + Guid.NewGuid().ToString("N")[..16];
    private string? _connectionString;

    public override string ProviderName => "PostgreSQL";

    /// <summary>The host's own database.</summary>
    public string DatabaseName => _database;

    public override void SkipUnlessAvailable() => SkipUnlessConfigured();

    /// <summary>Whether PostgreSQL is configured; without it the tests skip, except under CI=true where they fail.</summary>
    public static void SkipUnlessConfigured()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 })
        {
            return;
        }
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"CI=true but {Variable} is not set: the PostgreSQL host tests must run in CI.");
        }
        throw new SkipException($"PostgreSQL host tests skipped: set {Variable} (./test.sh does).");
    }

    protected override IReadOnlyDictionary<string, string?> StorageSettings()
    {
        SkipUnlessConfigured();
        if (_connectionString is null)
        {
            var admin = Environment.GetEnvironmentVariable(Variable)!;
            using var connection = new NpgsqlConnection(admin);
            connection.Open();
            using var command = new NpgsqlCommand($"CREATE DATABASE {_database}", connection);
            command.ExecuteNonQuery();
            _connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = _database, MaxPoolSize = 60 }.ToString();
        }
        return new Dictionary<string, string?>(PoolerSettings(_connectionString))
        {
            ["SmartECoupon:Storage:Provider"] = "PostgreSql",
        };
    }

    /// <summary>How the host reaches its database: directly, unless a subclass puts a pooler in between.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> PoolerSettings(string database) =>
        [new("ConnectionStrings:SmartECoupon", database)];
}

/// <summary>
/// The PostgreSQL host behind PgBouncer in transaction pooling mode (<c>SMARTECOUPON_TEST_PGBOUNCER</c>, which
/// ./test.sh sets), configured as an operator would: <c>SmartECoupon:Storage:PoolerMode=Transaction</c>.
/// </summary>
public sealed class PgBouncerHostFactory : PostgreSqlHostFactory
{
    private const string PoolerVariable = "SMARTECOUPON_TEST_PGBOUNCER";

    public override string ProviderName => "PostgreSQL behind PgBouncer";

    protected override IEnumerable<KeyValuePair<string, string?>> PoolerSettings(string database)
    {
        if (Environment.GetEnvironmentVariable(PoolerVariable) is not { Length: > 0 } configured)
        {
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"CI=true but {PoolerVariable} is not set: the PgBouncer host tests must run in CI.");
            }
            throw new SkipException($"PgBouncer host tests skipped: set {PoolerVariable} (./test.sh does).");
        }
        var pooler = new NpgsqlConnectionStringBuilder(configured);
        return
        [
            new("ConnectionStrings:SmartECoupon", new NpgsqlConnectionStringBuilder(database) { Host = pooler.Host, Port = pooler.Port }.ToString()),
            new("SmartECoupon:Storage:PoolerMode", "Transaction"),
            new("ConnectionStrings:SmartECouponListen", database),
        ];
    }
}

/// <summary>
/// The PostgreSQL host in least privilege, configured as an operator would: requests log in as a login that owns nothing
/// (<c>ConnectionStrings:SmartECoupon</c>), cross-tenant work as a platform login
/// (<c>ConnectionStrings:SmartECouponPlatform</c>), and the owner (<c>ConnectionStrings:SmartECouponOwner</c>) only migrates
/// and backs up. The logins are created here and dropped with the database.
/// </summary>
public sealed class LeastPrivilegeHostFactory : PostgreSqlHostFactory
{
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..16];

    public override string ProviderName => "PostgreSQL, least privilege";

    private string RequestLogin => "sechreq_" + _suffix;

    private string PlatformLogin => "sechplat_" + _suffix;

    protected override IEnumerable<KeyValuePair<string, string?>> PoolerSettings(string database)
    {
        using (var owner = new NpgsqlConnection(database))
        {
            owner.Open();
            using var create = new NpgsqlCommand($"""
                CREATE ROLE {RequestLogin} LOGIN PASSWORD 'request' NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
                CREATE ROLE {PlatformLogin} LOGIN PASSWORD 'platform' NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
                """, owner);
            create.ExecuteNonQuery();
        }
        return
        [
            new("ConnectionStrings:SmartECoupon", new NpgsqlConnectionStringBuilder(database) { Username = RequestLogin, Password = "request" }.ToString()),
            new("ConnectionStrings:SmartECouponPlatform", new NpgsqlConnectionStringBuilder(database) { Username = PlatformLogin, Password = "platform" }.ToString()),
            new("ConnectionStrings:SmartECouponOwner", database),
        ];
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (Environment.GetEnvironmentVariable("SMARTECOUPON_TEST_POSTGRES") is { Length: > 0 } admin)
        {
            try
            {
                await using var connection = new NpgsqlConnection(admin);
                await connection.OpenAsync();
                await using var drop = new NpgsqlCommand($"DROP ROLE IF EXISTS {RequestLogin}; DROP ROLE IF EXISTS {PlatformLogin}", connection);
                await drop.ExecuteNonQueryAsync();
            }
            catch (PostgresException)
            {
                // A throw-away cluster: a login left behind harms nothing.
            }
        }
    }
}
