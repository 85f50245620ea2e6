using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using SmartECoupon.Tenancy;

namespace SmartECoupon.WebHost.Pages;

/// <summary>
/// A member signed in to the admin screens: the session the library resolved from the admin cookie (its tenant, the
/// member, whether the tenant is read-only). The cookie carries the tenant, the member and the library's session stamp;
/// every request has the library check them again, so removing a member, purging the tenant or changing the password
/// ends the session at once.
/// </summary>
internal sealed record AdminSession(TenantSession Session)
{
    public const string Scheme = "AdminCookie";
    public const string MemberClaim = "member";
    public const string TenantClaim = "tenant";
    public const string StampClaim = "pwd";

    public Tenant Tenant => Session.Tenant!;

    public string MemberId => Session.Actor.Id;

    public string DisplayName => Session.DisplayName;

    /// <summary>Whether the tenant is cancelled: its screens show data, and the library refuses changes.</summary>
    public bool ReadOnly => Session.AcceptsWrites != true;

    public static AdminSession? Of(HttpContext context) =>
        context.Features.Get<TenantSession>() is { Source: TenantSessionSource.MemberSignIn } session ? new AdminSession(session) : null;

    public static ClaimsPrincipal PrincipalFor(SignInCandidate candidate) => new(new ClaimsIdentity(
    [
        new Claim(MemberClaim, candidate.Member.Id),
        new Claim(TenantClaim, candidate.Tenant.Id),
        new Claim(StampClaim, MemberSignInService.SessionStampOf(candidate.Member)),
    ], Scheme));

    /// <summary>The sign-in the admin cookie holds, for the library to check; <see langword="null"/> without a cookie.</summary>
    public static async Task<TenantCredential?> CredentialOfAsync(HttpContext context)
    {
        var result = await context.AuthenticateAsync(Scheme);
        if (!result.Succeeded)
        {
            return null;
        }
        context.User = result.Principal;
        return result.Principal.FindFirstValue(TenantClaim) is { } tenantId && result.Principal.FindFirstValue(MemberClaim) is { } memberId
            ? TenantCredential.MemberSignIn(tenantId, memberId, result.Principal.FindFirstValue(StampClaim) ?? "")
            : null;
    }

    public static void AddCookie(AuthenticationBuilder authentication, bool development) =>
        authentication.AddCookie(Scheme, o =>
        {
            o.Cookie.Name = "sec_admin";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = development ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
            o.ExpireTimeSpan = TimeSpan.FromMinutes(30);
            o.SlidingExpiration = true;
            o.LoginPath = "/admin/signin";
            o.AccessDeniedPath = "/admin/signin";
        });
}

/// <summary>
/// For <c>/admin</c>: sends anyone without a member session (see <see cref="TenantSessionMiddleware"/>) to the sign-in
/// page, and signs out a member who is not an administrator: only administrators use the admin screens. A stale cookie
/// (the member removed, the password changed) resolves to no session and is cleared.
/// </summary>
internal sealed class AdminSessionMiddleware(RequestDelegate next)
{
    private static readonly string[] OpenPaths = ["/admin/signin", "/admin/password"];

    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        if (!path.StartsWithSegments("/admin", StringComparison.OrdinalIgnoreCase))
        {
            await next(context);
            return;
        }
        var session = AdminSession.Of(context);
        if (session is null && context.User.FindFirstValue(AdminSession.MemberClaim) is not null)
        {
            await context.SignOutAsync(AdminSession.Scheme);
        }
        var open = OpenPaths.Any(p => path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase));
        if (session is null)
        {
            if (open)
            {
                await next(context);
                return;
            }
            context.Response.Redirect("/admin/signin?returnUrl=" + Uri.EscapeDataString(path + context.Request.QueryString));
            return;
        }
        if (session.Session.Role != PrincipalRole.Admin)
        {
            await context.SignOutAsync(AdminSession.Scheme);
            context.Response.Redirect("/admin/signin?denied=1");
            return;
        }
        await next(context);
    }
}
