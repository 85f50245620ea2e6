using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using SmartECoupon.Operations;
using SmartECoupon.Tenancy;

namespace SmartECoupon.WebHost.Operations;

/// <summary>
/// The public status page's data (sheet rows 1.12 and 1.17): the state of each component, open and recent incidents,
/// upcoming maintenance, and availability over the last 30 and 90 days. <c>/status.json</c> serves it; the page
/// <c>/status</c> (Pages/Status.cshtml) shows it.
/// </summary>
internal static class StatusPage
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/status.json", async (HttpContext context, StatusReader reader) =>
        {
            context.Response.Headers.CacheControl = "no-store";
            return TypedResults.Ok(await reader.ReadAsync(context.RequestAborted));
        }).WithTags("Status");
    }
}

/// <summary>Gathers what the status page shows.</summary>
internal sealed class StatusReader(HealthCheckService health, IncidentService incidents, MaintenanceService maintenance, OutageService outages,
    TimeProvider time, IOptionsMonitor<SmartECouponOptions> options)
{
    public async Task<StatusDocument> ReadAsync(CancellationToken cancellationToken)
    {
        var zone = TenantTimeZones.Find(options.CurrentValue.DefaultTimeZoneId);
        var now = Instants.Now(time);
        var report = await health.CheckHealthAsync(r => r.Tags.Contains(HealthTags.Ready), cancellationToken);
        // The public page says what a customer needs (is it working?) in Japanese, and nothing of the machine: no free
        // space, no sizes, no error text. Operators read /readyz and /metrics for those.
        var components = new List<StatusComponent> { Public("api", "healthy") };
        components.AddRange(report.Entries.Select(e => Public(e.Key, HealthChecksSetup.Name(e.Value.Status))));
        var openIncidents = (await incidents.ListRecentAsync(TimeSpan.FromDays(7), cancellationToken))
            .Select(i => new StatusIncident(i.Id, i.Title, Api.ApiJson.NameOf(i.Status), Local(i.CreatedAt), i.ResolvedAt is { } r ? Local(r) : null)).ToList();
        var notices = (await maintenance.ListCurrentAsync(cancellationToken))
            .Select(n => new StatusNotice(n.Id, n.Title, Local(n.StartsAt), Local(n.EndsAt), n.Emergency, n.Reason)).ToList();
        var last30 = await outages.ReportAsync(now.AddDays(-30), now, cancellationToken);
        var last90 = await outages.ReportAsync(now.AddDays(-90), now, cancellationToken);
        var overall = report.Status == HealthStatus.Unhealthy || openIncidents.Any(i => i.ResolvedAt is null) ? "unhealthy"
            : report.Status == HealthStatus.Degraded ? "degraded" : "healthy";
        if (overall == "unhealthy" && report.Status != HealthStatus.Unhealthy)
        {
            overall = "degraded"; // an open incident without a failing component: announced, but the service answers
        }
        return new StatusDocument(overall, components, openIncidents, notices,
            new StatusAvailability(last30.Value!.AvailabilityPercent, last90.Value!.AvailabilityPercent, last30.Value.TargetPercent), Local(now));

        DateTimeOffset Local(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, zone);
    }

    private static StatusComponent Public(string name, string status) => new(name, LabelOf(name), status, status switch
    {
        "healthy" => "正常に稼働しています。",
        "degraded" => "一部に遅れや制限があります。",
        _ => "停止しています。復旧に向けて対応しています。",
    });

    private static string LabelOf(string name) => name switch
    {
        "api" => "API・クーポン画面",
        HealthChecksSetup.DatabaseCheck => "データベース",
        HealthChecksSetup.DiskCheck => "データ保存領域",
        HealthChecksSetup.BackupsCheck => "バックアップ",
        HealthChecksSetup.JobsCheck => "バックグラウンド処理",
        _ => name,
    };
}

internal sealed record StatusDocument(string Status, IReadOnlyList<StatusComponent> Components, IReadOnlyList<StatusIncident> Incidents,
    IReadOnlyList<StatusNotice> Maintenance, StatusAvailability Availability, DateTimeOffset GeneratedAt);

/// <summary>A component as the public sees it: its key, its Japanese name, its state and a Japanese sentence about it.</summary>
internal sealed record StatusComponent(string Name, string Label, string Status, string Description);

internal sealed record StatusIncident(string Id, string Title, string Status, DateTimeOffset CreatedAt, DateTimeOffset? ResolvedAt);

internal sealed record StatusNotice(string Id, string Title, DateTimeOffset StartsAt, DateTimeOffset EndsAt, bool Emergency, string? Reason);

internal sealed record StatusAvailability(decimal Last30Days, decimal Last90Days, decimal Target);
