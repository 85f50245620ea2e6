using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using SmartECoupon.Auditing;
using SmartECoupon.Tenancy;
using SmartECoupon.Validation;

namespace SmartECoupon.WebHost.Api;

/// <summary>
/// <c>Authorization: Bearer &lt;apiKey&gt;</c>: the key's owner is found through the library's
/// <see cref="ApiKeyAuthenticator"/> (tenant carried in the key, hash compared in constant time). The tenant is taken
/// from the key only. 401 and 403 are the contract's problems.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyAuthenticator authenticator)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string TenantClaim = "tenant";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }
        var authentication = await authenticator.AuthenticateAsync(header["Bearer ".Length..].Trim(), Context.RequestAborted);
        if (authentication is null)
        {
            return AuthenticateResult.Fail("The API key is unknown or revoked.");
        }
        Context.Features.Set(authentication);
        var principal = authentication.Principal;
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, principal.Id),
            new(ClaimTypes.Role, ApiJson.NameOf(principal.Role)),
        };
        if (principal.TenantId is { } tenantId)
        {
            claims.Add(new Claim(TenantClaim, tenantId));
        }
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        await ApiProblem.Create(Context, StatusCodes.Status401Unauthorized, ApiProblem.Unauthenticated,
            new LocalizedMessage("APIキーがないか、無効です。", "The API key is missing, unknown or revoked.")).ExecuteAsync(Context);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ApiProblem.Create(Context, StatusCodes.Status403Forbidden, ApiProblem.Forbidden,
            new LocalizedMessage("この操作を行う権限がありません。", "Your role does not allow this.")).ExecuteAsync(Context);
}

/// <summary>The authorization policies: one per role of the contract.</summary>
internal static class ApiPolicies
{
    public const string Operator = "operator";
    public const string Admin = "admin";
    public const string Staff = "staff";
    public const string AnyKey = "any-key";

    public static void Add(Microsoft.AspNetCore.Authorization.AuthorizationOptions options)
    {
        options.AddPolicy(Operator, p => p.AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName).RequireRole("operator"));
        options.AddPolicy(Admin, p => p.AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName).RequireRole("admin"));
        options.AddPolicy(Staff, p => p.AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName).RequireRole("admin", "staff"));
        options.AddPolicy(AnyKey, p => p.AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName).RequireAuthenticatedUser());
    }
}

/// <summary>Marks a non-GET endpoint that changes nothing, so a cancelled tenant may still call it.</summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class)]
internal sealed class ReadOnlyEndpointAttribute : Attribute;

/// <summary>The caller of an authenticated API request.</summary>
internal static class Caller
{
    public static Authentication Of(HttpContext context) =>
        context.Features.Get<Authentication>() ?? throw new InvalidOperationException("The endpoint requires authentication but none was made.");

    public static Actor ActorOf(HttpContext context)
    {
        var principal = Of(context).Principal;
        return principal.IsOperator ? Actor.Operator(principal.Id) : Actor.Member(principal.Id);
    }

    /// <summary>The caller's tenant's time zone (Asia/Tokyo for an operator).</summary>
    public static TimeZoneInfo ZoneOf(HttpContext context) =>
        TenantTimeZones.Find(context.Features.Get<Authentication>()?.Tenant?.TimeZoneId ?? TenantTimeZones.Default);
}

/// <summary>
/// For a request authenticated as a tenant's member: runs the rest of it in the tenant's scope (the library's tenant
/// context, which the stores read and which fails closed), within the plan's concurrency limit (429 with
/// <c>Retry-After</c>), and refuses writes once a cancellation is effective (403 <c>tenant_cancelled</c>).
/// </summary>
internal sealed class TenantRequestMiddleware(RequestDelegate next, ITenantContext tenantContext, TenantConcurrencyLimiter limiter, TimeProvider time)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Features.Get<Authentication>() is not { Tenant: { } tenant } authentication)
        {
            await next(context);
            return;
        }
        using var lease = limiter.TryAcquire(tenant.Id, tenant.Plan);
        if (lease is null)
        {
            await ApiProblem.TooMany(context, ApiProblem.TooManyConcurrentRequests, limiter.RetryAfter, new LocalizedMessage(
                "同時に処理できるリクエスト数を超えました。しばらくしてから再試行してください。",
                "Too many concurrent requests for this tenant; retry after the time given.")).ExecuteAsync(context);
            return;
        }
        var today = TenantTimeZones.DateIn(time.GetUtcNow(), TenantTimeZones.Find(tenant.TimeZoneId));
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method)
            && context.GetEndpoint()?.Metadata.GetMetadata<ReadOnlyEndpointAttribute>() is null
            && !authentication.CanWriteOn(today))
        {
            await ApiProblem.Create(context, StatusCodes.Status403Forbidden, ApiProblem.TenantCancelled, new LocalizedMessage(
                "解約済みのため変更できません。データの閲覧と出力はできます。",
                "The tenant is cancelled: reading and export still work, changes do not.")).ExecuteAsync(context);
            return;
        }
        using (tenantContext.BeginScope(tenant.Id))
        {
            await next(context);
        }
    }
}
