using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Scalar.AspNetCore;
using SmartECoupon;
using SmartECoupon.Operations;
using SmartECoupon.Retention;
using SmartECoupon.Storage.EfCore;
using SmartECoupon.Tenancy;
using SmartECoupon.Validation;
using SmartECoupon.WebHost.Api;
using SmartECoupon.WebHost.Operations;

namespace SmartECoupon.WebHost;

/// <summary>How the sample host is put together: services, storage, commands and endpoints.</summary>
internal static class HostSetup
{
    /// <summary>The configuration key of the first operator's key (<c>SmartECoupon__Bootstrap__OperatorApiKey</c>).</summary>
    public const string BootstrapKeySetting = "SmartECoupon:Bootstrap:OperatorApiKey";

    /// <summary>The rate-limit policy of the public pages.</summary>
    public const string PagesRateLimit = "pages";

    /// <summary>The largest request body: a CSV import (16 MB) with room to spare.</summary>
    public const long MaxRequestBodyBytes = 20L * 1024 * 1024;

    /// <summary>
    /// The content root: the application's folder, so that its <c>appsettings.json</c> (and the log levels in it) is read
    /// wherever the host is started from. That is the working folder when it holds the application's settings (the
    /// project folder under <c>dotnet run</c>, or a published folder started from itself), else the folder of the binary.
    /// <c>--contentRoot</c> or <c>ASPNETCORE_CONTENTROOT</c> still decide when given (<see langword="null"/> here).
    /// </summary>
    public static string? ApplicationFolder(string[] args)
    {
        if (args.Any(a => a.StartsWith("--contentRoot", StringComparison.OrdinalIgnoreCase))
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ASPNETCORE_CONTENTROOT"))
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOTNET_CONTENTROOT")))
        {
            return null;
        }
        return File.Exists(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json")) ? Directory.GetCurrentDirectory() : AppContext.BaseDirectory;
    }

    /// <summary>
    /// Request paths hold ticket tokens (<c>/c/{token}</c>), and ASP.NET Core's hosting diagnostics log each request's path
    /// ("Request starting GET /c/…") at Information. That category stays at Warning whatever the configuration says, for
    /// every provider the host logs to (a rule added here wins over the configuration's rule of the same category and
    /// provider); the host's own messages name routes, never paths.
    /// </summary>
    private static void KeepPathsOutOfLogs(ILoggingBuilder logging)
    {
        const string category = "Microsoft.AspNetCore.Hosting.Diagnostics";
        logging.AddFilter(category, LogLevel.Warning);
        logging.AddFilter<Microsoft.Extensions.Logging.Console.ConsoleLoggerProvider>(category, LogLevel.Warning);
        logging.AddFilter<Microsoft.Extensions.Logging.Debug.DebugLoggerProvider>(category, LogLevel.Warning);
        logging.AddFilter<Microsoft.Extensions.Logging.EventSource.EventSourceLoggerProvider>(category, LogLevel.Warning);
    }

    /// <summary>Registers SmartECoupon with the EF Core adapter, both configured from the <c>SmartECoupon</c> section, and the host's plumbing.</summary>
    public static WebApplicationBuilder AddSmartECouponHost(this WebApplicationBuilder builder)
    {
        KeepPathsOutOfLogs(builder.Logging);
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
                // PostgreSQL: where this instance listens for the others' tenancy changes (required behind a transaction pooler).
                storage.ListenConnectionString = builder.Configuration.GetConnectionString("SmartECouponListen") ?? storage.ListenConnectionString;
                // PostgreSQL, least privilege: the owner's login only migrates and backs up; cross-tenant work logs in apart.
                storage.OwnerConnectionString = builder.Configuration.GetConnectionString("SmartECouponOwner") ?? storage.OwnerConnectionString;
                storage.PlatformConnectionString = builder.Configuration.GetConnectionString("SmartECouponPlatform") ?? storage.PlatformConnectionString;
            });
        builder.Services.PostConfigure<SmartECouponOptions>(options =>
        {
            // Relative folders live under the content root, not wherever the process was started from.
            options.Backups.Folder = Path.Combine(builder.Environment.ContentRootPath, options.Backups.Folder);
            options.Uploads.Folder = Path.Combine(builder.Environment.ContentRootPath, options.Uploads.Folder);
        });
        builder.Services.Configure<HostOperationsOptions>(builder.Configuration.GetSection(HostOperationsOptions.SectionName));

        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes);
        builder.Services.ConfigureHttpJsonOptions(o => ApiJson.Configure(o.SerializerOptions));
        // Every problem carries the contract's stable code, those the framework writes too (an unknown route's 404).
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = problem =>
        {
            if (!problem.ProblemDetails.Extensions.ContainsKey("code") && ApiProblem.CodeOfStatus(problem.ProblemDetails.Status) is { } code)
            {
                problem.ProblemDetails.Extensions["code"] = code;
            }
        });
        builder.Services.AddExceptionHandler<ApiExceptionHandler>();
        var authentication = builder.Services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        Pages.AdminSession.AddCookie(authentication, builder.Environment.IsDevelopment() || builder.Environment.IsEnvironment("Testing"));
        builder.Services.AddRazorPages();
        // Japanese text is written as text in the pages, not as character references.
        builder.Services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(o =>
            o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        builder.Services.AddSingleton<Microsoft.AspNetCore.Identity.IPasswordHasher<Member>, Microsoft.AspNetCore.Identity.PasswordHasher<Member>>();
        builder.Services.AddRateLimiter(limiter =>
        {
            // The public pages: generous for people, slow for scripts that mint tickets or hammer the confirm button.
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = (context, _) =>
            {
                // Back-pressure answers say when to come back, as the contract asks of every 429.
                ApiProblem.SetRetryAfter(context.HttpContext, ClientThrottle.RetryAfter(context.Lease));
                return ValueTask.CompletedTask;
            };
            limiter.AddPolicy(PagesRateLimit, context => System.Threading.RateLimiting.RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new System.Threading.RateLimiting.FixedWindowRateLimiterOptions { PermitLimit = 120, Window = TimeSpan.FromMinutes(1) }));
        });
        builder.Services.Configure<ThrottlingOptions>(builder.Configuration.GetSection(ThrottlingOptions.SectionName));
        builder.Services.AddSingleton<ClientThrottle>();
        builder.Services.AddAuthorization(ApiPolicies.Add);
        builder.Services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "SmartECoupon API";
            document.Info.Description = "The sample host's HTTP contract: multi-tenant digital coupons. Authenticate with `Authorization: Bearer <apiKey>`.";
            return Task.CompletedTask;
        }).AddOperationTransformer(OpenApiConventions.DescribeAsync));
        builder.Services.AddHttpClient();

        // Operations: health per component, the alert hook, background jobs, the status page, metrics and traces.
        builder.Services.AddHostHealthChecks();
        builder.Services.AddSingleton<JobHeartbeats>();
        builder.Services.AddSingleton<IMailSender, MailSender>();
        builder.Services.AddSingleton<StatusReader>();
        builder.Services.AddHostedService<CodeJobWorker>();
        builder.Services.AddHostedService<DailyBackupJob>();
        builder.Services.AddHostedService<RetentionJob>();
        builder.Services.AddHostedService<AvailabilityProbe>();
        builder.Services.AddHostedService<OutboxSender>();
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("SmartECoupon.WebHost"))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(SmartECouponMetrics.MeterName)
                .AddPrometheusExporter())
            .WithTracing(tracing =>
            {
                tracing.AddAspNetCoreInstrumentation(o => o.EnrichWithHttpRequest = (activity, request) =>
                {
                    // Paths hold ticket tokens and codes: traces keep the route's pattern, never the path itself.
                    var route = (request.HttpContext.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
                    activity.SetTag("url.path", route ?? "(unmatched)");
                    activity.SetTag("url.query", null);
                });
                if (!string.IsNullOrEmpty(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
                {
                    tracing.AddOtlpExporter();
                }
            });
        return builder;
    }

    /// <summary>Runs a command-line command instead of the server. Returns whether one ran.</summary>
    public static async Task<bool> RunCommandAsync(this WebApplication app, string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith('-'))
        {
            return false;
        }
        var services = app.Services;
        switch (args[0])
        {
            case "migrate":
                await services.GetRequiredService<SmartECouponStorage>().MigrateAsync();
                Console.WriteLine("The database is up to date.");
                return true;
            case "restore" when args.Length >= 2:
                await services.GetRequiredService<SmartECouponStorage>().MigrateAsync();
                Environment.ExitCode = await HostCommands.RestoreAsync(services, args[1]);
                return true;
            case "create-operator":
                await services.GetRequiredService<SmartECouponStorage>().MigrateAsync();
                Environment.ExitCode = await HostCommands.CreateOperatorAsync(services, args);
                return true;
            case "probe":
                await services.GetRequiredService<SmartECouponStorage>().MigrateAsync();
                Environment.ExitCode = await HostCommands.ProbeAsync(services, args, app.Lifetime.ApplicationStopping);
                return true;
            default:
                Console.Error.WriteLine($"Unknown command '{string.Join(' ', args)}'. Commands: migrate; restore <backupId>; create-operator --name <name>; probe --target <url> [--interval <seconds>] [--rounds <n>].");
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
        // A restore may have brought back tenants purged since its backup: the purges are applied again before serving.
        await app.Services.GetRequiredService<TenantPurgeService>().ReapplyLedgerAsync(app.Lifetime.ApplicationStopping);
        var generated = await app.Services.GetRequiredService<OperatorService>()
            .EnsureBootstrapOperatorAsync(app.Configuration[BootstrapKeySetting], app.Lifetime.ApplicationStopping);
        if (generated is not null)
        {
            // Shown once on the console, on purpose not through the logger: logs are kept, and must never hold a key.
            Console.WriteLine($"First operator created. Its API key, shown only now: {generated}");
            Console.WriteLine("Next: create a tenant with it, for example");
            Console.WriteLine($"  curl -X POST <host URL>/api/v1/tenants -H \"Authorization: Bearer {generated}\" -H \"Content-Type: application/json\" -d '{{\"name\":\"さくらカフェ\",\"plan\":\"standard\",\"adminName\":\"山田 花子\"}}'");
            Console.WriteLine("The answer holds the tenant administrator's key. The whole way to a CSV export: docs/walkthrough.md.");
        }
    }

    /// <summary>Maps the endpoints.</summary>
    public static WebApplication MapSmartECouponHost(this WebApplication app)
    {
        var development = app.Environment.IsDevelopment() || app.Environment.IsEnvironment("Testing");
        app.UseExceptionHandler();
        if (!development)
        {
            app.UseHsts();
            app.UseHttpsRedirection();
        }
        app.Use(SecurityHeaders);
        app.UseStatusCodePages();
        app.UseStaticFiles();
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseMiddleware<TenantSessionMiddleware>();
        app.UseMiddleware<Pages.AdminSessionMiddleware>();
        app.UseAuthorization();

        var api = app.MapGroup("/api/v1");
        // A body that cannot be bound (not JSON, too large, an unknown field) is answered before any handler runs.
        api.AddEndpointFilter<BoundBodyFilter>();
        api.MapOperatorsApi();
        api.MapTenantsApi();
        api.MapRetentionApi();
        api.MapMembersApi();
        api.MapStoresApi();
        api.MapCouponsApi();
        api.MapJobsApi();
        api.MapRedemptionsApi();
        api.MapSettingsApi();
        api.MapExportsApi();
        api.MapImportsApi();
        api.MapAuditLogApi();
        api.MapMaintenanceApi();
        api.MapIncidentsApi();
        api.MapOpsApi();
        app.MapCouponImages();

        // Liveness: 200 while the process runs. Readiness: each component named, 503 when one fails.
        app.MapGet("/healthz", () => TypedResults.Ok(new { status = "ok" })).ExcludeFromDescription();
        app.MapReadiness();
        StatusPage.Map(app);
        app.MapRazorPages().RequireRateLimiting(PagesRateLimit);
        app.MapOpenApi();
        // Metrics name routes and exception types and show capacity: on the public port only for an operator's key
        // (a scraper sends it as a bearer token), or, with Host:ManagementPort, only on that port (which the operator
        // keeps off the internet) and not at all on the others.
        var metrics = app.MapPrometheusScrapingEndpoint("/metrics");
        if (app.Services.GetRequiredService<IOptions<HostOperationsOptions>>().Value.ManagementPort is { } managementPort)
        {
            metrics.RequireHost($"*:{managementPort}");
        }
        else
        {
            metrics.RequireAuthorization(ApiPolicies.Operator);
        }
        if (app.Environment.IsDevelopment())
        {
            app.MapScalarApiReference();
        }
        return app;
    }

    /// <summary>
    /// Headers on every answer: no MIME sniffing, no framing, no referrer (page URLs hold ticket tokens), and a strict
    /// content security policy unless the endpoint set its own (coupon images are sandboxed).
    /// </summary>
    private static async Task SecurityHeaders(HttpContext context, RequestDelegate next)
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers[HeaderNames.XContentTypeOptions] = "nosniff";
            headers[HeaderNames.XFrameOptions] = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            if (!headers.ContainsKey(HeaderNames.ContentSecurityPolicy) && !context.Request.Path.StartsWithSegments("/scalar", StringComparison.Ordinal))
            {
                headers[HeaderNames.ContentSecurityPolicy] =
                    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
            }
            return Task.CompletedTask;
        });
        await next(context);
    }
}

/// <summary>
/// Turns what escapes a handler into a problem: a request the framework could not read is 400 (or 413 when too large),
/// anything else 500 <c>internal_error</c>, never with a stack trace.
/// </summary>
internal sealed class ApiExceptionHandler(ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    /// <summary>What a client is told to wait while the database is unavailable (a failover takes seconds).</summary>
    private static readonly TimeSpan DatabaseRetryAfter = TimeSpan.FromSeconds(5);

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => ApiProblem.Create(context, StatusCodes.Status413PayloadTooLarge,
                FailureCodes.PayloadTooLarge, new LocalizedMessage("リクエストが大きすぎます。", "The request body is too large.")),
            BadHttpRequestException => ApiProblem.Malformed(context, "リクエストを読み取れません。", "The request could not be read."),
            // The database is unreachable or switching over: an answer to retry, not a crash (each write commits whole or not at all).
            _ when SmartECoupon.Storage.EfCore.SmartECouponStorage.IsUnavailable(exception) => ApiProblem.RetryLater(context, StatusCodes.Status503ServiceUnavailable, FailureCodes.DatabaseUnavailable,
                DatabaseRetryAfter, new LocalizedMessage("データベースに接続できません。しばらくしてから再試行してください。", "The database is unavailable; retry after the time given.")),
            _ => ApiProblem.Create(context, StatusCodes.Status500InternalServerError, FailureCodes.InternalError,
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
