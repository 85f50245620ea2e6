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
/// A request's idempotency: its key, its fingerprint, and how to turn an outcome into the response that is stored and
/// replayed (the host's status code and body, so that a replay is byte for byte the first answer).
/// </summary>
/// <param name="Key">The client's key.</param>
/// <param name="Fingerprint">The request's fingerprint.</param>
/// <param name="Render">Turns an outcome into the response to store.</param>
public sealed record IdempotentRequest(IdempotencyKey Key, RequestFingerprint Fingerprint, Func<RedemptionOutcome, StoredResponse> Render);

/// <summary>What a redemption request came to.</summary>
public sealed record RedeemResult
{
    /// <summary>
    /// What the idempotency layer decided: <see cref="IdempotencyDecision.Proceed"/> (the redemption ran now, see
    /// <see cref="Outcome"/>), <see cref="IdempotencyDecision.Replay"/> (see <see cref="Response"/>),
    /// <see cref="IdempotencyDecision.KeyReused"/> or <see cref="IdempotencyDecision.InFlight"/>.
    /// </summary>
    public IdempotencyDecision Decision { get; init; } = IdempotencyDecision.Proceed;

    /// <summary>The outcome, when the redemption ran now.</summary>
    public RedemptionOutcome? Outcome { get; init; }

    /// <summary>The stored response: the one rendered now (with a key), or the one replayed.</summary>
    public StoredResponse? Response { get; init; }
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
    CouponService couponService,
    ITenantContext tenantContext,
    TenantWriteGate gate,
    TimeProvider time,
    IOptionsMonitor<SmartECouponOptions> options,
    ILogger<RedemptionService>? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger<RedemptionService>.Instance;

    /// <summary>Checks whether a redemption would go through now, changing nothing (the contract's validate).</summary>
    public async Task<Result<RedemptionCheck>> ValidateAsync(RedemptionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var prepared = await PrepareAsync(request, cancellationToken).ConfigureAwait(false);
        if (!prepared.Succeeded)
        {
            return prepared.Failure;
        }
        if (prepared.Value is not { } lookup)
        {
            return RedemptionCheck.NotFound;
        }
        var snapshot = await redemptions.FindSnapshotAsync(lookup, cancellationToken).ConfigureAwait(false);
        return snapshot is null
            ? RedemptionCheck.NotFound
            : RedemptionCheck.Of(RedemptionRules.Evaluate(snapshot, request.StoreId, Instants.Now(time)));
    }

    /// <summary>
    /// Uses a coupon. With <paramref name="idempotent"/>, the request runs at most once per key: a retry gets the stored
    /// answer, the same key with another request is refused, and a retry while the first still runs waits for its
    /// answer (or, for a key held by an operation that claims keys ahead, is told the first still runs).
    /// </summary>
    /// <remarks>
    /// The key is not claimed up front. Its answer is written in the redemption's own transaction (or alone, for a
    /// refusal or a miss), and a key that already has a record makes that write change nothing; the stored record then
    /// decides. One transaction per request, and a process that dies mid-request leaves no claim behind.
    /// </remarks>
    public async Task<Result<RedeemResult>> RedeemAsync(RedemptionRequest request, Actor actor, RedemptionChannel channel, IdempotentRequest? idempotent = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var tenantId = tenantContext.RequireTenantId();
        if (await gate.RefusalAsync(cancellationToken).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }
        var prepared = await PrepareAsync(request, cancellationToken).ConfigureAwait(false);
        if (!prepared.Succeeded)
        {
            return prepared.Failure;
        }

        for (var attempt = 1; ; attempt++)
        {
            var (outcome, response) = await ExecuteAsync(tenantId, prepared.Value, request, actor, channel, idempotent, cancellationToken).ConfigureAwait(false);
            if (outcome is not null)
            {
                Decided(tenantId, outcome, channel);
                return new RedeemResult { Outcome = outcome, Response = response };
            }

            // The key already had a record, so nothing was written: the record decides.
            var existing = await idempotency.FindAsync(idempotent!.Key.Value, cancellationToken).ConfigureAwait(false);
            var decision = IdempotencyPolicy.Decide(existing, idempotent.Fingerprint, Instants.Now(time));
            switch (decision)
            {
                case IdempotencyDecision.Replay:
                    return new RedeemResult { Decision = decision, Response = existing!.Response };
                case IdempotencyDecision.KeyReused or IdempotencyDecision.InFlight:
                    return new RedeemResult { Decision = decision };
            }
            // Expired, abandoned by a holder that died, or removed since the write: clear it and run again, unless
            // other requests keep taking the key first.
            if (attempt == MaxKeyAttempts)
            {
                return new RedeemResult { Decision = IdempotencyDecision.InFlight };
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

    /// <summary>The latest live use of a ticket (for the coupon page's "used at"), or <see langword="null"/>.</summary>
    public Task<Redemption?> FindLastUseAsync(string ticketId, CancellationToken cancellationToken = default) =>
        redemptions.FindLastLiveForTicketAsync(ticketId, cancellationToken);

    /// <summary>Lists redemptions.</summary>
    public Task<Page<Redemption>> ListAsync(PageRequest page, CancellationToken cancellationToken = default) => redemptions.ListAsync(page, cancellationToken);

    /// <summary>
    /// Looks up, judges and writes. Returns the outcome and the answer stored for the key, or a null outcome when the
    /// key already had a record (nothing was written).
    /// </summary>
    private async Task<(RedemptionOutcome? Outcome, StoredResponse? Response)> ExecuteAsync(string tenantId, RedemptionLookup? lookup, RedemptionRequest request, Actor actor, RedemptionChannel channel, IdempotentRequest? idempotent, CancellationToken cancellationToken)
    {
        var snapshot = lookup is null ? null : await redemptions.FindSnapshotAsync(lookup, cancellationToken).ConfigureAwait(false);
        if (snapshot is null)
        {
            return await AnswerAsync(tenantId, RedemptionOutcome.NotFound, idempotent, cancellationToken).ConfigureAwait(false);
        }
        var now = Instants.Now(time);
        if (RedemptionRules.Evaluate(snapshot, request.StoreId, now) is { } refusal)
        {
            return await AnswerAsync(tenantId, RedemptionOutcome.Refused(refusal), idempotent, cancellationToken).ConfigureAwait(false);
        }

        var ticket = snapshot.Ticket;
        if (snapshot.Method == RedemptionMethod.SharedCode && ticket is null)
        {
            // The user's per-user count lives on their ticket: a first use by shared code issues it.
            ticket = (await couponService.GetOrIssueTicketAsync(snapshot.Coupon, snapshot.UserKey!, actor, cancellationToken).ConfigureAwait(false)).Ticket;
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
        var redeemed = RedemptionOutcome.Redeemed(redemption);
        var record = idempotent is null ? null : Record(tenantId, idempotent, redeemed, now);
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
            return await AnswerAsync(tenantId, RedemptionOutcome.Refused(lost), idempotent, cancellationToken).ConfigureAwait(false);
        }
        return (RedemptionOutcome.Redeemed(result.Redemption!), record?.Response);
    }

    /// <summary>An outcome that wrote nothing (a refusal or a miss): with a key, its answer is stored on its own.</summary>
    private async Task<(RedemptionOutcome? Outcome, StoredResponse? Response)> AnswerAsync(string tenantId, RedemptionOutcome outcome, IdempotentRequest? idempotent, CancellationToken cancellationToken)
    {
        if (idempotent is null)
        {
            return (outcome, null);
        }
        var record = Record(tenantId, idempotent, outcome, Instants.Now(time));
        return await idempotency.TryAddAsync(record, cancellationToken).ConfigureAwait(false) ? (outcome, record.Response) : (null, null);
    }

    private IdempotencyRecord Record(string tenantId, IdempotentRequest idempotent, RedemptionOutcome outcome, DateTimeOffset now) =>
        IdempotencyPolicy.Completed(tenantId, idempotent.Key, idempotent.Fingerprint, idempotent.Render(outcome), now, options.CurrentValue.Idempotency);

    private void Decided(string tenantId, RedemptionOutcome outcome, RedemptionChannel channel)
    {
        SmartECoupon.Operations.SmartECouponMetrics.RedemptionDecided(
            outcome.Kind switch { RedemptionOutcomeKind.Redeemed => "redeemed", RedemptionOutcomeKind.Refused => "refused", _ => "not_found" },
            channel == RedemptionChannel.Page ? "page" : "api");
        switch (outcome.Kind)
        {
            case RedemptionOutcomeKind.Redeemed:
                Log.Redeemed(_logger, outcome.Redemption!.TenantId, outcome.Redemption.CouponId, outcome.Redemption.Id);
                break;
            case RedemptionOutcomeKind.Refused:
                Log.Refused(_logger, tenantId, outcome.Refusal!.Value);
                break;
        }
    }

    /// <summary>
    /// Checks the request's shape and turns it into a store look-up. Returns a failure for malformed input (422), or a
    /// null look-up for values that cannot match anything (an answer of "not found", like an unknown code).
    /// </summary>
    private async Task<Result<RedemptionLookup?>> PrepareAsync(RedemptionRequest request, CancellationToken cancellationToken)
    {
        if (!request.IsWellFormed(out var field))
        {
            return Failure.Invalid(new ValidationError(field, ValidationCodes.Required,
                new LocalizedMessage("ticketToken、code、または sharedCode と userKey のいずれか一つを指定してください。",
                    "Give exactly one of ticketToken, code, or sharedCode with userKey.")));
        }
        if (request.StoreId is { } storeId)
        {
            if (!EntityIds.HasShape(storeId, EntityIds.StorePrefix) || await stores.FindAsync(storeId, cancellationToken).ConfigureAwait(false) is null)
            {
                return Failure.Invalid(new ValidationError("storeId", ValidationCodes.NotFound,
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
        public static partial void Refused(ILogger logger, string tenantId, RedemptionRefusal reason);
    }
}
