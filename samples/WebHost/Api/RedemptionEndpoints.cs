using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using SmartECoupon.Idempotency;
using SmartECoupon.Redemptions;
using SmartECoupon.Validation;

namespace SmartECoupon.WebHost.Api;

/// <summary>Redemptions (the use of a coupon at the counter), voids and validation, with idempotency and the guessing guard.</summary>
internal static class RedemptionEndpoints
{
    /// <summary>Redemptions, voids and validation (staff or admin keys).</summary>
    public static RouteGroupBuilder MapRedemptionsApi(this RouteGroupBuilder api)
    {
        var redemptions = api.MapGroup("/redemptions").RequireAuthorization(ApiPolicies.Staff).WithTags("Redemptions");
        redemptions.MapPost("/", RedeemAsync).Accepts<RedemptionRequestBody>("application/json").Produces<RedemptionResponse>(StatusCodes.Status201Created).WithSummary("Redeems a coupon by ticket token, code or shared code, with an Idempotency-Key; a refusal names its reason.");
        redemptions.MapPost("/validate", ValidateAsync).Accepts<RedemptionRequestBody>("application/json").Produces<ValidationResponse>().WithSummary("Checks whether a redemption would succeed, without redeeming.");
        redemptions.MapGet("/", ListAsync).WithSummary("Lists redemptions, a page at a time.");
        redemptions.MapGet("/{id}", GetAsync).WithSummary("One redemption.");
        redemptions.MapPost("/{id}/void", VoidAsync).WithSummary("Voids a redemption: one slot goes back to the coupon and one use to the ticket; a second void is 409 already_voided.");
        return redemptions;
    }

    private static async Task<IResult> RedeemAsync(Bound<RedemptionRequestBody> body, HttpContext context, RedemptionService service)
    {
        if (IdempotencyKeyOf(context) is not { } key)
        {
            return ApiProblem.Create(context, StatusCodes.Status400BadRequest, FailureCodes.IdempotencyKeyRequired, new LocalizedMessage(
                $"Idempotency-Key ヘッダー（{IdempotencyKey.MaxLength}文字以内の印字可能なASCII文字）が必要です。", $"The Idempotency-Key header (1–{IdempotencyKey.MaxLength} printable ASCII characters) is required."));
        }
        if (body.Errors.Count > 0 || !RequestFingerprint.TryComputeForJson(context.Request.Method, context.Request.Path.Value ?? "", body.Raw, out var fingerprint))
        {
            return ApiProblem.Invalid(context, body.Errors);
        }
        var idempotent = new IdempotentRequest(key, fingerprint, (result, _) => RenderAsync(context, result));
        var reply = await service.RedeemIdempotentlyAsync(RequestOf(body.Value), Caller.ActorOf(context), RedemptionChannel.Api, idempotent, context.RequestAborted);
        return reply.Succeeded ? Send(context, reply.Value) : ApiProblem.From(context, reply.Failure);
    }

    /// <summary>The request's Idempotency-Key, or null when it has none or one that is not 1–255 printable ASCII characters.</summary>
    private static IdempotencyKey? IdempotencyKeyOf(HttpContext context) =>
        IdempotencyKey.TryCreate(context.Request.Headers["Idempotency-Key"].ToString(), out var key) ? key : null;

    /// <summary>
    /// A redemption's answer as the caller sees it, stored with the key: the redemption as JSON, or the problem exactly as
    /// every other error of the API is written (same writer, <c>traceId</c> included), so that a replay is byte for byte
    /// the first answer.
    /// </summary>
    private static async ValueTask<IdempotentPayload> RenderAsync(HttpContext context, Result<Redemption> result) => result.Succeeded
        ? new IdempotentPayload("application/json", JsonSerializer.Serialize(RedemptionResponse.From(result.Value, Caller.ZoneOf(context)), ApiJson.OptionsOf(context)))
        : new IdempotentPayload("application/problem+json", await ApiProblem.RenderAsync(context, result.Failure));

    /// <summary>Sends a stored answer: its status from its outcome (201, 404 for a miss, 409 for a refusal), its payload as stored.</summary>
    private static ContentHttpResult Send(HttpContext context, IdempotentReply reply)
    {
        if (reply.Replayed)
        {
            context.Response.Headers["Idempotent-Replayed"] = "true";
        }
        var status = reply.Answer.OutcomeCode switch
        {
            IdempotentAnswer.Succeeded => StatusCodes.Status201Created,
            FailureCodes.NotFound => StatusCodes.Status404NotFound,
            _ => StatusCodes.Status409Conflict,
        };
        return TypedResults.Content(reply.Answer.Payload, reply.Answer.MediaType, System.Text.Encoding.UTF8, status);
    }

    private static async Task<IResult> ValidateAsync(Bound<RedemptionRequestBody> body, HttpContext context, RedemptionService service)
    {
        if (body.Errors.Count > 0)
        {
            return ApiProblem.Invalid(context, body.Errors);
        }
        var check = await service.ValidateAsync(RequestOf(body.Value), context.RequestAborted);
        return check.Failure?.Kind switch
        {
            null => TypedResults.Ok(new ValidationResponse(true, null, null)),
            // A refusal is an answer here, not an error: the coupon would not go through, and this is why.
            FailureKind.Conflict => TypedResults.Ok(new ValidationResponse(false, check.Failure.Code, check.Failure.Message.For(ApiProblem.CultureOf(context)))),
            _ => ApiProblem.From(context, check.Failure),
        };
    }

    private static async Task<Results<Ok<ListResponse<RedemptionResponse>>, ProblemHttpResult>> ListAsync(HttpContext context, RedemptionService service)
    {
        var zone = Caller.ZoneOf(context);
        return await ApiPaging.ListAsync(context, page => service.ListAsync(page, context.RequestAborted), r => RedemptionResponse.From(r, zone));
    }

    private static async Task<Results<Ok<RedemptionResponse>, ProblemHttpResult>> GetAsync(string id, HttpContext context, RedemptionService service) =>
        await service.FindAsync(id, context.RequestAborted) is { } redemption
            ? TypedResults.Ok(RedemptionResponse.From(redemption, Caller.ZoneOf(context)))
            : ApiProblem.NotFound(context);

    private static async Task<Results<Ok<RedemptionResponse>, ProblemHttpResult>> VoidAsync(string id, HttpContext context, RedemptionService service)
    {
        var voided = await service.VoidAsync(id, Caller.ActorOf(context), context.RequestAborted);
        return voided.Succeeded ? TypedResults.Ok(RedemptionResponse.From(voided.Value, Caller.ZoneOf(context))) : ApiProblem.From(context, voided.Failure);
    }

    private static RedemptionRequest RequestOf(RedemptionRequestBody body) => new()
    {
        TicketToken = body.TicketToken,
        Code = body.Code,
        SharedCode = body.SharedCode,
        UserKey = body.UserKey,
        StoreId = body.StoreId,
    };
}

internal sealed record ValidationResponse(bool Redeemable, string? Code, string? Message);
