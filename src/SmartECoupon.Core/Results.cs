using System.Diagnostics.CodeAnalysis;
using SmartECoupon.Validation;

namespace SmartECoupon;

/// <summary>The kinds of expected failure a library operation reports (hosts map them to status codes).</summary>
public enum FailureKind
{
    /// <summary>The input breaks a rule (HTTP 422).</summary>
    Invalid,
    /// <summary>The object does not exist in the tenant (HTTP 404).</summary>
    NotFound,
    /// <summary>The object's state does not allow the operation (HTTP 409).</summary>
    Conflict,
    /// <summary>A plan limit would be passed (HTTP 403).</summary>
    LimitReached,
    /// <summary>The caller may not do this now, whatever the input (HTTP 403): a cancelled tenant's write, for example.</summary>
    Forbidden,
    /// <summary>Too much at once; retry after <see cref="Failure.RetryAfter"/> (HTTP 429).</summary>
    TooManyRequests,
}

/// <summary>
/// Every stable code of the contract, in one place: the codes of failures (a problem's <c>code</c>), of refused
/// redemptions, and of failing fields (an <c>errors[]</c> item's <c>code</c>). Callers branch on these; the messages may
/// change, the codes do not.
/// </summary>
public static class FailureCodes
{
    // Failures of an operation (the problem's code).

    /// <summary>Input broke a rule; see the field errors.</summary>
    public const string ValidationFailed = "validation_failed";
    /// <summary>No such object in the tenant (also a field naming an object that does not exist).</summary>
    public const string NotFound = "not_found";
    /// <summary>A plan limit would be passed.</summary>
    public const string PlanLimitReached = "plan_limit_reached";
    /// <summary>The coupon's status does not allow the change.</summary>
    public const string InvalidStatusTransition = "invalid_status_transition";
    /// <summary>The object changed at the same time; read it again and retry.</summary>
    public const string VersionConflict = "version_conflict";
    /// <summary>The last operator cannot be removed.</summary>
    public const string LastOperator = "last_operator";
    /// <summary>The redemption was voided before.</summary>
    public const string AlreadyVoided = "already_voided";
    /// <summary>An export in Shift_JIS met a value Shift_JIS cannot hold (also the field error saying where).</summary>
    public const string Unencodable = "unencodable";
    /// <summary>A CSV import was refused; see the field errors for each line and column. Nothing was imported.</summary>
    public const string InvalidCsv = "invalid_csv";
    /// <summary>An uploaded image is not a PNG, JPEG or WebP image, or is too large.</summary>
    public const string UnsupportedImage = "unsupported_image";
    /// <summary>The tenant is cancelled: it can still read and export its data, but nothing can change it.</summary>
    public const string TenantCancelled = "tenant_cancelled";
    /// <summary>The tenant's data has been purged; nothing more can be done with it.</summary>
    public const string TenantPurged = "tenant_purged";
    /// <summary>The tenant runs as many requests at once as its plan allows; retry after the time given.</summary>
    public const string TooManyConcurrentRequests = "too_many_concurrent_requests";
    /// <summary>The Idempotency-Key was used before with a different request.</summary>
    public const string IdempotencyKeyReused = "idempotency_key_reused";
    /// <summary>The first request with the Idempotency-Key still runs; retry shortly.</summary>
    public const string IdempotencyKeyInFlight = "idempotency_key_in_flight";
    /// <summary>A redemption came without an Idempotency-Key, or with one that is not 1–255 printable ASCII characters.</summary>
    public const string IdempotencyKeyRequired = "idempotency_key_required";
    /// <summary>The caller failed too many look-ups of unknown codes or passwords; retry after the time given.</summary>
    public const string TooManyAttempts = "too_many_attempts";
    /// <summary>No valid credential came with the request.</summary>
    public const string Unauthenticated = "unauthenticated";
    /// <summary>The credential is valid but its role may not do this.</summary>
    public const string Forbidden = "forbidden";
    /// <summary>The request cannot be read (not JSON, not an object, a missing header).</summary>
    public const string MalformedRequest = "malformed_request";
    /// <summary>The request's body is larger than allowed.</summary>
    public const string PayloadTooLarge = "payload_too_large";
    /// <summary>The route exists, but not for this method.</summary>
    public const string MethodNotAllowed = "method_not_allowed";
    /// <summary>The body's media type is not one the operation reads.</summary>
    public const string UnsupportedMediaType = "unsupported_media_type";
    /// <summary>The database cannot be reached or is switching over; nothing was half-applied. Retry after the time given.</summary>
    public const string DatabaseUnavailable = "database_unavailable";
    /// <summary>The server failed; nothing was changed. The problem's <c>traceId</c> finds it in the log.</summary>
    public const string InternalError = "internal_error";

    // Refused redemptions, in the order the rules are checked (RedemptionRefusal).

    /// <summary>The coupon is not published.</summary>
    public const string CouponNotActive = "coupon_not_active";
    /// <summary>The coupon's validity has not started.</summary>
    public const string NotYetValid = "not_yet_valid";
    /// <summary>The coupon's validity has ended.</summary>
    public const string Expired = "expired";
    /// <summary>The coupon names stores and the use is elsewhere or names none.</summary>
    public const string StoreNotAllowed = "store_not_allowed";
    /// <summary>The ticket has no use left, or the one-time code has been used.</summary>
    public const string TicketAlreadyUsed = "ticket_already_used";
    /// <summary>The user has used the coupon as often as allowed.</summary>
    public const string PerUserLimitReached = "per_user_limit_reached";
    /// <summary>The coupon has been used as often as allowed across everyone.</summary>
    public const string TotalLimitReached = "total_limit_reached";

    // Failing fields (an errors[] item's code).

    /// <summary>A required value is missing or only white space.</summary>
    public const string Required = "required";
    /// <summary>The value is shorter than the field allows.</summary>
    public const string TooShort = "too_short";
    /// <summary>The value is longer than the field allows.</summary>
    public const string TooLong = "too_long";
    /// <summary>The value holds characters the field does not allow.</summary>
    public const string InvalidCharacters = "invalid_characters";
    /// <summary>The value does not have the required format (a date, a colour, an identifier…).</summary>
    public const string InvalidFormat = "invalid_format";
    /// <summary>A number or date lies outside the allowed range.</summary>
    public const string OutOfRange = "out_of_range";
    /// <summary>The value must be unique and is already taken.</summary>
    public const string AlreadyExists = "already_exists";
    /// <summary>The CSV record or file is malformed (quoting, field count, header, size).</summary>
    public const string MalformedCsv = "malformed_csv";
    /// <summary>The request names a field the operation does not know (a typo must never be silently ignored).</summary>
    public const string UnknownField = "unknown_field";
    /// <summary>A field has the wrong JSON type (a string where a number belongs, for example).</summary>
    public const string InvalidType = "invalid_type";
    /// <summary>A theme whose text is not readable on its background.</summary>
    public const string LowContrast = "low_contrast";
    /// <summary>A maintenance notice given less than seven days ahead.</summary>
    public const string NoticeTooShort = "notice_too_short";
}

/// <summary>An expected failure: its kind, a stable code, a message, and the field errors of invalid input.</summary>
/// <param name="Kind">The kind of failure.</param>
/// <param name="Code">A stable code from <see cref="FailureCodes"/>.</param>
/// <param name="Message">A message in Japanese and English.</param>
public sealed record Failure(FailureKind Kind, string Code, LocalizedMessage Message)
{
    /// <summary>The failing fields, for <see cref="FailureKind.Invalid"/>.</summary>
    public IReadOnlyList<ValidationError> Errors { get; init; } = [];

    /// <summary>How long to wait before trying again, for <see cref="FailureKind.TooManyRequests"/>.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>A write refused because the tenant is cancelled (read-only from its effective date).</summary>
    public static Failure TenantCancelled { get; } = new(FailureKind.Forbidden, FailureCodes.TenantCancelled,
        new LocalizedMessage("解約済みのため変更できません。データの閲覧と出力はできます。", "The tenant is cancelled: reading and export still work, changes do not."));

    /// <summary>The tenant already runs its plan's concurrent requests.</summary>
    public static Failure TooManyConcurrentRequests(TimeSpan retryAfter) => new(FailureKind.TooManyRequests, FailureCodes.TooManyConcurrentRequests,
        new LocalizedMessage("同時に処理できるリクエスト数を超えました。しばらくしてから再試行してください。", "Too many concurrent requests for this tenant; retry after the time given."))
    { RetryAfter = retryAfter };

    /// <summary>The caller missed too many look-ups of unknown codes or tokens lately.</summary>
    public static Failure TooManyAttempts(TimeSpan retryAfter) => new(FailureKind.TooManyRequests, FailureCodes.TooManyAttempts,
        new LocalizedMessage("見つからないコードの照会が多すぎます。しばらくしてから再試行してください。", "Too many look-ups of unknown codes; retry after the time given."))
    { RetryAfter = retryAfter };

    /// <summary>Invalid input.</summary>
    public static Failure Invalid(IReadOnlyList<ValidationError> errors) => new(FailureKind.Invalid, FailureCodes.ValidationFailed,
        new LocalizedMessage("入力内容に誤りがあります。", "The input is not valid.")) { Errors = errors };

    /// <summary>Invalid input in one field.</summary>
    public static Failure Invalid(ValidationError error) => Invalid([error]);

    /// <summary>Nothing found.</summary>
    public static Failure NotFound { get; } = new(FailureKind.NotFound, FailureCodes.NotFound,
        new LocalizedMessage("対象が見つかりません。", "Not found."));

    /// <summary>A plan limit would be passed.</summary>
    public static Failure PlanLimit(string resourceJa, string resourceEn) => new(FailureKind.LimitReached, FailureCodes.PlanLimitReached,
        new LocalizedMessage($"ご契約プランの{resourceJa}の上限に達しています。", $"The plan's limit of {resourceEn} has been reached."));

    /// <summary>A redemption the rules refuse: its refusal's code and message.</summary>
    public static Failure Refused(Redemptions.RedemptionRefusal refusal) =>
        new(FailureKind.Conflict, Redemptions.RedemptionRefusals.ToCode(refusal), Redemptions.RedemptionRefusals.MessageOf(refusal));

    /// <summary>The idempotency key was used before with a different request.</summary>
    public static Failure IdempotencyKeyReused { get; } = new(FailureKind.Invalid, FailureCodes.IdempotencyKeyReused,
        new LocalizedMessage("この Idempotency-Key は別の内容のリクエストで使われています。", "This Idempotency-Key was used with a different request."));

    /// <summary>The first request with the idempotency key still runs.</summary>
    public static Failure IdempotencyKeyInFlight { get; } = new(FailureKind.Conflict, FailureCodes.IdempotencyKeyInFlight,
        new LocalizedMessage("同じ Idempotency-Key のリクエストを処理中です。", "A request with this Idempotency-Key is still being processed."));

    /// <summary>A conflict with the object's state.</summary>
    public static Failure Conflict(string code, string japanese, string english) => new(FailureKind.Conflict, code, new LocalizedMessage(japanese, english));
}

/// <summary>The result of an operation that can fail in expected ways and gives nothing back: success, or a <see cref="Failure"/>.</summary>
public readonly record struct Result
{
    private Result(Failure? failure) => Failure = failure;

    /// <summary>The failure, when the operation did not succeed.</summary>
    public Failure? Failure { get; }

    /// <summary>Whether the operation succeeded.</summary>
    [MemberNotNullWhen(false, nameof(Failure))]
    public bool Succeeded => Failure is null;

    /// <summary>Success.</summary>
    public static Result Success { get; }

    /// <summary>Wraps a failure.</summary>
    public static implicit operator Result(Failure failure) => new(failure ?? throw new ArgumentNullException(nameof(failure)));
}

/// <summary>The result of an operation that can fail in expected ways: a value, or a <see cref="Failure"/>.</summary>
/// <typeparam name="T">The value's type.</typeparam>
public readonly record struct Result<T>
{
    private Result(T? value, Failure? failure)
    {
        Value = value;
        Failure = failure;
    }

    /// <summary>The value, when the operation succeeded.</summary>
    public T? Value { get; }

    /// <summary>The failure, when it did not.</summary>
    public Failure? Failure { get; }

    /// <summary>Whether the operation succeeded.</summary>
    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Failure))]
    public bool Succeeded => Failure is null;

    /// <summary>Wraps a value.</summary>
    public static implicit operator Result<T>(T value) => new(value, null);

    /// <summary>Wraps a failure.</summary>
    public static implicit operator Result<T>(Failure failure) => new(default, failure ?? throw new ArgumentNullException(nameof(failure)));

}
