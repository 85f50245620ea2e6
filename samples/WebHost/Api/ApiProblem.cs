using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using SmartECoupon.Validation;

namespace SmartECoupon.WebHost.Api;

/// <summary>
/// Every error of the contract as <c>application/problem+json</c> (RFC 9457): <c>status</c>, <c>title</c>, the stable
/// <c>code</c>, and for input errors the <c>errors</c> array, with messages in the language of <c>Accept-Language</c>
/// (Japanese unless English is asked for).
/// </summary>
internal static class ApiProblem
{
    /// <summary>The code of a problem the framework writes for <paramref name="status"/> (an unknown route, a wrong method).</summary>
    public static string? CodeOfStatus(int? status) => status switch
    {
        StatusCodes.Status400BadRequest => FailureCodes.MalformedRequest,
        StatusCodes.Status401Unauthorized => FailureCodes.Unauthenticated,
        StatusCodes.Status403Forbidden => FailureCodes.Forbidden,
        StatusCodes.Status404NotFound => FailureCodes.NotFound,
        StatusCodes.Status405MethodNotAllowed => FailureCodes.MethodNotAllowed,
        StatusCodes.Status413PayloadTooLarge => FailureCodes.PayloadTooLarge,
        StatusCodes.Status415UnsupportedMediaType => FailureCodes.UnsupportedMediaType,
        StatusCodes.Status500InternalServerError => FailureCodes.InternalError,
        _ => null,
    };

    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en");
    private static readonly CultureInfo Japanese = CultureInfo.GetCultureInfo("ja");

    /// <summary>The culture of the request's messages: English when <c>Accept-Language</c> prefers it, Japanese otherwise.</summary>
    public static CultureInfo CultureOf(HttpContext context)
    {
        var preferred = context.Request.GetTypedHeaders().AcceptLanguage
            .Where(l => l.Quality is null or > 0)
            .OrderByDescending(l => l.Quality ?? 1)
            .Select(l => l.Value.Value)
            .FirstOrDefault(v => v is not null && (v.StartsWith("en", StringComparison.OrdinalIgnoreCase) || v.StartsWith("ja", StringComparison.OrdinalIgnoreCase)));
        return preferred is not null && preferred.StartsWith("en", StringComparison.OrdinalIgnoreCase) ? English : Japanese;
    }

    /// <summary>The problem for a library failure, with its status from the failure's kind.</summary>
    public static ProblemHttpResult From(HttpContext context, Failure failure)
    {
        var status = failure.Kind switch
        {
            FailureKind.Invalid => StatusCodes.Status422UnprocessableEntity,
            FailureKind.NotFound => StatusCodes.Status404NotFound,
            FailureKind.Conflict => StatusCodes.Status409Conflict,
            FailureKind.LimitReached or FailureKind.Forbidden => StatusCodes.Status403Forbidden,
            FailureKind.TooManyRequests => StatusCodes.Status429TooManyRequests,
            _ => StatusCodes.Status400BadRequest,
        };
        if (failure.RetryAfter is { } wait)
        {
            SetRetryAfter(context, wait);
        }
        return Create(context, status, failure.Code, failure.Message, failure.Errors);
    }

    /// <summary>A problem with the given status, code and message, and any field errors.</summary>
    public static ProblemHttpResult Create(HttpContext context, int status, string code, LocalizedMessage message, IReadOnlyList<ValidationError>? errors = null)
    {
        var culture = CultureOf(context);
        var extensions = new Dictionary<string, object?> { ["code"] = code };
        if (errors is { Count: > 0 })
        {
            extensions["errors"] = errors.Select(e => FieldError(e, culture)).ToList();
            // An export's failure names where the first bad value is, at the top level too.
            if (errors[0].Location is { Dataset: { } dataset } location)
            {
                extensions["dataset"] = dataset;
                extensions["row"] = location.Row;
                extensions["column"] = location.Column;
            }
        }
        return TypedResults.Problem(statusCode: status, title: message.For(culture), extensions: extensions);
    }

    /// <summary>
    /// The problem for <paramref name="failure"/> exactly as it is sent (the same writer, <c>traceId</c> and all), as text:
    /// for an answer that is stored and sent again.
    /// </summary>
    public static async Task<string> RenderAsync(HttpContext context, Failure failure)
    {
        var scratch = new DefaultHttpContext { RequestServices = context.RequestServices, TraceIdentifier = context.TraceIdentifier };
        using var buffer = new MemoryStream();
        scratch.Response.Body = buffer;
        await From(context, failure).ExecuteAsync(scratch);
        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Invalid input in one field (422 <c>validation_failed</c>).</summary>
    public static ProblemHttpResult Invalid(HttpContext context, IReadOnlyList<ValidationError> errors) => From(context, Failure.Invalid(errors));

    /// <summary>
    /// The body's own errors (a field of the wrong type) together with the library's, one per field, so that every
    /// failing field is reported at once.
    /// </summary>
    public static ProblemHttpResult Invalid(HttpContext context, IReadOnlyList<ValidationError> bodyErrors, Failure? failure)
    {
        if (failure is not null && failure.Kind != FailureKind.Invalid && bodyErrors.Count == 0)
        {
            return From(context, failure);
        }
        var merged = bodyErrors.Concat((failure?.Errors ?? []).Where(e => bodyErrors.All(b => b.Field != e.Field))).ToList();
        return Invalid(context, merged);
    }

    public static ProblemHttpResult NotFound(HttpContext context) => From(context, Failure.NotFound);

    public static ProblemHttpResult Malformed(HttpContext context, string japanese, string english) =>
        Create(context, StatusCodes.Status400BadRequest, FailureCodes.MalformedRequest, new LocalizedMessage(japanese, english));

    /// <summary>A problem the client may retry after <paramref name="retryAfter"/> (429, 503), with <c>Retry-After</c>.</summary>
    public static ProblemHttpResult RetryLater(HttpContext context, int status, string code, TimeSpan retryAfter, LocalizedMessage message)
    {
        SetRetryAfter(context, retryAfter);
        return Create(context, status, code, message);
    }

    /// <summary><c>Retry-After</c> in whole seconds, at least one.</summary>
    public static void SetRetryAfter(HttpContext context, TimeSpan wait) =>
        context.Response.Headers[HeaderNames.RetryAfter] = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    private static Dictionary<string, object?> FieldError(ValidationError error, CultureInfo culture)
    {
        var item = new Dictionary<string, object?>
        {
            ["field"] = error.Field,
            ["code"] = error.Code,
            ["message"] = error.Message.For(culture),
        };
        if (error.Location is { } location)
        {
            if (location.Line is { } line)
            {
                item["line"] = line;
            }
            if (location.Row is { } row)
            {
                item["row"] = row;
            }
            item["column"] = location.Column;
        }
        if (error.OffendingCharacters.Count > 0)
        {
            item["characters"] = error.OffendingCharacters;
        }
        return item;
    }
}
