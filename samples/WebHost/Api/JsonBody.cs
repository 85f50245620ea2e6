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
/// holding a string JSON cannot turn into text (a lone surrogate escape) is 400 <c>malformed_request</c>; a field the
/// request type does not have is 422 <c>unknown_field</c>. <see cref="Bound{TRequest}"/> then binds its fields.
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
