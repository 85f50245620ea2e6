using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace SmartECoupon.WebHost.Api;

/// <summary>
/// What every operation of the contract shares, written into the OpenAPI document once rather than on each endpoint:
/// who may call it (from its authorization policy) and the problem answers the conventions give (401, 403, 404, 422,
/// 429), each with its stable <c>code</c>.
/// </summary>
internal static class OpenApiConventions
{
    public static Task DescribeAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var description = context.Description;
        var policies = description.ActionDescriptor.EndpointMetadata.OfType<IAuthorizeData>()
            .Select(a => a.Policy).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var who = policies switch
        {
            [] => null,
            _ when policies.Contains(ApiPolicies.Operator) => "a platform operator's key",
            _ when policies.Contains(ApiPolicies.Admin) => "a tenant administrator's key",
            _ when policies.Contains(ApiPolicies.Staff) => "a tenant member's key (admin or staff)",
            _ => "any API key",
        };
        if (who is not null)
        {
            operation.Description = $"Authorization: `Bearer <apiKey>` with {who}." + (operation.Description is { Length: > 0 } d ? " " + d : "");
        }

        operation.Responses ??= [];
        void Problem(int status, string text)
        {
            var key = status.ToString(CultureInfo.InvariantCulture);
            if (!operation.Responses.ContainsKey(key))
            {
                operation.Responses[key] = new OpenApiResponse { Description = "Problem details (`application/problem+json`): " + text };
            }
        }
        var method = description.HttpMethod ?? "GET";
        var path = description.RelativePath ?? "";
        if (who is not null)
        {
            Problem(StatusCodes.Status401Unauthorized, $"`{FailureCodes.Unauthenticated}`, the key is missing, unknown or revoked.");
            Problem(StatusCodes.Status403Forbidden, $"`{FailureCodes.Forbidden}`, the key's role may not do this; `{FailureCodes.TenantCancelled}` for a write of a cancelled tenant.");
        }
        if (path.Contains('{', StringComparison.Ordinal))
        {
            Problem(StatusCodes.Status404NotFound, "`not_found`, no such object in the caller's tenant (another tenant's id answers the same).");
        }
        if (method is "POST" or "PUT" or "PATCH")
        {
            Problem(StatusCodes.Status400BadRequest, $"`{FailureCodes.MalformedRequest}`, the body is not the JSON the operation reads.");
            Problem(StatusCodes.Status422UnprocessableEntity, "`validation_failed` with `errors` naming each field, or the rule's own code.");
        }
        if (who is not null && !policies.Contains(ApiPolicies.Operator))
        {
            Problem(StatusCodes.Status429TooManyRequests, $"`{FailureCodes.TooManyConcurrentRequests}`, over the plan's concurrent requests; retry after `Retry-After`.");
        }
        return Task.CompletedTask;
    }
}
