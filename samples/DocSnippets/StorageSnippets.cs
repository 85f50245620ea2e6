using Npgsql;
using SmartECoupon.Storage.EfCore;

namespace SmartECoupon.DocSnippets;

/// <summary>docs/storage.md: registration on PostgreSQL, run on a database of its own when one is configured.</summary>
internal static class StorageSnippets
{
    public static async Task RunAsync(Checks checks)
    {
        var server = Environment.GetEnvironmentVariable("SMARTECOUPON_TEST_POSTGRES");
        if (server is null)
        {
            Console.WriteLine("storage.md: PostgreSQL snippet compiled, not run (SMARTECOUPON_TEST_POSTGRES is not set).");
            return;
        }
        var database = "snippets_" + Guid.NewGuid().ToString("N")[..12];
        await using (var admin = new NpgsqlConnection(server))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {database}", admin);
            await create.ExecuteNonQueryAsync();
        }
        try
        {
            string[] args = [$"--ConnectionStrings:SmartECoupon={new NpgsqlConnectionStringBuilder(server) { Database = database }}", "--Logging:LogLevel:Default=Warning"];
            await RegisterAndMigrateAsync(args);
            await RegisterAndMigrateAsync(args); // "safe on every start"
            await using var check = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Database = database }.ToString());
            await check.OpenAsync();
            await using var count = new NpgsqlCommand("SELECT count(*) FROM pg_proc WHERE proname = 'smartecoupon_redeem'", check);
            checks.Equal(1L, (long)(await count.ExecuteScalarAsync())!, "storage.md: the PostgreSQL schema is migrated");
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(server);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {database} WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }

    private static async Task RegisterAndMigrateAsync(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddSmartECoupon(builder.Configuration.GetSection("SmartECoupon"))
            .AddEntityFrameworkCoreStores(o =>
            {
                o.Provider = StorageProvider.PostgreSql;               // or StorageProvider.Sqlite (the default)
                o.ConnectionString = builder.Configuration.GetConnectionString("SmartECoupon");
            });
        var app = builder.Build();

        // once, at start (safe on every start and from several instances at once):
        await app.Services.GetRequiredService<SmartECouponStorage>().MigrateAsync();
        await app.DisposeAsync();
    }
}
