using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SmartECoupon.Auditing;
using SmartECoupon.Coupons;
using SmartECoupon.Idempotency;
using SmartECoupon.Storage;
using SmartECoupon.Tenancy;
using SmartECoupon.Validation;

namespace SmartECoupon.Redemptions;

/// <summary>
/// A request's idempotency: its key, its fingerprint, and the host's representation of a result (the redemption, or the
/// failure), which the library stores under the key with the result's outcome code and gives back, unchanged, to a retry.
/// </summary>
/// <param name="Key">The client's key.</param>
/// <param name="Fingerprint">The request's fingerprint.</param>
/// <param name="Render">
/// Represents a result as the caller will see it (for an HTTP host, the body of its answer). Called once, before the
/// result is stored; it must not call back into the library.
/// </param>
public sealed class IdempotentRequest(IdempotencyKey Key, RequestFingerprint Fingerprint, Func<Result<Redemption>, CancellationToken, ValueTask<IdempotentPayload>> Render)
{
    /// <summary>The client's key.</summary>
    public IdempotencyKey Key { get; } = Key;

    /// <summary>The request's fingerprint.</summary>
    public RequestFingerprint Fingerprint { get; } = Fingerprint;

    /// <summary>Render</summary>
    public Func<Result<Redemption>, CancellationToken, ValueTask<IdempotentPayload>> Render { get; } = Render;
}

/// <summary>
/// Validates, redeems and voids. The rules (<see cref="RedemptionRules"/>) are checked on what the store holds; the store
/// then writes the redemption with guarded statements that keep every limit under any concurrency, and gives the same
/// refusal codes when a race is lost.
/// </summary>
public sealed partial class RedemptionService(
    IRedemptionRepository redemptions,
    IIdempotencyRepository idempotency,
    IStoreRepository stores,
    TicketService ticketService,
    ITenantContext tenantContext,
    TenantWriteGate gate,
    ILookupAttemptStore lookupAttempts,
    TimeProvider time,
    IOptionsMonitor<SmartECouponOptions> options,
    ILogger<RedemptionService>? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger<RedemptionService>.Instance;

    // The guard against guessing codes, for every host alike: a member who misses too many look-ups waits.
    private readonly LookupGuard _guard = new(lookupAttempts, time, options);

    /// <summary>
    /// Checks whether a redemption would go through now, changing nothing (the contract's validate): success, or the
    /// failure a redemption would get (<see cref="Failure.NotFound"/>, a refusal as <see cref="Failure.Refused"/>, or
    /// invalid input).
    /// </summary>
    public async Task<Result> ValidateAsync(RedemptionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var prepared = await PrepareAsync(request, cancellationToken).ConfigureAwait(false);
        if (!prepared.Succeeded)
        {
            return prepared.Failure;
        }
        var (attempt, blocked) = await _guard.TakeAsync(tenantContext.Session?.Actor.MemberId, prepared.Value, cancellationToken).ConfigureAwait(false);
        if (blocked is not null)
        {
            return blocked;
        }
        var snapshot = prepared.Value is { } lookup ? await redemptions.FindSnapshotAsync(lookup, cancellationToken).ConfigureAwait(false) : null;
        await _guard.EndAsync(attempt, missed: snapshot is null, cancellationToken).ConfigureAwait(false);
        if (snapshot is null)
        {
            return Failure.NotFound;
        }
        return RedemptionRules.Evaluate(snapshot, request.StoreId, Instants.Now(time)) is { } refusal ? Failure.Refused(refusal) : Result.Success;
    }

    /// <summary>
    /// Uses a coupon: the new redemption, or why not (<see cref="Failure.NotFound"/>, a refusal as
    /// <see cref="Failure.Refused"/>, invalid input, a cancelled tenant).
    /// </summary>
    public async Task<Result<Redemption>> RedeemAsync(RedemptionRequest request, Actor actor, RedemptionChannel channel, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var tenantId = tenantContext.RequireTenantId();
        var prepared = await PrepareWriteAsync(request, actor, cancellationToken).ConfigureAwait(false);
        if (!prepared.Succeeded)
        {
            return prepared.Failure;
        }
        var (result, _) = await ExecuteAsync(tenantId, prepared.Value.Lookup, request, actor, channel, null, cancellationToken).ConfigureAwait(false);
        await DecidedAsync(tenantId, result!.Value, prepared.Value.Attempt, channel, cancellationToken).ConfigureAwait(false);
        return result.Value;
    }

    /// <summary>
    /// Uses a coupon at most once per key. The reply holds the answer to give: the result's outcome code and the host's
    /// representation of it, stored under the key (a redemption, a refusal or a miss), or, for a retry, the answer stored
    /// by the first request, unchanged. The same key with another request fails with
    /// <see cref="Failure.IdempotencyKeyReused"/>; a key held by a request that has not finished, with
    /// <see cref="Failure.IdempotencyKeyInFlight"/>. Failures that say the request was not acceptable (invalid input, a
    /// cancelled tenant) are not stored: nothing ran, and the caller may fix the request and use the key again.
    /// </summary>
    /// <remarks>
    /// The key is not claimed up front. Its answer is written in the redemption's own transaction (or alone, for a
    /// refusal or a miss), and a key that already has a record makes that write change nothing; the stored record then
    /// decides. One transaction per request, and a process that dies mid-request leaves no claim behind.
    /// </remarks>
    public async Task<Result<IdempotentReply>> RedeemIdempotentlyAsync(RedemptionRequest request, Actor actor, RedemptionChannel channel, IdempotentRequest idempotent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(idempotent);
        var tenantId = tenantContext.RequireTenantId();
        var prepared = await PrepareWriteAsync(request, actor, cancellationToken).ConfigureAwait(false);
        if (!prepared.Succeeded)
        {
            return prepared.Failure;
        }

        var (lookup, lookupAttempt) = prepared.Value;
        for (var attempt = 1; ; attempt++)
        {
            var (result, answer) = await ExecuteAsync(tenantId, lookup, request, actor, channel, idempotent, cancellationToken).ConfigureAwait(false);
            if (result is { } ran)
            {
                await DecidedAsync(tenantId, ran, lookupAttempt, channel, cancellationToken).ConfigureAwait(false);
                return new IdempotentReply(answer!, Replayed: false);
            }
            // The key's record decides, not this look-up: the first request was counted if it missed.
            await _guard.EndAsync(lookupAttempt, missed: false, cancellationToken).ConfigureAwait(false);
            lookupAttempt = null;

            // The key already had a record, so nothing was written: the record decides.
            var existing = await idempotency.FindAsync(idempotent.Key.Value, cancellationToken).ConfigureAwait(false);
            switch (IdempotencyPolicy.Decide(existing, idempotent.Fingerprint, Instants.Now(time)))
            {
                case IdempotencyDecision.Replay:
                    return new IdempotentReply(existing!.Answer!, Replayed: true);
                case IdempotencyDecision.KeyReused:
                    return Failure.IdempotencyKeyReused;
                case IdempotencyDecision.InFlight:
                    return Failure.IdempotencyKeyInFlight;
            }
            // Expired, abandoned by a holder that died, or removed since the write: clear it and run again, unless
            // other requests keep taking the key first.
            if (attempt == MaxKeyAttempts)
            {
                return Failure.IdempotencyKeyInFlight;
            }
            if (existing is not null)
            {
                await idempotency.TryRemoveAsync(existing, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private const int MaxKeyAttempts = 3;

    /// <summary>
    /// Voids a live redemption: one slot of the total limit and one use of the ticket (or the one-time code) are given
    /// back, exactly once whatever races with it. A second void is refused with <c>already_voided</c>.
    /// </summary>
    public async Task<Result<Redemption>> VoidAsync(string redemptionId, Actor actor, CancellationToken cancellationToken = default)
    {
        var tenantId = tenantContext.RequireTenantId();
        if (await gate.RefusalAsync(cancellationToken).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }
        var now = Instants.Now(time);
        var outcome = await redemptions.VoidAsync(redemptionId, now, actor, AuditEntry.Create(tenantId, actor, AuditActions.Voided, AuditTargets.Redemption, redemptionId, now), cancellationToken).ConfigureAwait(false);
        return outcome.Kind switch
        {
            VoidOutcomeKind.Voided => outcome.Redemption!,
            VoidOutcomeKind.AlreadyVoided => Failure.Conflict(FailureCodes.AlreadyVoided, "この利用はすでに取り消されています。", "The redemption was voided before."),
            _ => Failure.NotFound,
        };
    }

    /// <summary>Finds a redemption.</summary>
    public Task<Redemption?> FindAsync(string redemptionId, CancellationToken cancellationToken = default) => redemptions.FindAsync(redemptionId, cancellationToken);


    /// <summary>Lists redemptions.</summary>
    public Task<Page<Redemption>> ListAsync(PageRequest page, CancellationToken cancellationToken = default) => redemptions.ListAsync(page, cancellationToken);

    /// <summary>
    /// Looks up, judges and writes. Returns the result and the answer stored for the key, or a null result when the key
    /// already had a record (nothing was written).
    /// </summary>
    private async Task<(Result<Redemption>? Result, IdempotentAnswer? Answer)> ExecuteAsync(string tenantId, RedemptionLookup? lookup, RedemptionRequest request, Actor actor, RedemptionChannel channel, IdempotentRequest? idempotent, CancellationToken cancellationToken)
    {
        var snapshot = lookup is null ? null : await redemptions.FindSnapshotAsync(lookup, cancellationToken).ConfigureAwait(false);
        if (snapshot is null)
        {
            return await AnswerAsync(tenantId, Failure.NotFound, idempotent, cancellationToken).ConfigureAwait(false);
        }
        var now = Instants.Now(time);
        if (RedemptionRules.Evaluate(snapshot, request.StoreId, now) is { } refusal)
        {
            return await AnswerAsync(tenantId, Failure.Refused(refusal), idempotent, cancellationToken).ConfigureAwait(false);
        }

        var ticket = snapshot.Ticket;
        if (snapshot.Method == RedemptionMethod.SharedCode && ticket is null)
        {
            // The user's per-user count lives on their ticket: a first use by shared code issues it.
            ticket = (await ticketService.GetOrIssueAsync(snapshot.Coupon, snapshot.UserKey!, actor, cancellationToken).ConfigureAwait(false)).Ticket;
        }
        var redemption = new Redemption
        {
            TenantId = snapshot.Coupon.TenantId,
            Id = EntityIds.New(EntityIds.RedemptionPrefix, now),
            CouponId = snapshot.Coupon.Id,
            TicketId = ticket?.Id,
            OneTimeCode = snapshot.OneTimeCode?.Code,
            UserKey = snapshot.UserKey,
            StoreId = request.StoreId,
            Channel = channel,
            RedeemedAt = now,
            RedeemedBy = actor.MemberId,
        };
        var record = idempotent is null ? null : await RecordAsync(tenantId, idempotent, redemption, now, cancellationToken).ConfigureAwait(false);
        var write = new RedemptionWrite
        {
            Redemption = redemption,
            Method = snapshot.Method,
            Audit = AuditEntry.Create(redemption.TenantId, actor, AuditActions.Redeemed, AuditTargets.Redemption, redemption.Id, now),
            Idempotency = record,
        };
        var result = await redemptions.TryRedeemAsync(write, cancellationToken).ConfigureAwait(false);
        if (result.KeyTaken)
        {
            return (null, null);
        }
        if (result.Refusal is { } lost)
        {
            // A race was lost between the look-up and the write: the guard's refusal is the answer.
            return await AnswerAsync(tenantId, Failure.Refused(lost), idempotent, cancellationToken).ConfigureAwait(false);
        }
        return (result.Redemption!, record?.Answer);
    }

    /// <summary>A result that wrote nothing (a refusal or a miss): with a key, its answer is stored on its own.</summary>
    private async Task<(Result<Redemption>? Result, IdempotentAnswer? Answer)> AnswerAsync(string tenantId, Failure failure, IdempotentRequest? idempotent, CancellationToken cancellationToken)
    {
        if (idempotent is null)
        {
            return (failure, null);
        }
        var record = await RecordAsync(tenantId, idempotent, failure, Instants.Now(time), cancellationToken).ConfigureAwait(false);
        if (!await idempotency.TryAddAsync(record, cancellationToken).ConfigureAwait(false))
        {
            return (null, null);
        }
        return (failure, record.Answer);
    }

    /// <summary>The record kept for the key: the result's outcome code and the host's representation of it.</summary>
    private async Task<IdempotencyRecord> RecordAsync(string tenantId, IdempotentRequest idempotent, Result<Redemption> result, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var payload = await idempotent.Render(result, cancellationToken).ConfigureAwait(false);
        var answer = new IdempotentAnswer(result.Succeeded ? IdempotentAnswer.Succeeded : result.Failure.Code, payload.MediaType, payload.Content);
        return IdempotencyPolicy.Completed(tenantId, idempotent.Key, idempotent.Fingerprint, answer, now, options.CurrentValue.Idempotency);
    }

    private async Task DecidedAsync(string tenantId, Result<Redemption> result, LookupAttempt? attempt, RedemptionChannel channel, CancellationToken cancellationToken)
    {
        await _guard.EndAsync(attempt, missed: result.Failure?.Kind == FailureKind.NotFound, cancellationToken).ConfigureAwait(false);
        var outcome = result.Succeeded ? "redeemed" : result.Failure.Kind == FailureKind.NotFound ? "not_found" : "refused";
        SmartECoupon.Operations.SmartECouponMetrics.RedemptionDecided(outcome, channel == RedemptionChannel.Page ? "page" : "api");
        if (result.Succeeded)
        {
            Log.Redeemed(_logger, result.Value.TenantId, result.Value.CouponId, result.Value.Id);
        }
        else if (result.Failure.Kind == FailureKind.Conflict)
        {
            Log.Refused(_logger, tenantId, result.Failure.Code);
        }
    }

    /// <summary>
    /// What every redemption checks before it looks anything up: that the tenant accepts writes, that the member has not
    /// missed too many look-ups lately, and the request's shape.
    /// </summary>
    private async Task<Result<(RedemptionLookup? Lookup, LookupAttempt? Attempt)>> PrepareWriteAsync(RedemptionRequest request, Actor actor, CancellationToken cancellationToken)
    {
        if (await gate.RefusalAsync(cancellationToken).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }
        var prepared = await PrepareAsync(request, cancellationToken).ConfigureAwait(false);
        if (!prepared.Succeeded)
        {
            return prepared.Failure;
        }
        // The attempt is taken before the look-up (only members are counted: the page's look-ups are by a resolved ticket).
        var (attempt, blocked) = await _guard.TakeAsync(actor.MemberId, prepared.Value, cancellationToken).ConfigureAwait(false);
        if (blocked is not null)
        {
            return blocked;
        }
        return (prepared.Value, attempt);
    }

    /// <summary>
    /// Checks the request's shape and turns it into a store look-up. Returns a failure for malformed input (422), or a
    /// null look-up for values that cannot match anything (an answer of "not found", like an unknown code).
    /// </summary>
    private async Task<Result<RedemptionLookup?>> PrepareAsync(RedemptionRequest request, CancellationToken cancellationToken)
    {
        if (!request.IsWellFormed(out var field))
        {
            return Failure.Invalid(new ValidationError(field, FailureCodes.Required,
                new LocalizedMessage("ticketToken、code、または sharedCode と userKey のいずれか一つを指定してください。",
                    "Give exactly one of ticketToken, code, or sharedCode with userKey.")));
        }
        if (request.StoreId is { } storeId)
        {
            if (!EntityIds.HasShape(storeId, EntityIds.StorePrefix) || await stores.FindAsync(storeId, cancellationToken).ConfigureAwait(false) is null)
            {
                return Failure.Invalid(new ValidationError("storeId", FailureCodes.NotFound,
                    new LocalizedMessage("storeId の店舗が見つかりません。", "No store has that storeId.")));
            }
        }
        if (request.TicketToken is { } token)
        {
            return TicketTokens.HasShape(token) ? new RedemptionLookup(RedemptionLookupKind.TicketToken, token, null) : (RedemptionLookup?)null;
        }
        if (request.Code is { } code)
        {
            return CouponCodes.Normalize(code) is { } normalized ? new RedemptionLookup(RedemptionLookupKind.Code, normalized, null) : (RedemptionLookup?)null;
        }
        var errors = new List<ValidationError>();
        var user = options.CurrentValue.Fields.UserKey.Apply("userKey", request.UserKey, errors);
        if (errors.Count > 0)
        {
            return Failure.Invalid(errors);
        }
        return CouponCodes.Normalize(request.SharedCode) is { } key ? new RedemptionLookup(RedemptionLookupKind.SharedCode, key, user) : (RedemptionLookup?)null;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 100, Level = LogLevel.Debug, Message = "Redemption {RedemptionId} of coupon {CouponId} in tenant {TenantId}.")]
        public static partial void Redeemed(ILogger logger, string tenantId, string couponId, string redemptionId);

        [LoggerMessage(EventId = 101, Level = LogLevel.Debug, Message = "Redemption in tenant {TenantId} refused: {Reason}.")]
        public static partial void Refused(ILogger logger, string tenantId, string reason);
    }
}
