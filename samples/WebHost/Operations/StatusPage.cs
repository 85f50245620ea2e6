using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using SmartECoupon.Operations;
using SmartECoupon.Tenancy;

namespace SmartECoupon.WebHost.Operations;

/// <summary>
/// The public status page (sheet rows 1.12 and 1.17): the state of each component, open and recent incidents, upcoming
/// maintenance, and availability over the last 30 and 90 days. <c>/status</c> is HTML, <c>/status.json</c> the same data.
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
        app.MapGet("/status", async (HttpContext context, StatusReader reader) =>
        {
            context.Response.Headers.CacheControl = "no-store";
            return TypedResults.Content(Html(await reader.ReadAsync(context.RequestAborted)), "text/html; charset=utf-8");
        }).ExcludeFromDescription();
    }

    private static string Html(StatusDocument status)
    {
        static string E(string? text) => WebUtility.HtmlEncode(text ?? "");
        static string At(DateTimeOffset instant) => instant.ToString("yyyy年M月d日 HH:mm", CultureInfo.InvariantCulture);
        var html = new StringBuilder();
        html.Append("""
            <!DOCTYPE html>
            <html lang="ja"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>SmartECoupon 稼働状況</title>
            <style>
            body{font-family:system-ui,"Hiragino Sans","Noto Sans JP",sans-serif;margin:0 auto;max-width:44rem;padding:1rem;color:#1f2328;background:#fff;line-height:1.6}
            h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:1.5rem}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #d0d7de;padding:.4rem;text-align:left}
            .healthy{color:#116329}.degraded{color:#7d4e00}.unhealthy{color:#a40e26}.banner{padding:.6rem;border-radius:.3rem;background:#f6f8fa}
            </style></head><body>
            """);
        html.Append(CultureInfo.InvariantCulture, $"<h1>SmartECoupon 稼働状況</h1><p class=\"banner {status.Status}\" data-testid=\"overall-status\">{E(OverallText(status.Status))}</p>");
        html.Append("<h2>コンポーネント</h2><table><tbody>");
        foreach (var component in status.Components)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><th scope=\"row\">{E(component.Name)}</th><td class=\"{component.Status}\">{E(StateText(component.Status))}</td><td>{E(component.Description)}</td></tr>");
        }
        html.Append("</tbody></table><h2>障害情報</h2>");
        if (status.Incidents.Count == 0)
        {
            html.Append("<p>現在、障害はありません。</p>");
        }
        foreach (var incident in status.Incidents)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p><strong>{E(incident.Title)}</strong>（{E(incident.Status)}、{At(incident.CreatedAt)}）</p>");
        }
        html.Append("<h2>メンテナンス予定</h2>");
        if (status.Maintenance.Count == 0)
        {
            html.Append("<p>予定はありません。</p>");
        }
        foreach (var notice in status.Maintenance)
        {
            var emergency = notice.Emergency ? $"【緊急】理由: {E(notice.Reason)} " : "";
            html.Append(CultureInfo.InvariantCulture, $"<p>{emergency}<strong>{E(notice.Title)}</strong> {At(notice.StartsAt)} ～ {At(notice.EndsAt)}</p>");
        }
        html.Append(CultureInfo.InvariantCulture, $"""
            <h2>稼働率（目標 {status.Availability.Target:0.00}%）</h2>
            <table><tbody><tr><th scope="row">過去30日</th><td>{status.Availability.Last30Days:0.000}%</td></tr>
            <tr><th scope="row">過去90日</th><td>{status.Availability.Last90Days:0.000}%</td></tr></tbody></table>
            <p><small>{At(status.GeneratedAt)} 時点</small></p></body></html>
            """);
        return html.ToString();
    }

    private static string OverallText(string status) => status switch
    {
        "healthy" => "すべてのサービスは正常に稼働しています。",
        "degraded" => "一部の機能に遅れや制限があります。",
        _ => "サービスに障害が発生しています。",
    };

    private static string StateText(string status) => status switch
    {
        "healthy" => "正常",
        "degraded" => "一部制限",
        _ => "障害",
    };
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
        var components = new List<StatusComponent> { new("api", "healthy", "The API answers.") };
        components.AddRange(report.Entries.Select(e => new StatusComponent(e.Key, HealthChecksSetup.Name(e.Value.Status), e.Value.Description)));
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
}

internal sealed record StatusDocument(string Status, IReadOnlyList<StatusComponent> Components, IReadOnlyList<StatusIncident> Incidents,
    IReadOnlyList<StatusNotice> Maintenance, StatusAvailability Availability, DateTimeOffset GeneratedAt);

internal sealed record StatusComponent(string Name, string Status, string? Description);

internal sealed record StatusIncident(string Id, string Title, string Status, DateTimeOffset CreatedAt, DateTimeOffset? ResolvedAt);

internal sealed record StatusNotice(string Id, string Title, DateTimeOffset StartsAt, DateTimeOffset EndsAt, bool Emergency, string? Reason);

internal sealed record StatusAvailability(decimal Last30Days, decimal Last90Days, decimal Target);
