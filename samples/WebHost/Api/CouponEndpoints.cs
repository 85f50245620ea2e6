using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using SmartECoupon.Coupons;
using SmartECoupon.Validation;

namespace SmartECoupon.WebHost.Api;

/// <summary>Coupons, their images, tickets and one-time codes.</summary>
internal static class CouponEndpoints
{
    /// <summary>Up to this many codes are generated in the request (201); more become a job (202).</summary>
    public const int InlineCodeLimit = 10_000;

    /// <summary>Coupons, their images, tickets and one-time codes.</summary>
    public static RouteGroupBuilder MapCouponsApi(this RouteGroupBuilder api)
    {
        var coupons = api.MapGroup("/coupons").WithTags("Coupons");
        coupons.MapPost("/", CreateAsync).Accepts<CouponRequest>("application/json").RequireAuthorization(ApiPolicies.Admin).WithSummary("Creates a coupon as a draft.");
        coupons.MapGet("/", ListAsync).RequireAuthorization(ApiPolicies.Staff).WithSummary("Lists the tenant's coupons with their counts.");
        coupons.MapGet("/{id}", GetAsync).RequireAuthorization(ApiPolicies.Staff).WithSummary("One coupon.");
        coupons.MapPatch("/{id}", UpdateAsync).Accepts<CouponRequest>("application/json").RequireAuthorization(ApiPolicies.Admin).WithSummary("Changes a coupon's fields.");
        coupons.MapPost("/{id}/publish", (string id, HttpContext context, CouponService service) =>
        StatusAsync(context, service.PublishAsync(id, Caller.ActorOf(context), context.RequestAborted))).RequireAuthorization(ApiPolicies.Admin).WithSummary("Publishes a coupon: customers can receive and use it (within the plan's published-coupon limit).");
        coupons.MapPost("/{id}/pause", (string id, HttpContext context, CouponService service) =>
        StatusAsync(context, service.PauseAsync(id, Caller.ActorOf(context), context.RequestAborted))).RequireAuthorization(ApiPolicies.Admin).WithSummary("Pauses a coupon: uses are refused until it is published again.");
        coupons.MapPost("/{id}/archive", (string id, HttpContext context, CouponService service) =>
        StatusAsync(context, service.ArchiveAsync(id, Caller.ActorOf(context), context.RequestAborted))).RequireAuthorization(ApiPolicies.Admin).WithSummary("Archives a coupon: it can no longer be used.");
        coupons.MapPut("/{id}/image", SetImageAsync).RequireAuthorization(ApiPolicies.Admin).WithSummary("Sets the coupon's image (PNG, JPEG or WebP, at most 2 MB; the type is read from the bytes).");
        coupons.MapPost("/{id}/tickets", IssueTicketAsync).Accepts<IssueTicketRequest>("application/json").RequireAuthorization(ApiPolicies.Admin).WithSummary("Issues a customer's ticket (URL token, code and QR); the same customer gets the same ticket again.");
        coupons.MapPost("/{id}/codes", GenerateCodesAsync).Accepts<GenerateCodesRequest>("application/json").RequireAuthorization(ApiPolicies.Admin).WithSummary("Generates one-time codes: up to 10,000 at once (201), more as a job (202).");
        coupons.MapGet("/{id}/codes", ListCodesAsync).RequireAuthorization(ApiPolicies.Staff).WithSummary("Lists the coupon's one-time codes.");
        return coupons;
    }

    /// <summary>Coupon images for the coupon page: public, from the coupon's id, with the sniffed type and nothing that runs.</summary>
    public static RouteHandlerBuilder MapCouponImages(this IEndpointRouteBuilder app) =>
        app.MapGet("/images/{couponId}", GetImageAsync).WithTags("Pages").ExcludeFromDescription();

    /// <summary>Creates a coupon; a body with fields of the wrong type gets them with the rules' errors on the other fields, and nothing is written.</summary>
    private static async Task<Results<Created<CouponResponse>, ProblemHttpResult>> CreateAsync(Bound<CouponRequest> body, HttpContext context, CouponService service,
        Microsoft.Extensions.Options.IOptionsMonitor<SmartECouponOptions> options)
    {
        var errors = body.Errors.ToList();
        var draft = ApplyTo(new CouponDraft(), body, errors);
        if (errors.Count > 0)
        {
            CouponRules.Validate(draft, options.CurrentValue.Fields, Caller.ZoneOf(context), out var ruleErrors);
            return ApiProblem.Invalid(context, errors, Failure.Invalid(ruleErrors));
        }
        var created = await service.CreateAsync(draft, Caller.ActorOf(context), context.RequestAborted);
        return created.Succeeded
            ? TypedResults.Created($"/api/v1/coupons/{created.Value.Id}", CouponResponse.From(created.Value, Caller.ZoneOf(context)))
            : ApiProblem.From(context, created.Failure);
    }

    private static async Task<Results<Ok<CouponResponse>, ProblemHttpResult>> UpdateAsync(string id, Bound<CouponRequest> body, HttpContext context, CouponService service)
    {
        var errors = body.Errors.ToList();
        _ = ApplyTo(new CouponDraft(), body, errors);
        if (errors.Count > 0)
        {
            return ApiProblem.Invalid(context, errors);
        }
        // Fields present are changed (null clears an optional one), fields absent are kept.
        var updated = await service.UpdateAsync(id, current => ApplyTo(current, body, []), Caller.ActorOf(context), context.RequestAborted);
        return updated.Succeeded ? TypedResults.Ok(CouponResponse.From(updated.Value, Caller.ZoneOf(context))) : ApiProblem.From(context, updated.Failure);
    }

    /// <summary>
    /// The draft with every field the body has (a field absent is kept; null clears it); <paramref name="errors"/> gets
    /// the validity bounds that are not dates or instants.
    /// </summary>
    private static CouponDraft ApplyTo(CouponDraft draft, Bound<CouponRequest> body, List<ValidationError> errors)
    {
        var request = body.Value;
        return draft with
        {
            Title = body.Has("title") ? request.Title : draft.Title,
            Benefit = body.Has("benefit") ? request.Benefit : draft.Benefit,
            Description = body.Has("description") ? request.Description : draft.Description,
            ValidFrom = body.Has("validFrom") ? RequestFields.Bound(request.ValidFrom, "validFrom", errors) : draft.ValidFrom,
            ValidUntil = body.Has("validUntil") ? RequestFields.Bound(request.ValidUntil, "validUntil", errors) : draft.ValidUntil,
            TotalLimit = body.Has("totalLimit") ? request.TotalLimit : draft.TotalLimit,
            PerUserLimit = body.Has("perUserLimit") ? request.PerUserLimit : draft.PerUserLimit,
            StoreIds = body.Has("storeIds") ? request.StoreIds : draft.StoreIds,
            SharedCode = body.Has("sharedCode") ? request.SharedCode : draft.SharedCode,
        };
    }

    private static async Task<Results<Ok<ListResponse<CouponResponse>>, ProblemHttpResult>> ListAsync(HttpContext context, CouponService service)
    {
        var zone = Caller.ZoneOf(context);
        return await ApiPaging.ListAsync(context, page => service.ListAsync(page, context.RequestAborted), c => CouponResponse.From(c, zone));
    }

    private static async Task<Results<Ok<CouponResponse>, ProblemHttpResult>> GetAsync(string id, HttpContext context, CouponService service) =>
        await service.FindAsync(id, context.RequestAborted) is { } coupon
            ? TypedResults.Ok(CouponResponse.From(coupon, Caller.ZoneOf(context)))
            : ApiProblem.NotFound(context);

    private static async Task<Results<Ok<CouponResponse>, ProblemHttpResult>> StatusAsync(HttpContext context, Task<Result<Coupon>> change)
    {
        var changed = await change;
        return changed.Succeeded ? TypedResults.Ok(CouponResponse.From(changed.Value, Caller.ZoneOf(context))) : ApiProblem.From(context, changed.Failure);
    }

    private static async Task<Results<Ok<CouponResponse>, ProblemHttpResult>> SetImageAsync(string id, HttpContext context, CouponService service)
    {
        var (bytes, tooLarge) = await JsonBody.ReadBytesAsync(context.Request.Body, CouponImageTypes.MaxBytes, context.RequestAborted);
        if (tooLarge)
        {
            return ApiProblem.Create(context, StatusCodes.Status422UnprocessableEntity, FailureCodes.UnsupportedImage,
                new LocalizedMessage("画像は2MB以内のPNG、JPEG、WebPにしてください。", "The image must be a PNG, JPEG or WebP file of at most 2 MB."));
        }
        var set = await service.SetImageAsync(id, bytes, Caller.ActorOf(context), context.RequestAborted);
        return set.Succeeded ? TypedResults.Ok(CouponResponse.From(set.Value, Caller.ZoneOf(context))) : ApiProblem.From(context, set.Failure);
    }

    private static async Task<IResult> GetImageAsync(string couponId, HttpContext context, CouponService service)
    {
        // The session was resolved from the coupon id by the library (TenantSessionMiddleware).
        if (context.Features.Get<SmartECoupon.Tenancy.TenantSession>() is null || await service.OpenImageAsync(couponId, context.RequestAborted) is not { } image)
        {
            return ApiProblem.NotFound(context);
        }
        var headers = context.Response.Headers;
        headers[HeaderNames.XContentTypeOptions] = "nosniff";
        headers[HeaderNames.ContentSecurityPolicy] = "default-src 'none'; sandbox";
        headers[HeaderNames.CacheControl] = "public, max-age=300";
        headers[HeaderNames.ContentDisposition] = "inline";
        return TypedResults.Stream(image.Content, image.ContentType);
    }

    private static async Task<Results<Created<TicketResponse>, Ok<TicketResponse>, ProblemHttpResult>> IssueTicketAsync(string id, Bound<IssueTicketRequest> body, HttpContext context, TicketService service)
    {
        if (body.Errors.Count > 0)
        {
            return ApiProblem.Invalid(context, body.Errors);
        }
        var issued = await service.IssueAsync(id, body.Value.UserKey, Caller.ActorOf(context), context.RequestAborted);
        if (!issued.Succeeded)
        {
            return ApiProblem.From(context, issued.Failure);
        }
        var ticket = TicketResponse.From(issued.Value.Ticket, issued.Value.Coupon, Caller.ZoneOf(context));
        return issued.Value.Created ? TypedResults.Created($"/c/{ticket.Token}", ticket) : TypedResults.Ok(ticket);
    }

    private static async Task<Results<Created<CodesGeneratedResponse>, Accepted<CodeJobAcceptedResponse>, ProblemHttpResult>> GenerateCodesAsync(
        string id, Bound<GenerateCodesRequest> body, HttpContext context, OneTimeCodeService service, CodeJobService jobs)
    {
        if (body.Errors.Count > 0 || body.Value.Count is not { } count)
        {
            return ApiProblem.Invalid(context, body.Errors.Count > 0 ? body.Errors : [FieldErrors.Required(new FieldLabel("count", "件数", "Count"))]);
        }
        if (count <= InlineCodeLimit)
        {
            var generated = await service.GenerateAsync(id, count, Caller.ActorOf(context), cancellationToken: context.RequestAborted);
            return generated.Succeeded ? TypedResults.Created($"/api/v1/coupons/{id}/codes", new CodesGeneratedResponse(generated.Value)) : ApiProblem.From(context, generated.Failure);
        }
        var queued = await jobs.EnqueueAsync(id, count, Caller.ActorOf(context), context.RequestAborted);
        return queued.Succeeded ? TypedResults.Accepted($"/api/v1/jobs/{queued.Value.Id}", new CodeJobAcceptedResponse(queued.Value.Id)) : ApiProblem.From(context, queued.Failure);
    }

    private static async Task<Results<Ok<ListResponse<OneTimeCodeResponse>>, ProblemHttpResult>> ListCodesAsync(string id, HttpContext context, OneTimeCodeService service)
    {
        var zone = Caller.ZoneOf(context);
        return await ApiPaging.ListAsync(context, page => service.ListAsync(id, page, context.RequestAborted), c => OneTimeCodeResponse.From(c, zone));
    }
}

internal sealed record CodesGeneratedResponse(int Generated);

internal sealed record CodeJobAcceptedResponse(string JobId);
