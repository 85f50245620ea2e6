using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.Unicode;
using Microsoft.Extensions.Options;
using SmartECoupon.Coupons;
using SmartECoupon.Validation;

namespace SmartECoupon.WebHost.Api;

/// <summary>
/// A request's JSON object, read and checked whole before any field is used: not UTF-8, not JSON, not an object, or
/// holding a string JSON cannot turn into text (a lone surrogate escape) is 400 <c>malformed_request</c>. The typed
/// readers then never throw: a field of the wrong type is a field error (422), so a client learns which field.
/// </summary>
internal sealed class JsonBody : IDisposable
{
    /// <summary>The largest JSON body read. Larger: 413.</summary>
    public const int MaxBytes = 1024 * 1024;

    private readonly JsonDocument _document;

    private JsonBody(JsonDocument document, byte[] raw)
    {
        _document = document;
        Raw = raw;
    }

    /// <summary>The body's bytes, as sent (for the idempotency fingerprint).</summary>
    public byte[] Raw { get; }

    public JsonElement Root => _document.RootElement;

    /// <summary>
    /// Reads the request body as <typeparamref name="TRequest"/> describes it, or gives the problem to answer with: a
    /// field <typeparamref name="TRequest"/> does not have, at any depth, is 422 <c>unknown_field</c> (a typo such as
    /// <c>totalLimt</c> must never be ignored, leaving a coupon unlimited).
    /// </summary>
    public static async Task<(JsonBody? Body, IResult? Problem)> ReadAsync<TRequest>(HttpContext context)
    {
        var (body, problem) = await ReadAsync(context);
        if (body is null)
        {
            return (null, problem);
        }
        var options = ApiJson.OptionsOf(context);
        var unknown = new List<ValidationError>();
        FindUnknownFields(body.Root, options.GetTypeInfo(typeof(TRequest)), "", unknown);
        if (unknown.Count > 0)
        {
            body.Dispose();
            return (null, ApiProblem.Invalid(context, unknown));
        }
        return (body, null);
    }

    /// <summary>Every property of <paramref name="element"/> that <paramref name="type"/> does not have, by path; nested objects too.</summary>
    private static void FindUnknownFields(JsonElement element, JsonTypeInfo type, string prefix, List<ValidationError> unknown)
    {
        foreach (var property in element.EnumerateObject())
        {
            var path = prefix + property.Name;
            if (type.Properties.FirstOrDefault(p => string.Equals(p.Name, property.Name, StringComparison.Ordinal)) is not { } info)
            {
                unknown.Add(FieldErrors.UnknownField(path));
            }
            else if (property.Value.ValueKind == JsonValueKind.Object && type.Options.GetTypeInfo(info.PropertyType) is { Kind: JsonTypeInfoKind.Object } nested)
            {
                FindUnknownFields(property.Value, nested, path + ".", unknown);
            }
        }
    }

    /// <summary>Reads the request body, or gives the problem to answer with.</summary>
    public static async Task<(JsonBody? Body, IResult? Problem)> ReadAsync(HttpContext context)
    {
        var (raw, tooLarge) = await ReadBytesAsync(context.Request.Body, MaxBytes, context.RequestAborted);
        if (tooLarge)
        {
            return (null, ApiProblem.Create(context, StatusCodes.Status413PayloadTooLarge, FailureCodes.PayloadTooLarge,
                new LocalizedMessage("リクエストが大きすぎます（1MBまで）。", "The request body is too large (at most 1 MB).")));
        }
        if (!Utf8.IsValid(raw))
        {
            return (null, ApiProblem.Malformed(context, "リクエストがUTF-8ではありません。", "The request body is not UTF-8."));
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(raw, new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException)
        {
            return (null, ApiProblem.Malformed(context, "リクエストがJSONとして読めません。", "The request body is not valid JSON."));
        }
        if (document.RootElement.ValueKind != JsonValueKind.Object || !AllStringsAreText(document.RootElement))
        {
            document.Dispose();
            return (null, ApiProblem.Malformed(context, "リクエストはJSONオブジェクトで、文字列は正しいUnicodeである必要があります。",
                "The request body must be a JSON object whose strings are valid Unicode (no lone surrogates)."));
        }
        return (new JsonBody(document, raw), null);
    }

    public bool Has(string name) => Root.TryGetProperty(name, out _);

    /// <summary>A string field; <see langword="null"/> when absent or null. Another type: a field error.</summary>
    public string? String(string name, List<ValidationError> errors)
    {
        if (!Root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            errors.Add(FieldErrors.InvalidType(name, "文字列", "a string"));
            return null;
        }
        return value.GetString();
    }

    /// <summary>A whole-number field; <see langword="null"/> when absent or null.</summary>
    public int? Int(string name, List<ValidationError> errors)
    {
        if (!Root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number))
        {
            errors.Add(FieldErrors.InvalidType(name, "整数", "a whole number"));
            return null;
        }
        return number;
    }

    /// <summary>A boolean field; <see langword="null"/> when absent or null.</summary>
    public bool? Bool(string name, List<ValidationError> errors)
    {
        if (!Root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            errors.Add(FieldErrors.InvalidType(name, "true または false", "true or false"));
            return null;
        }
        return value.GetBoolean();
    }

    /// <summary>An array of strings; <see langword="null"/> when absent or null.</summary>
    public IReadOnlyList<string>? StringArray(string name, List<ValidationError> errors)
    {
        if (!Root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String))
        {
            errors.Add(FieldErrors.InvalidType(name, "文字列の配列", "an array of strings"));
            return null;
        }
        return [.. value.EnumerateArray().Select(v => v.GetString()!)];
    }

    /// <summary>A validity bound: a date (<c>2026-12-01</c>) or an instant with its offset.</summary>
    public ValidityBound? Bound(string name, List<ValidationError> errors)
    {
        if (String(name, errors) is not { } text)
        {
            return null;
        }
        if (ValidityBound.TryParse(text, out var bound))
        {
            return bound;
        }
        errors.Add(FieldErrors.InvalidFormat(name, "2026-12-01 または 2026-12-01T10:00:00+09:00", "2026-12-01 or 2026-12-01T10:00:00+09:00"));
        return null;
    }

    /// <summary>An instant with its offset (ISO 8601).</summary>
    public DateTimeOffset? Instant(string name, List<ValidationError> errors)
    {
        if (String(name, errors) is not { } text)
        {
            return null;
        }
        if (ValidityBound.TryParse(text, out var bound) && bound.Instant is { } instant)
        {
            return instant;
        }
        errors.Add(FieldErrors.InvalidFormat(name, "2026-12-01T10:00:00+09:00", "an ISO 8601 instant with offset"));
        return null;
    }

    /// <summary>A calendar date, <c>YYYY-MM-DD</c>.</summary>
    public DateOnly? Date(string name, List<ValidationError> errors)
    {
        if (String(name, errors) is not { } text)
        {
            return null;
        }
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }
        errors.Add(FieldErrors.InvalidFormat(name, "YYYY-MM-DD", "YYYY-MM-DD"));
        return null;
    }

    /// <summary>One of the names of <typeparamref name="TEnum"/> as the contract writes them (<c>premium</c>).</summary>
    public TEnum? Enum<TEnum>(string name, List<ValidationError> errors, string allowedJa, string allowedEn)
        where TEnum : struct, Enum
    {
        if (String(name, errors) is not { } text)
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
        errors.Add(FieldErrors.InvalidFormat(name, allowedJa, allowedEn));
        return null;
    }

    public void Dispose() => _document.Dispose();

    private static bool AllStringsAreText(JsonElement element)
    {
        try
        {
            Walk(element);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }

        static void Walk(JsonElement e)
        {
            switch (e.ValueKind)
            {
                case JsonValueKind.String:
                    _ = e.GetString();
                    break;
                case JsonValueKind.Array:
                    foreach (var item in e.EnumerateArray())
                    {
                        Walk(item);
                    }
                    break;
                case JsonValueKind.Object:
                    foreach (var property in e.EnumerateObject())
                    {
                        _ = property.Name;
                        Walk(property.Value);
                    }
                    break;
            }
        }
    }

    /// <summary>Reads at most <paramref name="max"/> bytes; says whether there was more.</summary>
    public static async Task<(byte[] Bytes, bool TooLarge)> ReadBytesAsync(Stream body, int max, CancellationToken cancellationToken)
    {
        using var copy = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (copy.Length + read > max)
            {
                return ([], true);
            }
            copy.Write(buffer, 0, read);
        }
        return (copy.ToArray(), false);
    }
}
