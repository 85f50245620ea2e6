using Microsoft.AspNetCore.Http.HttpResults;
using SmartECoupon.Operations;
using SmartECoupon.Retention;
using SmartECoupon.Tenancy;
using SmartECoupon.Validation;

namespace SmartECoupon.WebHost.Api;

/// <summary>The platform's operations: maintenance notices, incidents, outages, availability and backups.</summary>
internal static class OperationsEndpoints
{
    /// <summary>Maintenance notices.</summary>
    public static RouteGroupBuilder MapMaintenanceApi(this RouteGroupBuilder api)
    {
        var maintenance = api.MapGroup("/maintenance").WithTags("Operations");
        maintenance.MapPost("/", CreateNoticeAsync).Accepts<CreateNoticeRequest>("application/json").RequireAuthorization(ApiPolicies.Operator).WithSummary("Announces a maintenance at least 7 days ahead (or an emergency with its reason) and e-mails every tenant administrator.");
        maintenance.MapGet("/", ListNoticesAsync).RequireAuthorization(ApiPolicies.AnyKey).WithSummary("Lists the maintenance notices that have not ended.");
        return maintenance;
    }

    /// <summary>Incidents on the status page.</summary>
    public static RouteGroupBuilder MapIncidentsApi(this RouteGroupBuilder api)
    {
        var incidents = api.MapGroup("/incidents").WithTags("Operations");
        incidents.MapPost("/", CreateIncidentAsync).Accepts<CreateIncidentRequest>("application/json").RequireAuthorization(ApiPolicies.Operator).WithSummary("Publishes an incident on the status page.");
        incidents.MapPatch("/{id}", UpdateIncidentAsync).Accepts<UpdateIncidentRequest>("application/json").RequireAuthorization(ApiPolicies.Operator).WithSummary("Moves an incident on: investigating, identified, monitoring, resolved.");
        incidents.MapGet("/", ListIncidentsAsync).RequireAuthorization(ApiPolicies.AnyKey).WithSummary("Lists incidents.");
        incidents.MapGet("/{id}", GetIncidentAsync).RequireAuthorization(ApiPolicies.AnyKey).WithSummary("One incident.");
        return incidents;
    }

    /// <summary>Outages, availability and backups (operator keys only).</summary>
    public static RouteGroupBuilder MapOpsApi(this RouteGroupBuilder api)
    {
        var ops = api.MapGroup("/ops").RequireAuthorization(ApiPolicies.Operator).WithTags("Operations");
        ops.MapPost("/outages", RecordOutageAsync).Accepts<RecordOutageRequest>("application/json").WithSummary("Records an outage seen by an outside monitor.");
        ops.MapGet("/availability", AvailabilityAsync).WithSummary("Availability over a period against the 99.00% target (outages under 5 minutes ignored).");
        ops.MapPost("/backups", CreateBackupAsync).WithSummary("Takes a full backup now (file, SHA-256 and manifest); rotates to the generations kept.");
        ops.MapGet("/backups", ListBackupsAsync).WithSummary("Lists the backups kept, newest first.");
        return ops;
    }

    private static async Task<Results<Created<NoticeResponse>, ProblemHttpResult>> CreateNoticeAsync(Bound<CreateNoticeRequest> body, HttpContext context, MaintenanceService service)
    {
        var errors = body.Errors.ToList();
        var draft = body.Value.ToDraft(errors);
        if (errors.Count > 0)
        {
            return ApiProblem.Invalid(context, errors);
        }
        var created = await service.CreateAsync(draft, context.RequestAborted);
        return created.Succeeded
            ? TypedResults.Created($"/api/v1/maintenance/{created.Value.Id}", NoticeResponse.From(created.Value, Caller.ZoneOf(context)))
            : ApiProblem.From(context, created.Failure);
    }

    private static async Task<Ok<ListResponse<NoticeResponse>>> ListNoticesAsync(HttpContext context, MaintenanceService service)
    {
        var zone = Caller.ZoneOf(context);
        var notices = await service.ListCurrentAsync(context.RequestAborted);
        return TypedResults.Ok(new ListResponse<NoticeResponse>([.. notices.Select(n => NoticeResponse.From(n, zone))], null));
    }

    private static async Task<Results<Created<IncidentResponse>, ProblemHttpResult>> CreateIncidentAsync(Bound<CreateIncidentRequest> body, HttpContext context, IncidentService service)
    {
        var errors = body.Errors.ToList();
        var status = RequestFields.Enum<IncidentStatus>(body.Value.Status, "status", errors, "investigating、identified、monitoring、resolvedのいずれか", "investigating, identified, monitoring or resolved");
        if (errors.Count > 0)
        {
            return ApiProblem.Invalid(context, errors);
        }
        var created = await service.CreateAsync(body.Value.Title, status, context.RequestAborted);
        return created.Succeeded
            ? TypedResults.Created($"/api/v1/incidents/{created.Value.Id}", IncidentResponse.From(created.Value, Caller.ZoneOf(context)))
            : ApiProblem.From(context, created.Failure);
    }

    private static async Task<Results<Ok<IncidentResponse>, ProblemHttpResult>> UpdateIncidentAsync(string id, Bound<UpdateIncidentRequest> body, HttpContext context, IncidentService service)
    {
        var errors = body.Errors.ToList();
        var status = RequestFields.Enum<IncidentStatus>(body.Value.Status, "status", errors, "investigating、identified、monitoring、resolvedのいずれか", "investigating, identified, monitoring or resolved");
        if (errors.Count > 0)
        {
            return ApiProblem.Invalid(context, errors);
        }
        var updated = await service.UpdateAsync(id, status, context.RequestAborted);
        return updated.Succeeded ? TypedResults.Ok(IncidentResponse.From(updated.Value, Caller.ZoneOf(context))) : ApiProblem.From(context, updated.Failure);
    }

    private static async Task<Ok<ListResponse<IncidentResponse>>> ListIncidentsAsync(HttpContext context, IncidentService service)
    {
        var zone = Caller.ZoneOf(context);
        var incidents = await service.ListRecentAsync(TimeSpan.FromDays(90), context.RequestAborted);
        return TypedResults.Ok(new ListResponse<IncidentResponse>([.. incidents.Select(i => IncidentResponse.From(i, zone))], null));
    }

    private static async Task<Results<Ok<IncidentResponse>, ProblemHttpResult>> GetIncidentAsync(string id, HttpContext context, IncidentService service) =>
        await service.FindAsync(id, context.RequestAborted) is { } incident
            ? TypedResults.Ok(IncidentResponse.From(incident, Caller.ZoneOf(context)))
            : ApiProblem.NotFound(context);

    private static async Task<Results<Created<OutageResponse>, ProblemHttpResult>> RecordOutageAsync(Bound<RecordOutageRequest> body, HttpContext context, OutageService service)
    {
        var (request, errors) = (body.Value, body.Errors.ToList());
        var startedAt = RequestFields.Instant(request.StartedAt, "startedAt", errors);
        var endedAt = RequestFields.Instant(request.EndedAt, "endedAt", errors);
        if (errors.Count > 0)
        {
            return ApiProblem.Invalid(context, errors);
        }
        var recorded = await service.RecordAsync(startedAt, endedAt, request.Source, context.RequestAborted);
        return recorded.Succeeded
            ? TypedResults.Created($"/api/v1/ops/outages/{recorded.Value.Id}", OutageResponse.From(recorded.Value, Caller.ZoneOf(context)))
            : ApiProblem.From(context, recorded.Failure);
    }

    private static async Task<Results<Ok<AvailabilityResponse>, ProblemHttpResult>> AvailabilityAsync(HttpContext context, OutageService service, TimeProvider time)
    {
        var errors = new List<ValidationError>();
        var now = Instants.Now(time);
        var from = Instant(context, "from", errors) ?? now.AddDays(-30);
        var to = Instant(context, "to", errors) ?? now;
        if (errors.Count > 0)
        {
            return ApiProblem.Invalid(context, errors);
        }
        var report = await service.ReportAsync(from, to, context.RequestAborted);
        return report.Succeeded ? TypedResults.Ok(AvailabilityResponse.Of(report.Value, Caller.ZoneOf(context))) : ApiProblem.From(context, report.Failure);
    }

    private static async Task<Created<BackupResponse>> CreateBackupAsync(HttpContext context, BackupService backups)
    {
        var manifest = await backups.CreateAsync(context.RequestAborted);
        return TypedResults.Created($"/api/v1/ops/backups/{manifest.Id}", BackupResponse.From(manifest, Caller.ZoneOf(context)));
    }

    private static async Task<Ok<ListResponse<BackupResponse>>> ListBackupsAsync(HttpContext context, BackupService backups)
    {
        var zone = Caller.ZoneOf(context);
        var listed = await backups.ListAsync(context.RequestAborted);
        return TypedResults.Ok(new ListResponse<BackupResponse>([.. listed.Select(b => BackupResponse.From(b, zone))], null));
    }

    /// <summary>A query parameter that is a date (the start of that day in the platform's zone) or an instant.</summary>
    private static DateTimeOffset? Instant(HttpContext context, string name, List<ValidationError> errors)
    {
        var text = context.Request.Query[name].ToString();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        if (SmartECoupon.Coupons.ValidityBound.TryParse(text, out var bound))
        {
            return bound.Resolve(Caller.ZoneOf(context), SmartECoupon.Coupons.ValidityEdge.Start);
        }
        errors.Add(FieldErrors.InvalidFormat(name, "2026-12-01 または 2026-12-01T10:00:00+09:00", "2026-12-01 or 2026-12-01T10:00:00+09:00"));
        return null;
    }
}

internal sealed record NoticeResponse(string Id, string Title, string Body, DateTimeOffset StartsAt, DateTimeOffset EndsAt, bool Emergency, string? Reason, DateTimeOffset CreatedAt)
{
    public static NoticeResponse From(MaintenanceNotice n, TimeZoneInfo zone) => new(n.Id, n.Title, n.Body, TenantResponse.Local(n.StartsAt, zone),
        TenantResponse.Local(n.EndsAt, zone), n.Emergency, n.Reason, TenantResponse.Local(n.CreatedAt, zone));
}

internal sealed record IncidentResponse(string Id, string Title, string Status, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? ResolvedAt)
{
    public static IncidentResponse From(Incident i, TimeZoneInfo zone) => new(i.Id, i.Title, ApiJson.NameOf(i.Status), TenantResponse.Local(i.CreatedAt, zone),
        TenantResponse.Local(i.UpdatedAt, zone), i.ResolvedAt is { } resolved ? TenantResponse.Local(resolved, zone) : null);
}

internal sealed record OutageResponse(string Id, DateTimeOffset StartedAt, DateTimeOffset EndedAt, string Source)
{
    public static OutageResponse From(RecordedOutage o, TimeZoneInfo zone) =>
        new(o.Id, TenantResponse.Local(o.Outage.StartedAt, zone), TenantResponse.Local(o.Outage.EndedAt, zone), o.Outage.Source);
}

internal sealed record AvailabilityResponse(DateTimeOffset From, DateTimeOffset To, decimal Availability, decimal Target, double DowntimeMinutes, int OutagesCounted, int OutagesIgnored, bool MeetsTarget)
{
    public static AvailabilityResponse Of(AvailabilityReport r, TimeZoneInfo zone) => new(TenantResponse.Local(r.From, zone), TenantResponse.Local(r.To, zone),
        r.AvailabilityPercent, r.TargetPercent, r.DowntimeMinutes, r.OutagesCounted, r.OutagesIgnored, r.MeetsTarget);
}

internal sealed record BackupResponse(string Id, DateTimeOffset CreatedAt, long SizeBytes, string Sha256)
{
    public static BackupResponse From(BackupManifest b, TimeZoneInfo zone) => new(b.Id, TenantResponse.Local(b.CreatedAt, zone), b.SizeBytes, b.Sha256);
}
