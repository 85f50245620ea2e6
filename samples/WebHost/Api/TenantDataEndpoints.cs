using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using SmartECoupon.Auditing;
using SmartECoupon.Coupons;
using SmartECoupon.Portability;
using SmartECoupon.Storage;
using SmartECoupon.Tenancy;
using SmartECoupon.Validation;

namespace SmartECoupon.WebHost.Api;

/// <summary>A tenant's settings, code jobs, exports and imports, and audit log.</summary>
internal static class TenantDataEndpoints
{
    /// <summary>The tenant's settings (the theme).</summary>
    public static RouteGroupBuilder MapSettingsApi(this RouteGroupBuilder api)
    {
        var settings = api.MapGroup("/settings").RequireAuthorization(ApiPolicies.Admin).WithTags("Settings");
        settings.MapGet("/theme", GetThemeAsync).WithSummary("The colours of the tenant's coupon pages.");
        settings.MapPut("/theme", PutThemeAsync).Accepts<ThemeRequest>("application/json").WithSummary("Sets the colours of the coupon pages; text under 4.5:1 contrast is refused (low_contrast).");
        return settings;
    }

    /// <summary>Code-generation jobs.</summary>
    public static RouteGroupBuilder MapJobsApi(this RouteGroupBuilder api)
    {
        var jobs = api.MapGroup("/jobs").RequireAuthorization(ApiPolicies.Admin).WithTags("Coupons");
        jobs.MapGet("/{id}", GetJobAsync).WithSummary("The progress of a code-generation job.");
        return jobs;
    }

    /// <summary>CSV exports of every dataset, and the zip bundle.</summary>
    public static RouteGroupBuilder MapExportsApi(this RouteGroupBuilder api)
    {
        var exports = api.MapGroup("/exports").RequireAuthorization(ApiPolicies.Admin).WithTags("Portability");
        exports.MapGet("/all.zip", ExportBundleAsync).WithSummary("Every dataset as CSV, the coupon images and a manifest of row counts and SHA-256, as one zip.");
        exports.MapGet("/{file}", ExportAsync).WithSummary("One dataset as CSV (coupons, tickets, codes, redemptions, stores, members, settings, audit-log), UTF-8 with BOM or Shift_JIS.");
        return exports;
    }

    /// <summary>The coupon import.</summary>
    public static RouteGroupBuilder MapImportsApi(this RouteGroupBuilder api)
    {
        var imports = api.MapGroup("/imports").RequireAuthorization(ApiPolicies.Admin).WithTags("Portability");
        imports.MapPost("/coupons", ImportCouponsAsync).WithSummary("Imports coupons from the export's own CSV format, all or nothing.");
        return imports;
    }

    /// <summary>The tenant's audit log.</summary>
    public static RouteGroupBuilder MapAuditLogApi(this RouteGroupBuilder api)
    {
        var auditLog = api.MapGroup("/audit-log").RequireAuthorization(ApiPolicies.Admin).WithTags("Audit");
        auditLog.MapGet("/", ListAuditAsync).WithSummary("The tenant's audit entries: who did what, when.");
        return auditLog;
    }

    private static async Task<Ok<ThemeResponse>> GetThemeAsync(HttpContext context, ThemeService themes) =>
        TypedResults.Ok(ThemeResponse.From(await themes.GetAsync(context.RequestAborted)));

    private static async Task<Results<Ok<ThemeResponse>, ProblemHttpResult>> PutThemeAsync(Bound<ThemeRequest> body, HttpContext context, ThemeService themes)
    {
        if (body.Errors.Count > 0)
        {
            return ApiProblem.Invalid(context, body.Errors);
        }
        var request = body.Value;
        var draft = new TenantThemeDraft { PrimaryColor = request.PrimaryColor, ButtonTextColor = request.ButtonTextColor, BackgroundColor = request.BackgroundColor, TextColor = request.TextColor };
        var updated = await themes.UpdateAsync(draft, Caller.ActorOf(context), context.RequestAborted);
        return updated.Succeeded ? TypedResults.Ok(ThemeResponse.From(updated.Value)) : ApiProblem.From(context, updated.Failure);
    }

    private static async Task<Results<Ok<CodeJobResponse>, ProblemHttpResult>> GetJobAsync(string id, HttpContext context, CodeJobService jobs) =>
        await jobs.FindAsync(id, context.RequestAborted) is { } job
            ? TypedResults.Ok(CodeJobResponse.From(job, Caller.ZoneOf(context)))
            : ApiProblem.NotFound(context);

    private static async Task<IResult> ExportAsync(string file, HttpContext context, TenantDataExporter exporter)
    {
        if (!file.EndsWith(".csv", StringComparison.Ordinal) || !CsvDatasets.TryParse(file[..^4], out var dataset))
        {
            return ApiProblem.NotFound(context);
        }
        if (ReadOptions(context) is not { } options)
        {
            return EncodingProblem(context);
        }
        var prepared = await exporter.ExportAsync(dataset, options, context.RequestAborted);
        return prepared.Succeeded
            ? Streamed(prepared.Value, prepared.Value.ContentType, prepared.Value.FileName, (export, body) => export.WriteToAsync(body, context.RequestAborted))
            : ApiProblem.From(context, prepared.Failure);
    }

    /// <summary>A prepared export, written straight to the response and disposed after.</summary>
    private static StreamedFile Streamed<TExport>(TExport export, string contentType, string fileName, Func<TExport, Stream, Task> write)
        where TExport : IAsyncDisposable => new(contentType, fileName, async body =>
        {
            await using (export)
            {
                await write(export, body);
            }
        });

    private static async Task<IResult> ExportBundleAsync(HttpContext context, TenantDataExporter exporter)
    {
        if (ReadOptions(context) is not { } options)
        {
            return EncodingProblem(context);
        }
        var prepared = await exporter.ExportBundleAsync(options, context.RequestAborted);
        return prepared.Succeeded
            ? Streamed(prepared.Value, CsvBundle.ContentType, prepared.Value.FileName, (bundle, body) => bundle.WriteToAsync(body, context.RequestAborted))
            : ApiProblem.From(context, prepared.Failure);
    }

    private static async Task<Results<Ok<ImportResponse>, ProblemHttpResult>> ImportCouponsAsync(HttpContext context, CouponCsvImporter importer)
    {
        var imported = await importer.ImportAsync(context.Request.Body, Caller.ActorOf(context), context.RequestAborted);
        return imported.Succeeded ? TypedResults.Ok(new ImportResponse(imported.Value.Imported, imported.Value.Encoding)) : ApiProblem.From(context, imported.Failure);
    }

    private static async Task<Results<Ok<ListResponse<AuditEntryResponse>>, ProblemHttpResult>> ListAuditAsync(HttpContext context, AuditLogService audit)
    {
        var zone = Caller.ZoneOf(context);
        return await ApiPaging.ListAsync(context, page => audit.ListAsync(page, context.RequestAborted), a => AuditEntryResponse.From(a, zone));
    }

    private static CsvExportOptions? ReadOptions(HttpContext context)
    {
        if (!CsvExportOptions.TryParseEncoding(context.Request.Query["encoding"], out var encoding))
        {
            return null;
        }
        var headers = context.Request.Query["headers"].ToString();
        return new CsvExportOptions { Encoding = encoding, JapaneseHeaders = string.Equals(headers, "ja", StringComparison.OrdinalIgnoreCase) };
    }

    private static ProblemHttpResult EncodingProblem(HttpContext context) =>
        ApiProblem.Invalid(context, [FieldErrors.InvalidFormat("encoding", "utf-8 または shift_jis", "utf-8 or shift_jis")]);
}

/// <summary>A download written straight to the response body, so nothing is held in memory.</summary>
internal sealed class StreamedFile(string contentType, string fileName, Func<Stream, Task> write) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.ContentType = contentType;
        httpContext.Response.Headers[HeaderNames.ContentDisposition] = new ContentDispositionHeaderValue("attachment") { FileNameStar = fileName, FileName = fileName }.ToString();
        httpContext.Response.Headers[HeaderNames.CacheControl] = "no-store";
        httpContext.Response.Headers[HeaderNames.XContentTypeOptions] = "nosniff";
        await write(httpContext.Response.Body);
    }
}

internal sealed record ThemeResponse(string PrimaryColor, string ButtonTextColor, string BackgroundColor, string TextColor)
{
    public static ThemeResponse From(TenantTheme t) => new(t.PrimaryColor, t.ButtonTextColor, t.BackgroundColor, t.TextColor);
}

internal sealed record CodeJobResponse(string Id, string CouponId, string Status, int Requested, int Generated, string? Error, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static CodeJobResponse From(CodeJob j, TimeZoneInfo zone) => new(j.Id, j.CouponId, ApiJson.NameOf(j.Status), j.Requested, j.Generated, j.Error,
        TenantResponse.Local(j.CreatedAt, zone), TenantResponse.Local(j.UpdatedAt, zone));
}

internal sealed record ImportResponse(int Imported, string Encoding);

internal sealed record AuditEntryResponse(string Id, DateTimeOffset At, string ActorKind, string ActorId, string Action, string TargetType, string TargetId)
{
    public static AuditEntryResponse From(AuditEntry a, TimeZoneInfo zone) =>
        new(a.Id, TenantResponse.Local(a.At, zone), ApiJson.NameOf(a.ActorKind), a.ActorId, a.Action, a.TargetType, a.TargetId);
}
