using System.Globalization;
using System.Text;
using System.Text.Json;
using SmartECoupon.Tests;

namespace SmartECoupon.WebHost.Tests;

/// <summary>
/// docs/http-reference.md is generated from the host's own OpenAPI document (docfx's REST pages read only Swagger 2.0,
/// and .NET 10 writes OpenAPI 3.1). The test renders the document and compares; a changed endpoint fails it until the
/// page is regenerated: <c>SMARTECOUPON_UPDATE_DOCS=1 dotnet test tests/SmartECoupon.WebHost.Tests --filter HttpReference</c>.
/// </summary>
public sealed class HttpReferenceTests(SqliteHostFactory factory) : IClassFixture<SqliteHostFactory>
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];

    [Fact]
    public async Task The_http_reference_page_is_the_openapi_document_rendered()
    {
        using var client = factory.CreateClient();
        using var document = JsonDocument.Parse(await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)));
        var rendered = Render(document.RootElement);
        var path = Path.Combine(RepositoryRoot.Find(), "docs", "http-reference.md");

        if (Environment.GetEnvironmentVariable("SMARTECOUPON_UPDATE_DOCS") == "1")
        {
            await File.WriteAllTextAsync(path, rendered);
        }
        var committed = File.Exists(path) ? (await File.ReadAllTextAsync(path)).ReplaceLineEndings("\n") : "";
        Assert.True(committed == rendered,
            "docs/http-reference.md is not the OpenAPI document of the host as it is now. Regenerate it with " +
            "SMARTECOUPON_UPDATE_DOCS=1 dotnet test tests/SmartECoupon.WebHost.Tests --filter HttpReference, and commit it.");
        // Every body is described: the coupon's with its fields and lengths, the redemption's with its answer.
        var paths = document.RootElement.GetProperty("paths");
        foreach (var (route, method) in ((string, string)[])[("/api/v1/coupons", "post"), ("/api/v1/coupons/{id}", "patch"), ("/api/v1/redemptions", "post"), ("/api/v1/tenants", "post"), ("/api/v1/settings/theme", "put")])
        {
            Assert.True(paths.GetProperty(route).GetProperty(method).TryGetProperty("requestBody", out _), $"{method} {route} has no request body");
        }
        var coupon = document.RootElement.GetProperty("components").GetProperty("schemas").GetProperty("CouponRequest").GetProperty("properties");
        // The lengths the document states are the default input policies' (a host that configures others documents them).
        var policies = new SmartECoupon.Validation.InputPolicyOptions();
        Assert.Equal(
            (policies.CouponTitle.MaxLength, policies.CouponBenefit.MaxLength, policies.CouponDescription.MaxLength),
            (coupon.GetProperty("title").GetProperty("maxLength").GetInt32(), coupon.GetProperty("benefit").GetProperty("maxLength").GetInt32(), coupon.GetProperty("description").GetProperty("maxLength").GetInt32()));
        Assert.True(coupon.TryGetProperty("totalLimit", out _));
        Assert.True(paths.GetProperty("/api/v1/redemptions").GetProperty("post").GetProperty("responses").TryGetProperty("201", out _));
        // The page is not empty by accident: the contract's central endpoints are on it.
        Assert.Contains("### POST /api/v1/redemptions", rendered, StringComparison.Ordinal);
        Assert.Contains("### GET /api/v1/exports/all.zip", rendered, StringComparison.Ordinal);
    }

    internal static string Render(JsonElement root)
    {
        var text = new StringBuilder();
        var info = root.GetProperty("info");
        text.Append("# HTTP API reference\n\n");
        text.Append("<!-- Generated from the sample host's OpenAPI document (/openapi/v1.json) by HttpReferenceTests; do not edit. -->\n\n");
        text.Append(CultureInfo.InvariantCulture, $"{Str(info, "title")} {Str(info, "version")}, OpenAPI {Str(root, "openapi")}. ");
        text.Append("The conventions (authentication, errors, idempotency, back-pressure, paging) are in the [client's guide](http-api.md); ");
        text.Append("the running host serves this document at `/openapi/v1.json` and an interactive reference at `/scalar/v1` in Development.\n\n");

        var operations = new List<(string Tag, string Method, string Path, JsonElement Operation)>();
        foreach (var path in root.GetProperty("paths").EnumerateObject())
        {
            foreach (var method in Methods)
            {
                if (path.Value.TryGetProperty(method, out var operation))
                {
                    var tag = operation.TryGetProperty("tags", out var tags) && tags.GetArrayLength() > 0 ? tags[0].GetString()! : "Other";
                    operations.Add((tag, method.ToUpperInvariant(), path.Name, operation));
                }
            }
        }
        foreach (var group in operations.GroupBy(o => o.Tag).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"## {group.Key}\n\n");
            foreach (var (_, method, path, operation) in group.OrderBy(o => o.Path, StringComparer.Ordinal).ThenBy(o => Array.IndexOf(Methods, o.Method.ToLowerInvariant())))
            {
                text.Append(CultureInfo.InvariantCulture, $"### {method} {path}\n\n");
                if (Str(operation, "summary") is { Length: > 0 } summary)
                {
                    text.Append(summary).Append("\n\n");
                }
                if (Str(operation, "description") is { Length: > 0 } description)
                {
                    text.Append(description).Append("\n\n");
                }
                if (operation.TryGetProperty("parameters", out var parameters) && parameters.GetArrayLength() > 0)
                {
                    text.Append("| parameter | in | type | required |\n|---|---|---|---|\n");
                    foreach (var parameter in parameters.EnumerateArray())
                    {
                        var type = parameter.TryGetProperty("schema", out var schema) ? TypeOf(schema) : "";
                        var required = parameter.TryGetProperty("required", out var r) && r.GetBoolean() ? "yes" : "no";
                        text.Append(CultureInfo.InvariantCulture, $"| `{Str(parameter, "name")}` | {Str(parameter, "in")} | {type} | {required} |\n");
                    }
                    text.Append('\n');
                }
                if (operation.TryGetProperty("requestBody", out var body) && body.TryGetProperty("content", out var bodyContent))
                {
                    text.Append("Request body: ");
                    text.Append(string.Join("; ", bodyContent.EnumerateObject().Select(c => $"`{c.Name}`" + (c.Value.TryGetProperty("schema", out var s) ? " " + TypeOf(s) : ""))));
                    text.Append("\n\n");
                }
                if (operation.TryGetProperty("responses", out var responses))
                {
                    text.Append("| status | description | content |\n|---|---|---|\n");
                    foreach (var response in responses.EnumerateObject().OrderBy(r => r.Name, StringComparer.Ordinal))
                    {
                        var content = response.Value.TryGetProperty("content", out var c)
                            ? string.Join("; ", c.EnumerateObject().Select(m => $"`{m.Name}`" + (m.Value.TryGetProperty("schema", out var s) ? " " + TypeOf(s) : "")))
                            : "";
                        text.Append(CultureInfo.InvariantCulture, $"| {response.Name} | {Cell(Str(response.Value, "description"))} | {content} |\n");
                    }
                    text.Append('\n');
                }
            }
        }

        if (root.TryGetProperty("components", out var components) && components.TryGetProperty("schemas", out var schemas))
        {
            text.Append("## Schemas\n\n");
            foreach (var schema in schemas.EnumerateObject().OrderBy(s => s.Name, StringComparer.Ordinal))
            {
                text.Append(CultureInfo.InvariantCulture, $"### {schema.Name}\n\n");
                if (schema.Value.TryGetProperty("properties", out var properties))
                {
                    var required = schema.Value.TryGetProperty("required", out var req) ? req.EnumerateArray().Select(e => e.GetString()).ToHashSet() : [];
                    text.Append("| property | type | required | rules |\n|---|---|---|---|\n");
                    foreach (var property in properties.EnumerateObject())
                    {
                        text.Append(CultureInfo.InvariantCulture, $"| `{property.Name}` | {TypeOf(property.Value)} | {(required.Contains(property.Name) ? "yes" : "no")} | {Cell(Rules(property.Value))} |\n");
                    }
                }
                else
                {
                    text.Append(TypeOf(schema.Value)).Append('\n');
                }
                text.Append('\n');
            }
        }
        return text.ToString().TrimEnd('\n') + "\n";
    }

    /// <summary>A schema as a short type: a reference by name, an array of a type, a type with its format, an enum's values.</summary>
    private static string TypeOf(JsonElement schema)
    {
        if (schema.TryGetProperty("$ref", out var reference))
        {
            var name = reference.GetString()!.Split('/')[^1];
            return $"[{name}](#{Anchor(name)})";
        }
        if (schema.TryGetProperty("enum", out var values))
        {
            return string.Join(" \\| ", values.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Null ? "null" : $"`{v}`"));
        }
        foreach (var combinator in (string[])["oneOf", "anyOf", "allOf"])
        {
            if (schema.TryGetProperty(combinator, out var options))
            {
                return string.Join(" \\| ", options.EnumerateArray().Select(TypeOf));
            }
        }
        var types = !schema.TryGetProperty("type", out var type) ? []
            : type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()!).ToList()
            : [type.GetString()!];
        var shown = types.Select(t => t switch
        {
            "array" when schema.TryGetProperty("items", out var items) => $"array of {TypeOf(items)}",
            _ when schema.TryGetProperty("format", out var format) && t != "null" => $"{t} ({format.GetString()})",
            _ => t,
        }).ToList();
        return shown.Count == 0 ? "any" : string.Join(" \\| ", shown);
    }

    /// <summary>A property's constraints and description, as the schema states them.</summary>
    private static string Rules(JsonElement schema)
    {
        var rules = new List<string>();
        foreach (var (keyword, shown) in ((string, string)[])[("minLength", "at least {0} characters"), ("maxLength", "at most {0} characters"), ("minimum", "≥ {0}"), ("maximum", "≤ {0}"), ("pattern", "matches `{0}`")])
        {
            if (schema.TryGetProperty(keyword, out var value))
            {
                rules.Add(string.Format(CultureInfo.InvariantCulture, shown, value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText()));
            }
        }
        if (Str(schema, "description") is { Length: > 0 } description)
        {
            rules.Add(description);
        }
        return string.Join("; ", rules);
    }

    private static string Anchor(string heading) => heading.ToLowerInvariant();

    private static string Str(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";

    private static string Cell(string value) => value.ReplaceLineEndings(" ").Replace("|", "\\|", StringComparison.Ordinal);
}
