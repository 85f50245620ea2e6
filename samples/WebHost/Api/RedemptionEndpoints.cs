using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
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

    private static async Task<IResult> RedeemAsync(HttpContext context, RedemptionService service, LookupGuard guard, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json)
    {
        if (!context.Request.Headers.TryGetValue("Idempotency-Key", out var keyHeader) || string.IsNullOrEmpty(keyHeader))
        {
            return ApiProblem.Create(context, StatusCodes.Status400BadRequest, ApiProblem.IdempotencyKeyRequired, new LocalizedMessage(
                "Idempotency-Key ヘッダーが必要です。", "The Idempotency-Key header is required."));
        }
        if (!IdempotencyKey.TryCreate(keyHeader.ToString(), out var key))
        {
            return ApiProblem.Create(context, StatusCodes.Status400BadRequest, ApiProblem.IdempotencyKeyRequired, new LocalizedMessage(
                $"Idempotency-Key は{IdempotencyKey.MaxLength}文字以内の印字可能なASCII文字にしてください。", $"The Idempotency-Key must be 1–{IdempotencyKey.MaxLength} printable ASCII characters."));
        }
        var caller = Caller.Of(context).Actor.Id;
        return await WithRequestAsync(context, guard, caller, async (body, request) =>
        {
            if (!CanonicalJson.TryCanonicalize(body.Raw, out var canonical, out _))
            {
                return ApiProblem.Malformed(context, "リクエストがJSONとして読めません。", "The request body is not valid JSON.");
            }
            var zone = Caller.ZoneOf(context);
            var fingerprint = RequestFingerprint.Compute(context.Request.Method, context.Request.Path.Value ?? "", canonical);
            // What a finished request answered: stored with the key and replayed, status and body, for a retry.
            StoredResponse Render(RedemptionOutcome outcome) => outcome.Kind switch
            {
                RedemptionOutcomeKind.Redeemed => new StoredResponse(StatusCodes.Status201Created, "application/json",
                    JsonSerializer.Serialize(RedemptionResponse.From(outcome.Redemption!, zone), json.Value.SerializerOptions)),
                RedemptionOutcomeKind.Refused => Problem(context, StatusCodes.Status409Conflict, outcome.Refusal!.Value.ToCode(), outcome.Refusal.Value.MessageOf()),
                _ => Problem(context, StatusCodes.Status404NotFound, FailureCodes.NotFound, Failure.NotFound.Message),
            };
            var result = await service.RedeemAsync(request, Caller.ActorOf(context), RedemptionChannel.Api, new IdempotentRequest(key, fingerprint, Render), context.RequestAborted);
            if (!result.Succeeded)
            {
                return ApiProblem.From(context, result.Failure);
            }
            switch (result.Value.Decision)
            {
                case IdempotencyDecision.KeyReused:
                    return ApiProblem.Create(context, StatusCodes.Status422UnprocessableEntity, ApiProblem.IdempotencyKeyReused, new LocalizedMessage(
                        "この Idempotency-Key は別の内容のリクエストで使われています。", "This Idempotency-Key was used with a different request."));
                case IdempotencyDecision.InFlight:
                    return ApiProblem.Create(context, StatusCodes.Status409Conflict, ApiProblem.IdempotencyKeyInFlight, new LocalizedMessage(
                        "同じ Idempotency-Key のリクエストを処理中です。", "A request with this Idempotency-Key is still being processed."));
            }
            if (result.Value.Outcome?.Kind == RedemptionOutcomeKind.NotFound)
            {
                guard.RecordFailure(caller);
            }
            var response = result.Value.Response!;
            if (result.Value.Decision == IdempotencyDecision.Replay)
            {
                context.Response.Headers["Idempotent-Replayed"] = "true";
            }
            return TypedResults.Content(response.Body, response.ContentType, System.Text.Encoding.UTF8, response.StatusCode);
        });
    }

    private static async Task<IResult> ValidateAsync(HttpContext context, RedemptionService service, LookupGuard guard)
    {
        var caller = Caller.Of(context).Actor.Id;
        return await WithRequestAsync(context, guard, caller, async (body, request) =>
        {
            var checkedRequest = await service.ValidateAsync(request, context.RequestAborted);
            if (!checkedRequest.Succeeded)
            {
                return ApiProblem.From(context, checkedRequest.Failure);
            }
            if (!checkedRequest.Value.Found)
            {
                guard.RecordFailure(caller);
                return ApiProblem.NotFound(context);
            }
            return checkedRequest.Value.Refusal is { } refusal
                ? TypedResults.Ok(new ValidationResponse(false, refusal.ToCode(), refusal.MessageOf().For(ApiProblem.CultureOf(context))))
                : TypedResults.Ok(new ValidationResponse(true, null, null));
        });
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

    private static RedemptionRequest ReadRequest(JsonBody body, List<ValidationError> errors) => new()
    {
        TicketToken = body.String("ticketToken", errors),
        Code = body.String("code", errors),
        SharedCode = body.String("sharedCode", errors),
        UserKey = body.String("userKey", errors),
        StoreId = body.String("storeId", errors),
    };

    /// <summary>
    /// What redeem and validate share: the guessing guard's 429, then the body read as a redemption request (400 or 422
    /// when it is not one), then <paramref name="handle"/> with the body, which stays open until it returns.
    /// </summary>
    private static async Task<IResult> WithRequestAsync(HttpContext context, LookupGuard guard, string caller, Func<JsonBody, RedemptionRequest, Task<IResult>> handle)
    {
        if (Blocked(context, guard, caller) is { } blocked)
        {
            return blocked;
        }
        var (body, problem) = await JsonBody.ReadAsync<RedemptionRequestBody>(context);
        if (body is null)
        {
            return problem!;
        }
        using (body)
        {
            var errors = new List<ValidationError>();
            var request = ReadRequest(body, errors);
            return errors.Count > 0 ? ApiProblem.Invalid(context, errors) : await handle(body, request);
        }
    }

    /// <summary>The guessing guard's 429, when the caller has failed too many look-ups in the last minute.</summary>
    private static ProblemHttpResult? Blocked(HttpContext context, LookupGuard guard, string caller) =>
        guard.RetryAfter(caller) is { } wait
            ? ApiProblem.TooMany(context, ApiProblem.TooManyAttempts, wait, new LocalizedMessage(
                "見つからないコードの照会が多すぎます。しばらくしてから再試行してください。", "Too many look-ups of unknown codes; retry after the time given."))
            : null;

    private static StoredResponse Problem(HttpContext context, int status, string code, LocalizedMessage message) =>
        new(status, "application/problem+json", JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["type"] = $"https://tools.ietf.org/html/rfc9110#section-15.5.{(status == StatusCodes.Status404NotFound ? 5 : 10)}",
            ["title"] = message.For(ApiProblem.CultureOf(context)),
            ["status"] = status,
            ["code"] = code,
        }));
}

internal sealed record ValidationResponse(bool Redeemable, string? Code, string? Message);
