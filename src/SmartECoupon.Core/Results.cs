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

/// <summary>The stable codes of <see cref="Failure"/>.</summary>
public static class FailureCodes
{
    /// <summary>Input broke a rule; see the field errors.</summary>
    public const string ValidationFailed = "validation_failed";
    /// <summary>No such object in the tenant.</summary>
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
    /// <summary>An export in Shift_JIS met a value Shift_JIS cannot hold; see the field errors for where.</summary>
    public const string Unencodable = "unencodable";
    /// <summary>A CSV import was refused; see the field errors for each line and column. Nothing was imported.</summary>
    public const string InvalidCsv = "invalid_csv";
    /// <summary>An uploaded image is not a PNG, JPEG or WebP image, or is too large.</summary>
    public const string UnsupportedImage = "unsupported_image";
    /// <summary>The tenant is cancelled: it can still read and export its data, but nothing can change it.</summary>
    public const string TenantCancelled = "tenant_cancelled";
    /// <summary>The tenant runs as many requests at once as its plan allows; retry after the time given.</summary>
    public const string TooManyConcurrentRequests = "too_many_concurrent_requests";
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

    /// <summary>A conflict with the object's state.</summary>
    public static Failure Conflict(string code, string japanese, string english) => new(FailureKind.Conflict, code, new LocalizedMessage(japanese, english));
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
