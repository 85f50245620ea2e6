using SmartECoupon;
using SmartECoupon.Storage.EfCore;

namespace SmartECoupon.WebHost;

/// <summary>How the sample host is put together: services, storage, commands and endpoints.</summary>
internal static class HostSetup
{
    /// <summary>Registers SmartECoupon with the EF Core adapter, both configured from the <c>SmartECoupon</c> section.</summary>
    public static WebApplicationBuilder AddSmartECouponHost(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(SmartECouponOptions.SectionName);
        builder.Services.AddSmartECoupon(section)
            .AddEntityFrameworkCoreStores(storage =>
            {
                section.GetSection("Storage").Bind(storage);
                // The contract's ConnectionStrings__SmartECoupon; without it, SQLite in App_Data under the content root.
                storage.ConnectionString = builder.Configuration.GetConnectionString("SmartECoupon")
                    ?? storage.ConnectionString
                    ?? (storage.Provider == StorageProvider.Sqlite
                        ? $"Data Source={Path.Combine(builder.Environment.ContentRootPath, "App_Data", "smartecoupon.db")}"
                        : null);
            });
        builder.Services.AddProblemDetails();
        return builder;
    }

    /// <summary>Runs a command-line command instead of the server. Returns whether one ran.</summary>
    /// <remarks><c>migrate</c>: applies the database migrations and exits (the documented way to migrate without serving).</remarks>
    public static async Task<bool> RunCommandAsync(this WebApplication app, string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith('-'))
        {
            return false;
        }
        switch (args[0])
        {
            case "migrate":
                await app.Services.GetRequiredService<SmartECouponStorage>().MigrateAsync();
                Console.WriteLine("The database is up to date.");
                return true;
            default:
                Console.Error.WriteLine($"Unknown command '{args[0]}'. Commands: migrate.");
                Environment.ExitCode = 2;
                return true;
        }
    }

    /// <summary>Migrates the database at start: safe on every start and from several instances at once.</summary>
    public static Task PrepareStorageAsync(this WebApplication app) =>
        app.Services.GetRequiredService<SmartECouponStorage>().MigrateAsync(app.Lifetime.ApplicationStopping);

    /// <summary>Maps the endpoints.</summary>
    public static WebApplication MapSmartECouponHost(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();

        // Liveness: 200 while the process runs.
        app.MapGet("/healthz", () => TypedResults.Ok(new { status = "ok" }))
            .WithName("Healthz")
            .ExcludeFromDescription();
        return app;
    }
}
