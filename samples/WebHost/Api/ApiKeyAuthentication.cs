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
    TenantSessionResolver sessions,
    Operations.ClientThrottle throttle)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    // Where the handler leaves the wait of a client that failed too often, for the challenge to answer 429.
    private static readonly object PausedKey = new();

    public const string SchemeName = "ApiKey";
    public const string TenantClaim = "tenant";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }
        // Every well-formed key that names a real tenant costs look-ups: a client whose keys keep failing waits.
        if (throttle.AuthenticationPause(Context) is { } pause)
        {
            Context.Items[PausedKey] = pause;
            return AuthenticateResult.Fail("Too many failed API keys from this client.");
        }
        var session = await sessions.ResolveAsync(TenantCredential.ApiKey(header["Bearer ".Length..].Trim()), Context.RequestAborted);
        if (session?.Principal is not { } principal)
        {
            throttle.AuthenticationFailed(Context);
            return AuthenticateResult.Fail("The API key is unknown or revoked.");
        }
        // The session the library resolved is the one TenantSessionMiddleware enters for the rest of the request.
        Context.Features.Set(session);
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
        if (Context.Items[PausedKey] is TimeSpan pause)
        {
            await ApiProblem.RetryLater(Context, StatusCodes.Status429TooManyRequests, FailureCodes.TooManyAttempts, pause,
                new LocalizedMessage("無効なAPIキーが続いたため、しばらく受け付けません。時間をおいてからお試しください。",
                    "Too many failed API keys from this address; retry after Retry-After.")).ExecuteAsync(Context);
            return;
        }
        Response.Headers.WWWAuthenticate = "Bearer";
        await ApiProblem.Create(Context, StatusCodes.Status401Unauthorized, FailureCodes.Unauthenticated,
            new LocalizedMessage("APIキーがないか、無効です。", "The API key is missing, unknown or revoked.")).ExecuteAsync(Context);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ApiProblem.Create(Context, StatusCodes.Status403Forbidden, FailureCodes.Forbidden,
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

/// <summary>The caller of an authenticated API request: the session the library resolved from its key.</summary>
internal static class Caller
{
    public static TenantSession Of(HttpContext context) =>
        context.Features.Get<TenantSession>() ?? throw new InvalidOperationException("The endpoint requires authentication but none was made.");

    public static Actor ActorOf(HttpContext context) => Of(context).Actor;

    /// <summary>The caller's tenant's time zone (Asia/Tokyo for an operator).</summary>
    public static TimeZoneInfo ZoneOf(HttpContext context) => context.Features.Get<TenantSession>()?.TimeZone ?? TenantTimeZones.Find(TenantTimeZones.Default);
}

/// <summary>
/// The host's one tenancy middleware: it reads what the request presents (the API key the authentication handler
/// checked, a ticket token or coupon id in the route, the admin screens' sign-in cookie), has the library resolve the
/// session, and enters it for the rest of the request. The library keeps the plan's concurrency limit (429 with
/// <c>Retry-After</c>) and refuses a cancelled tenant's writes in its services; this middleware decides nothing itself.
/// </summary>
internal sealed class TenantSessionMiddleware(RequestDelegate next, TenantSessionResolver sessions)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var session = context.Features.Get<TenantSession>();
        if (session is null && await CredentialOfAsync(context) is { } credential)
        {
            session = await sessions.ResolveAsync(credential, context.RequestAborted);
        }
        if (session is null)
        {
            await next(context);
            return;
        }
        var entered = sessions.Enter(session);
        if (!entered.Succeeded)
        {
            await ApiProblem.From(context, entered.Failure).ExecuteAsync(context);
            return;
        }
        using (entered.Value)
        {
            context.Features.Set(session);
            await next(context);
        }
    }

    /// <summary>What the request presents, when it is not an API key: a route's ticket token or coupon id, or the admin cookie.</summary>
    private static async Task<TenantCredential?> CredentialOfAsync(HttpContext context)
    {
        if (context.GetRouteValue("token") is string token)
        {
            return TenantCredential.TicketToken(token);
        }
        if (context.GetRouteValue("couponId") is string couponId)
        {
            return TenantCredential.CouponHandle(couponId);
        }
        return context.Request.Path.StartsWithSegments("/admin", StringComparison.OrdinalIgnoreCase)
            ? await Pages.AdminSession.CredentialOfAsync(context)
            : null;
    }
}
