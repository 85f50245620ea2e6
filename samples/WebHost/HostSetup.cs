using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Diagnostics;
using SmartECoupon;
using SmartECoupon.Storage.EfCore;
using SmartECoupon.Tenancy;
using SmartECoupon.Validation;
using SmartECoupon.WebHost.Api;

namespace SmartECoupon.WebHost;

/// <summary>How the sample host is put together: services, storage, commands and endpoints.</summary>
internal static class HostSetup
{
    /// <summary>The configuration key of the first operator's key (<c>SmartECoupon__Bootstrap__OperatorApiKey</c>).</summary>
    public const string BootstrapKeySetting = "SmartECoupon:Bootstrap:OperatorApiKey";

    /// <summary>Registers SmartECoupon with the EF Core adapter, both configured from the <c>SmartECoupon</c> section, and the API's plumbing.</summary>
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
        builder.Services.PostConfigure<SmartECouponOptions>(options =>
        {
            // Relative folders live under the content root, not wherever the process was started from.
            options.Backups.Folder = Path.Combine(builder.Environment.ContentRootPath, options.Backups.Folder);
            options.Uploads.Folder = Path.Combine(builder.Environment.ContentRootPath, options.Uploads.Folder);
        });

        builder.Services.ConfigureHttpJsonOptions(o => ApiJson.Configure(o.SerializerOptions));
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ApiExceptionHandler>();
        builder.Services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorization(ApiPolicies.Add);
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

    /// <summary>
    /// Migrates the database at start (safe on every start and from several instances at once) and creates the first
    /// operator when there is none: with the configured key, or with a new one printed once to the console.
    /// </summary>
    public static async Task PrepareStorageAsync(this WebApplication app)
    {
        await app.Services.GetRequiredService<SmartECouponStorage>().MigrateAsync(app.Lifetime.ApplicationStopping);
        var generated = await app.Services.GetRequiredService<OperatorService>()
            .EnsureBootstrapOperatorAsync(app.Configuration[BootstrapKeySetting], app.Lifetime.ApplicationStopping);
        if (generated is not null)
        {
            // Shown once on the console, on purpose not through the logger: logs are kept, and must never hold a key.
            Console.WriteLine($"First operator created. Its API key, shown only now: {generated}");
        }
    }

    /// <summary>Maps the endpoints.</summary>
    public static WebApplication MapSmartECouponHost(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseMiddleware<TenantRequestMiddleware>();
        app.UseAuthorization();

        var api = app.MapGroup("/api/v1");
        TenancyEndpoints.Map(api);
        CouponEndpoints.Map(api, app);
        RedemptionEndpoints.Map(api);

        // Liveness: 200 while the process runs.
        app.MapGet("/healthz", () => TypedResults.Ok(new { status = "ok" }))
            .WithName("Healthz")
            .ExcludeFromDescription();
        return app;
    }
}

/// <summary>
/// Turns what escapes a handler into a problem: a request the framework could not read is 400 (or 413 when too large),
/// anything else 500 <c>internal_error</c>, never with a stack trace.
/// </summary>
internal sealed class ApiExceptionHandler(ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => ApiProblem.Create(context, StatusCodes.Status413PayloadTooLarge,
                ApiProblem.PayloadTooLarge, new LocalizedMessage("リクエストが大きすぎます。", "The request body is too large.")),
            BadHttpRequestException => ApiProblem.Malformed(context, "リクエストを読み取れません。", "The request could not be read."),
            _ => ApiProblem.Create(context, StatusCodes.Status500InternalServerError, ApiProblem.InternalError,
                new LocalizedMessage("サーバーで問題が起きました。", "Something went wrong on the server.")),
        };
        if (problem.StatusCode >= 500)
        {
            HostLog.Unhandled(logger, exception, context.Request.Method, context.GetEndpoint()?.DisplayName);
        }
        await problem.ExecuteAsync(context);
        return true;
    }
}

/// <summary>The host's log messages: source-generated, with no codes, keys or personal data.</summary>
internal static partial class HostLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Unhandled error in {Method} {Endpoint}")]
    public static partial void Unhandled(ILogger logger, Exception exception, string method, string? endpoint);
}
