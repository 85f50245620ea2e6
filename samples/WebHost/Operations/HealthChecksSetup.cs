using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using SmartECoupon.Retention;
using SmartECoupon.Storage.EfCore;

namespace SmartECoupon.WebHost.Operations;

internal static class HealthTags
{
    public const string Ready = "ready";
}

/// <summary>Readiness per component (sheet rows 1.13 and 1.16): database, disk space, backup freshness, background jobs.</summary>
internal static class HealthChecksSetup
{
    public const string DatabaseCheck = "database";
    public const string DiskCheck = "disk";
    public const string BackupsCheck = "backups";
    public const string JobsCheck = "background-jobs";

    public static IServiceCollection AddHostHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>(DatabaseCheck, tags: [HealthTags.Ready])
            .AddCheck<DiskSpaceHealthCheck>(DiskCheck, tags: [HealthTags.Ready])
            .AddCheck<BackupFreshnessHealthCheck>(BackupsCheck, tags: [HealthTags.Ready])
            .AddCheck<BackgroundJobsHealthCheck>(JobsCheck, tags: [HealthTags.Ready]);
        services.AddSingleton<IHealthCheckPublisher, AlertHook>();
        services.Configure<HealthCheckPublisherOptions>(o =>
        {
            o.Delay = TimeSpan.FromSeconds(15);
            o.Period = TimeSpan.FromMinutes(1);
            o.Predicate = r => r.Tags.Contains(HealthTags.Ready);
        });
        return services;
    }

    /// <summary><c>/readyz</c>: 200 when ready (degraded components included), 503 when not, with each check named.</summary>
    public static void MapReadiness(this WebApplication app) =>
        app.MapHealthChecks("/readyz", new HealthCheckOptions
        {
            Predicate = r => r.Tags.Contains(HealthTags.Ready),
            ResponseWriter = WriteAsync,
        }).ExcludeFromDescription();

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            status = Name(report.Status),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = Name(e.Value.Status), description = e.Value.Description }),
        }));
    }

    public static string Name(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => "healthy",
        HealthStatus.Degraded => "degraded",
        _ => "unhealthy",
    };
}

internal sealed class DatabaseHealthCheck(SmartECouponStorage storage) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            return await storage.CanConnectAsync(timeout.Token)
                ? HealthCheckResult.Healthy("The database answers.")
                : HealthCheckResult.Unhealthy("The database does not answer.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("The database does not answer: " + ex.GetType().Name);
        }
    }
}

internal sealed class DiskSpaceHealthCheck(IOptionsMonitor<SmartECouponOptions> options, IOptionsMonitor<HostOperationsOptions> host) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var folder = options.CurrentValue.Backups.Folder;
        Directory.CreateDirectory(folder);
        var free = new DriveInfo(Path.GetPathRoot(Path.GetFullPath(folder))!).AvailableFreeSpace;
        var minimum = host.CurrentValue.MinimumFreeDiskBytes;
        var description = $"{free / (1024 * 1024)} MB free for data and backups (at least {minimum / (1024 * 1024)} MB wanted).";
        return Task.FromResult(free >= minimum ? HealthCheckResult.Healthy(description) : HealthCheckResult.Unhealthy(description));
    }
}

internal sealed class BackupFreshnessHealthCheck(BackupService backups, TimeProvider time, IOptionsMonitor<HostOperationsOptions> host) : IHealthCheck
{
    private readonly DateTimeOffset _started = time.GetUtcNow();

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var listed = await backups.ListAsync(cancellationToken);
        var latest = listed.Count > 0 ? listed[0] : null;
        var now = time.GetUtcNow();
        var limit = host.CurrentValue.MaximumBackupAge;
        if (latest is null)
        {
            // A new installation has no backup until the first daily run: that is not a failure of the service.
            return now - _started <= limit
                ? HealthCheckResult.Healthy("No backup yet; the first is taken at the daily time.")
                : HealthCheckResult.Degraded("No backup has been taken.");
        }
        var age = now - latest.CreatedAt;
        return age <= limit
            ? HealthCheckResult.Healthy($"The latest backup is {(int)age.TotalHours} hours old.")
            : HealthCheckResult.Degraded($"The latest backup is {(int)age.TotalHours} hours old (more than {limit.TotalHours} hours).");
    }
}

internal sealed class BackgroundJobsHealthCheck(JobHeartbeats heartbeats) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var late = heartbeats.Late();
        return Task.FromResult(late.Count == 0
            ? HealthCheckResult.Healthy("Every background job finished its last round on time.")
            : HealthCheckResult.Degraded("Late: " + string.Join(", ", late)));
    }
}

/// <summary>
/// The alert hook (sheet rows 1.14 and 1.15): when a readiness check is not healthy, a structured log entry at warning or
/// error, and a JSON post to <c>Host:AlertWebhookUrl</c> when one is configured. Only the change is announced.
/// </summary>
internal sealed partial class AlertHook(IHttpClientFactory clients, IOptionsMonitor<HostOperationsOptions> options, ILogger<AlertHook> logger) : IHealthCheckPublisher
{
    private HealthStatus _last = HealthStatus.Healthy;

    public async Task PublishAsync(HealthReport report, CancellationToken cancellationToken)
    {
        var failing = report.Entries.Where(e => e.Value.Status != HealthStatus.Healthy).Select(e => e.Key).Order(StringComparer.Ordinal).ToList();
        if (report.Status == _last)
        {
            return;
        }
        _last = report.Status;
        if (report.Status == HealthStatus.Healthy)
        {
            Recovered(logger);
        }
        else
        {
            Failing(logger, HealthChecksSetup.Name(report.Status), string.Join(", ", failing));
        }
        if (options.CurrentValue.AlertWebhookUrl is { } url)
        {
            try
            {
                using var client = clients.CreateClient(nameof(AlertHook));
                client.Timeout = TimeSpan.FromSeconds(10);
                using var response = await client.PostAsJsonAsync(url, new
                {
                    service = "SmartECoupon",
                    status = HealthChecksSetup.Name(report.Status),
                    failing,
                    at = DateTimeOffset.UtcNow,
                }, cancellationToken);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                WebhookFailed(logger, ex.GetType().Name);
            }
        }
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Error, Message = "Readiness is {Status}: {Failing}")]
    private static partial void Failing(ILogger logger, string status, string failing);

    [LoggerMessage(EventId = 21, Level = LogLevel.Information, Message = "Readiness recovered")]
    private static partial void Recovered(ILogger logger);

    [LoggerMessage(EventId = 22, Level = LogLevel.Warning, Message = "The alert webhook could not be called ({Error})")]
    private static partial void WebhookFailed(ILogger logger, string error);
}
