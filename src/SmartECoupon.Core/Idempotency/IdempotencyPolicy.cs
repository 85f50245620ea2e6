namespace SmartECoupon.Idempotency;

/// <summary>Whether an idempotency record's request is still running or has its answer stored.</summary>
public enum IdempotencyRecordState
{
    /// <summary>The first request with the key is running.</summary>
    InFlight,
    /// <summary>The first request finished and its answer is stored.</summary>
    Completed,
}

/// <summary>
/// How a host represents an operation's result to its caller: a media type and the content, exactly as sent. The library
/// stores it with the outcome and never reads it.
/// </summary>
/// <param name="MediaType">The media type of <paramref name="Content"/> (<c>application/json</c>, for example).</param>
/// <param name="Content">The content.</param>
public sealed class IdempotentPayload(string MediaType, string Content)
{
    /// <summary>The media type of <see cref="Content"/>.</summary>
    public string MediaType { get; } = MediaType;

    /// <summary>The content.</summary>
    public string Content { get; } = Content;
}

/// <summary>
/// The answer kept for an idempotency key and given again to a retry: what the operation came to, as an opaque outcome
/// code, and the host's representation of it. No protocol lives here: a host maps the outcome code to its own status
/// (an HTTP host, <see cref="Succeeded"/> to 201 and <c>not_found</c> to 404, for example).
/// </summary>
/// <param name="OutcomeCode"><see cref="Succeeded"/>, or the stable code of the failure (<see cref="FailureCodes"/>).</param>
/// <param name="MediaType">The media type of <paramref name="Payload"/>.</param>
/// <param name="Payload">The representation, exactly as first sent.</param>
public sealed record IdempotentAnswer(string OutcomeCode, string MediaType, string Payload)
{
    /// <summary>The outcome code of an operation that went through.</summary>
    public const string Succeeded = "succeeded";

    /// <summary>Whether the operation went through.</summary>
    public bool IsSuccess => OutcomeCode == Succeeded;
}

/// <summary>What an idempotent request came to: the answer to send, and whether it is a replay of an earlier one.</summary>
/// <param name="Answer">The answer: given now, or stored by the first request with the key.</param>
/// <param name="Replayed">Whether <paramref name="Answer"/> is the stored answer of an earlier request with the key.</param>
public sealed class IdempotentReply(IdempotentAnswer Answer, bool Replayed)
{
    /// <summary>The answer: given now, or stored by the first request with the key.</summary>
    public IdempotentAnswer Answer { get; } = Answer;

    /// <summary>Whether <see cref="Answer"/> is the stored answer of an earlier request with the key.</summary>
    public bool Replayed { get; } = Replayed;
}

/// <summary>What the store keeps for one idempotency key of one tenant.</summary>
public sealed record IdempotencyRecord
{
    /// <summary>The tenant the key belongs to.</summary>
    public required string TenantId { get; init; }

    /// <summary>The client's key.</summary>
    public required string Key { get; init; }

    /// <summary>The fingerprint of the first request with the key.</summary>
    public required string Fingerprint { get; init; }

    /// <summary>Whether the first request is running or finished.</summary>
    public IdempotencyRecordState State { get; init; }

    /// <summary>When the first request claimed the key.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>
    /// Until when an in-flight claim holds. A claim whose holder died (the process was killed between claim and
    /// answer) is taken over once this has passed; the operation's own writes and the stored answer commit together,
    /// so taking over never runs an operation twice.
    /// </summary>
    public DateTimeOffset LockedUntil { get; init; }

    /// <summary>When the record may be removed (at least 24 hours after <see cref="CreatedAt"/>).</summary>
    public DateTimeOffset ExpiresAt { get; init; }

    /// <summary>The stored answer, once <see cref="State"/> is <see cref="IdempotencyRecordState.Completed"/>.</summary>
    public IdempotentAnswer? Answer { get; init; }
}

/// <summary>What to do with a request that carries an idempotency key.</summary>
public enum IdempotencyDecision
{
    /// <summary>Run the operation: the key is new, expired, or its in-flight claim was abandoned.</summary>
    Proceed,
    /// <summary>Send the stored answer again: same key, same request, finished (the contract's replay).</summary>
    Replay,
    /// <summary>Refuse: the key was used for another request (422 <c>idempotency_key_reused</c>).</summary>
    KeyReused,
    /// <summary>Refuse for now: the first request with the key still runs (409 <c>idempotency_key_in_flight</c>).</summary>
    InFlight,
}

/// <summary>Options of the idempotency layer.</summary>
public sealed class IdempotencyOptions
{
    /// <summary>The shortest <see cref="Retention"/> allowed: 24 hours, as the contract promises.</summary>
    public static readonly TimeSpan MinimumRetention = TimeSpan.FromHours(24);

    /// <summary>How long a finished answer is kept for replay. Default 24 hours; at least 24 hours.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long an in-flight claim holds before another request may take the key over. Default 30 seconds.</summary>
    public TimeSpan InFlightLease { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>The contract's idempotency semantics, as pure functions of the stored record and the incoming request.</summary>
public static class IdempotencyPolicy
{
    /// <summary>
    /// Decides what to do with a request whose fingerprint is <paramref name="fingerprint"/> when the store holds
    /// <paramref name="existing"/> for its key (or nothing).
    /// </summary>
    public static IdempotencyDecision Decide(IdempotencyRecord? existing, RequestFingerprint fingerprint, DateTimeOffset now)
    {
        if (existing is null || existing.ExpiresAt <= now)
        {
            return IdempotencyDecision.Proceed;
        }
        var sameRequest = string.Equals(existing.Fingerprint, fingerprint.Value, StringComparison.Ordinal);
        if (existing.State == IdempotencyRecordState.Completed)
        {
            return sameRequest ? IdempotencyDecision.Replay : IdempotencyDecision.KeyReused;
        }
        if (existing.LockedUntil <= now)
        {
            // The holder died before answering, and its work (committed only together with the answer) never happened.
            return IdempotencyDecision.Proceed;
        }
        return sameRequest ? IdempotencyDecision.InFlight : IdempotencyDecision.KeyReused;
    }

    /// <summary>The record of a finished request: its answer, kept for replay until <see cref="IdempotencyOptions.Retention"/> has passed.</summary>
    public static IdempotencyRecord Completed(string tenantId, IdempotencyKey key, RequestFingerprint fingerprint, IdempotentAnswer answer, DateTimeOffset now, IdempotencyOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentNullException.ThrowIfNull(answer);
        ArgumentNullException.ThrowIfNull(options);
        return new IdempotencyRecord
        {
            TenantId = tenantId,
            Key = key.Value,
            Fingerprint = fingerprint.Value,
            State = IdempotencyRecordState.Completed,
            CreatedAt = now,
            LockedUntil = now,
            ExpiresAt = now + options.Retention,
            Answer = answer,
        };
    }
}
