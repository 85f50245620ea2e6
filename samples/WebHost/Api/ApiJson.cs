using System.Text.Json;
using System.Text.Json.Serialization;

namespace SmartECoupon.WebHost.Api;

/// <summary>The contract's JSON: camelCase names, enumerations as their snake_case names (<c>one_time</c>).</summary>
internal static class ApiJson
{
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        // A number is a JSON number: "10" for a count is the wrong type (invalid_type), as the OpenAPI document says.
        options.NumberHandling = JsonNumberHandling.Strict;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
    }

    /// <summary>The host's JSON options (those every answer of the API is written with).</summary>
    public static JsonSerializerOptions OptionsOf(HttpContext context) =>
        context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;

    /// <summary>An enumeration value as the contract writes it.</summary>
    public static string NameOf<TEnum>(TEnum value)
        where TEnum : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());
}
