namespace SmartECoupon.Idempotency;

/// <summary>Whether an idempotency record's request is still running or has its answer stored.</summary>
public enum IdempotencyRecordState
{
    /// <summary>The first request with the key is running.</summary>
    InFlight,
    /// <summary>The first request finished and its answer is stored.</summary>
    Completed,
}

/// <summary>A response stored for replay: its status code and body, exactly as first sent.</summary>
/// <param name="StatusCode">The status code.</param>
/// <param name="ContentType">The media type of <paramref name="Body"/>.</param>
/// <param name="Body">The body.</param>
public sealed record StoredResponse(int StatusCode, string ContentType, string Body);

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
    public StoredResponse? Response { get; init; }
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

    /// <summary>
    /// Whether an answer with <paramref name="statusCode"/> is stored for replay: success (2xx), 404 and 409 are, as the
    /// contract says. Answers that say the request itself was not acceptable (400, 401, 403, 422, 429) or that the
    /// server failed (5xx) are not: the operation did not run, and the client may fix the request or retry.
    /// </summary>
    public static bool IsStored(int statusCode) => statusCode is (>= 200 and < 300) or 404 or 409;

    /// <summary>The record of a finished request: its answer, kept for replay until <see cref="IdempotencyOptions.Retention"/> has passed.</summary>
    public static IdempotencyRecord Completed(string tenantId, IdempotencyKey key, RequestFingerprint fingerprint, StoredResponse response, DateTimeOffset now, IdempotencyOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentNullException.ThrowIfNull(response);
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
            Response = response,
        };
    }

    /// <summary>
    /// A new in-flight record, for an operation whose work cannot commit together with its answer: it holds the key
    /// for <see cref="IdempotencyOptions.InFlightLease"/>, after which another request may take the key over.
    /// </summary>
    public static IdempotencyRecord Claim(string tenantId, IdempotencyKey key, RequestFingerprint fingerprint, DateTimeOffset now, IdempotencyOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentNullException.ThrowIfNull(options);
        return new IdempotencyRecord
        {
            TenantId = tenantId,
            Key = key.Value,
            Fingerprint = fingerprint.Value,
            State = IdempotencyRecordState.InFlight,
            CreatedAt = now,
            LockedUntil = now + options.InFlightLease,
            ExpiresAt = now + options.Retention,
        };
    }
}
