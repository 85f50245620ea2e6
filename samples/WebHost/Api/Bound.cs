using System.Globalization;
using System.Reflection;
using System.Text.Json;
using SmartECoupon.Coupons;
using SmartECoupon.Validation;

namespace SmartECoupon.WebHost.Api;

/// <summary>A request body bound before its handler runs; <see cref="BoundBodyFilter"/> answers for one that could not be.</summary>
internal interface IBoundBody
{
    /// <summary>The answer for a body that is not a JSON object (400), too large (413) or names an unknown field (422).</summary>
    IResult? Problem { get; }
}

/// <summary>
/// The request body, bound to <typeparamref name="TRequest"/> before the handler runs. A body that is not a JSON object
/// (400 <c>malformed_request</c>), is too large (413) or names a field <typeparamref name="TRequest"/> does not have, at
/// any depth (422 <c>unknown_field</c>), never reaches the handler: <see cref="BoundBodyFilter"/> answers. A field of
/// the wrong JSON type is left unset and listed in <see cref="Errors"/> (<c>invalid_type</c>), so that the handler
/// reports it together with the library's errors on the other fields: every failing field at once, nothing written.
/// <see cref="Has"/> keeps presence for a change (PATCH): fields the body has are changed (null clears), the others kept.
/// </summary>
internal sealed class Bound<TRequest> : IBoundBody
    where TRequest : class
{
    private static readonly HashSet<string> Nothing = [];
    private readonly TRequest? _value;
    private readonly HashSet<string> _present;

    private Bound(TRequest? value, IReadOnlyList<ValidationError> errors, HashSet<string> present, byte[] raw, IResult? problem)
    {
        _value = value;
        Errors = errors;
        _present = present;
        Raw = raw;
        Problem = problem;
    }

    /// <summary>The request; fields of the wrong type are unset.</summary>
    public TRequest Value => _value ?? throw new InvalidOperationException("The body could not be bound; the filter answers for it.");

    /// <summary>Fields of the wrong JSON type (<c>invalid_type</c>).</summary>
    public IReadOnlyList<ValidationError> Errors { get; }

    /// <summary>The body's bytes, as sent (for an idempotency fingerprint).</summary>
    public byte[] Raw { get; }

    /// <inheritdoc />
    public IResult? Problem { get; }

    /// <summary>Whether the body has the field <paramref name="field"/> (its JSON name), null or not.</summary>
    public bool Has(string field) => _present.Contains(field);

    /// <summary>
    /// Binds the body (called by the framework for a handler parameter of this type). A parameter declared nullable makes
    /// the body optional: a request without one binds to <see langword="null"/>.
    /// </summary>
    public static async ValueTask<Bound<TRequest>?> BindAsync(HttpContext context, ParameterInfo parameter)
    {
        if (context.Request.ContentLength is null or 0 && context.Request.Headers.TransferEncoding.Count == 0
            && new NullabilityInfoContext().Create(parameter).WriteState == NullabilityState.Nullable)
        {
            return null;
        }
        var (body, problem) = await JsonBody.ReadAsync<TRequest>(context);
        if (body is null)
        {
            return new Bound<TRequest>(null, [], Nothing, [], problem);
        }
        using (body)
        {
            var options = ApiJson.OptionsOf(context);
            var type = options.GetTypeInfo(typeof(TRequest));
            var value = type.CreateObject!();
            var errors = new List<ValidationError>();
            var present = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in type.Properties)
            {
                if (!body.Root.TryGetProperty(property.Name, out var element))
                {
                    continue;
                }
                present.Add(property.Name);
                try
                {
                    property.Set!(value, element.Deserialize(property.PropertyType, options));
                }
                catch (JsonException)
                {
                    errors.Add(RequestFields.TypeError(property.Name, property.PropertyType));
                }
            }
            return new Bound<TRequest>((TRequest)value, errors, present, body.Raw, null);
        }
    }
}

/// <summary>Answers for a request body that could not be bound, before the handler runs.</summary>
internal sealed class BoundBodyFilter : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        foreach (var argument in context.Arguments)
        {
            if (argument is IBoundBody { Problem: { } problem })
            {
                return ValueTask.FromResult<object?>(problem);
            }
        }
        return next(context);
    }
}

/// <summary>The contract's text formats inside a bound request: validity bounds, instants, dates and enumeration names.</summary>
internal static class RequestFields
{
    /// <summary>The field error for a value of the wrong JSON type, naming the type wanted.</summary>
    public static ValidationError TypeError(string field, Type type)
    {
        var wanted = Nullable.GetUnderlyingType(type) ?? type;
        var (japanese, english) = wanted == typeof(int) ? ("整数", "a whole number")
            : wanted == typeof(bool) ? ("true または false", "true or false")
            : wanted == typeof(string) ? ("文字列", "a string")
            : ("文字列の配列", "an array of strings");
        return FieldErrors.InvalidType(field, japanese, english);
    }

    /// <summary>A validity bound: a date (<c>2026-12-01</c>) or an instant with its offset.</summary>
    public static ValidityBound? Bound(string? text, string field, List<ValidationError> errors) =>
        Parsed<ValidityBound>(text, field, errors, ValidityBound.TryParse, "2026-12-01 または 2026-12-01T10:00:00+09:00", "2026-12-01 or 2026-12-01T10:00:00+09:00");

    /// <summary>An instant with its offset (ISO 8601).</summary>
    public static DateTimeOffset? Instant(string? text, string field, List<ValidationError> errors) =>
        Parsed<DateTimeOffset>(text, field, errors, static (string t, out DateTimeOffset instant) =>
        {
            var parsed = ValidityBound.TryParse(t, out var bound) ? bound.Instant : null;
            instant = parsed ?? default;
            return parsed is not null;
        }, "2026-12-01T10:00:00+09:00", "an ISO 8601 instant with offset");

    /// <summary>A calendar date, <c>YYYY-MM-DD</c>.</summary>
    public static DateOnly? Date(string? text, string field, List<ValidationError> errors) =>
        Parsed<DateOnly>(text, field, errors, static (string t, out DateOnly date) =>
            DateOnly.TryParseExact(t, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date), "YYYY-MM-DD", "YYYY-MM-DD");

    private delegate bool TryParse<T>(string text, out T value);

    /// <summary>The value <paramref name="text"/> holds; a field error naming the format wanted when it holds none; null for null.</summary>
    private static T? Parsed<T>(string? text, string field, List<ValidationError> errors, TryParse<T> parse, string expectedJa, string expectedEn)
        where T : struct
    {
        if (text is null)
        {
            return null;
        }
        if (parse(text, out var value))
        {
            return value;
        }
        errors.Add(FieldErrors.InvalidFormat(field, expectedJa, expectedEn));
        return null;
    }

    /// <summary>One of the names of <typeparamref name="TEnum"/> as the contract writes them (<c>premium</c>).</summary>
    public static TEnum? Enum<TEnum>(string? text, string field, List<ValidationError> errors, string allowedJa, string allowedEn)
        where TEnum : struct, Enum
    {
        if (text is null)
        {
            return null;
        }
        foreach (var candidate in System.Enum.GetValues<TEnum>())
        {
            if (string.Equals(ApiJson.NameOf(candidate), text, StringComparison.Ordinal))
            {
                return candidate;
            }
        }
        errors.Add(FieldErrors.InvalidFormat(field, allowedJa, allowedEn));
        return null;
    }
}
