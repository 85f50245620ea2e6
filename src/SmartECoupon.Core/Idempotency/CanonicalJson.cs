using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;

namespace SmartECoupon.Idempotency;

/// <summary>
/// The canonical form of a JSON body, for fingerprints: object members sorted by name (ordinal), no insignificant
/// white space, strings re-escaped in one way. Two bodies that differ only in member order, white space or how
/// a character is escaped have the same canonical form.
/// </summary>
/// <remarks>
/// Numbers keep their literal text (<c>1</c> and <c>1.0</c> stay different): a client that retries sends the same
/// bytes, and guessing at numeric equality would only add ways to be wrong. A body that is not UTF-8, not JSON,
/// names one member twice, or holds an escape that is not text (a lone surrogate such as <c>"\ud800"</c>) has no
/// canonical form: the contract answers it with 400 <c>malformed_request</c>.
/// </remarks>
internal static class CanonicalJson
{
    private const int MaxDepth = 64;

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = false,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = false,
    };

    /// <summary>Canonicalises <paramref name="utf8Json"/>. Returns <see langword="false"/> with a reason when it is malformed.</summary>
    public static bool TryCanonicalize(ReadOnlySpan<byte> utf8Json, [NotNullWhen(true)] out byte[]? canonical, [NotNullWhen(false)] out string? error)
    {
        canonical = null;
        if (!Utf8.IsValid(utf8Json))
        {
            error = "The body is not valid UTF-8.";
            return false;
        }
        try
        {
            using var document = JsonDocument.Parse(utf8Json.ToArray(), new JsonDocumentOptions { MaxDepth = MaxDepth, CommentHandling = JsonCommentHandling.Disallow, AllowTrailingCommas = false });
            var buffer = new ArrayBufferWriter<byte>(Math.Max(16, utf8Json.Length));
            using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
            {
                if (!TryWrite(document.RootElement, writer, out error))
                {
                    return false;
                }
            }
            canonical = buffer.WrittenSpan.ToArray();
            error = null;
            return true;
        }
        catch (JsonException ex)
        {
            error = "The body is not valid JSON: " + ex.Message;
            return false;
        }
        catch (InvalidOperationException ex)
        {
            // Utf8JsonReader refuses escapes that do not make text (a lone surrogate) when the string is read.
            error = "The body holds a string that is not valid text: " + ex.Message;
            return false;
        }
    }

    private static bool TryWrite(JsonElement element, Utf8JsonWriter writer, [NotNullWhen(false)] out string? error)
    {
        error = null;
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var members = new List<JsonProperty>();
                var names = new HashSet<string>(StringComparer.Ordinal);
                foreach (var member in element.EnumerateObject())
                {
                    if (!names.Add(member.Name))
                    {
                        error = $"The member \"{member.Name}\" appears more than once.";
                        return false;
                    }
                    members.Add(member);
                }
                members.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
                writer.WriteStartObject();
                foreach (var member in members)
                {
                    writer.WritePropertyName(member.Name);
                    if (!TryWrite(member.Value, writer, out error))
                    {
                        return false;
                    }
                }
                writer.WriteEndObject();
                return true;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    if (!TryWrite(item, writer, out error))
                    {
                        return false;
                    }
                }
                writer.WriteEndArray();
                return true;
            case JsonValueKind.String:
                writer.WriteStringValue(element.GetString());
                return true;
            case JsonValueKind.Number:
                writer.WriteRawValue(element.GetRawText(), skipInputValidation: true);
                return true;
            case JsonValueKind.True:
                writer.WriteBooleanValue(true);
                return true;
            case JsonValueKind.False:
                writer.WriteBooleanValue(false);
                return true;
            case JsonValueKind.Null:
                writer.WriteNullValue();
                return true;
            default:
                error = "Unexpected JSON value.";
                return false;
        }
    }
}
