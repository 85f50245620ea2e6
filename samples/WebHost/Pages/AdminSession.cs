using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using SmartECoupon.Storage;
using SmartECoupon.Tenancy;

namespace SmartECoupon.WebHost.Pages;

/// <summary>
/// A member signed in to the admin screens: their tenant, and whether the tenant is read-only (cancelled). The session
/// lives in a cookie of its own scheme; every request checks it against the store, so removing a member, purging the
/// tenant or changing the password ends it at once.
/// </summary>
internal sealed record AdminSession(Tenant Tenant, Member Member, bool ReadOnly)
{
    public const string Scheme = "AdminCookie";
    public const string MemberClaim = "member";
    public const string TenantClaim = "tenant";
    public const string PasswordClaim = "pwd";

    public static AdminSession? Of(HttpContext context) => context.Features.Get<AdminSession>();

    /// <summary>A short fingerprint of the password hash: a changed password invalidates the sessions made with the old one.</summary>
    public static string PasswordStamp(string? passwordHash) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(passwordHash ?? "")))[..16];

    public static ClaimsPrincipal PrincipalFor(SignInCandidate candidate) => new(new ClaimsIdentity(
    [
        new Claim(MemberClaim, candidate.Member.Id),
        new Claim(TenantClaim, candidate.Tenant.Id),
        new Claim(PasswordClaim, PasswordStamp(candidate.Member.PasswordHash)),
    ], Scheme));

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
/// For <c>/admin</c>: signs the request in from the admin cookie, checks the member and tenant against the store, runs
/// the rest of the request in the tenant's scope, and sends anyone else to the sign-in page. Only administrators use the
/// admin screens; a cancelled tenant's screens are read-only.
/// </summary>
internal sealed class AdminSessionMiddleware(RequestDelegate next)
{
    private static readonly string[] OpenPaths = ["/admin/signin", "/admin/password"];

    public async Task InvokeAsync(HttpContext context, ITenantContext tenantContext, ITenantRepository tenants, IMemberRepository members, TimeProvider time)
    {
        var path = context.Request.Path;
        if (!path.StartsWithSegments("/admin", StringComparison.OrdinalIgnoreCase))
        {
            await next(context);
            return;
        }
        var session = await ResolveAsync(context, tenantContext, tenants, members, time);
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
        if (session.Member.Role != MemberRole.Admin)
        {
            await context.SignOutAsync(AdminSession.Scheme);
            context.Response.Redirect("/admin/signin?denied=1");
            return;
        }
        if (session.ReadOnly && HttpMethods.IsPost(context.Request.Method) && !path.StartsWithSegments("/admin/signout", StringComparison.OrdinalIgnoreCase))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await context.Response.WriteAsync("解約済みのため変更できません。");
            return;
        }
        context.Features.Set(session);
        using (tenantContext.BeginScope(session.Tenant.Id))
        {
            await next(context);
        }
    }

    private static async Task<AdminSession?> ResolveAsync(HttpContext context, ITenantContext tenantContext, ITenantRepository tenants, IMemberRepository members, TimeProvider time)
    {
        var result = await context.AuthenticateAsync(AdminSession.Scheme);
        if (!result.Succeeded)
        {
            return null;
        }
        var principal = result.Principal;
        var tenantId = principal.FindFirstValue(AdminSession.TenantClaim);
        var memberId = principal.FindFirstValue(AdminSession.MemberClaim);
        if (tenantId is null || memberId is null || await tenants.FindAsync(tenantId, context.RequestAborted) is not { Status: not TenantStatus.Purged } tenant)
        {
            return null;
        }
        Member? member;
        using (tenantContext.BeginScope(tenantId))
        {
            member = await members.FindAsync(memberId, context.RequestAborted);
        }
        if (member is null || AdminSession.PasswordStamp(member.PasswordHash) != principal.FindFirstValue(AdminSession.PasswordClaim))
        {
            await context.SignOutAsync(AdminSession.Scheme);
            return null;
        }
        context.User = principal;
        var today = TenantTimeZones.DateIn(time.GetUtcNow(), TenantTimeZones.Find(tenant.TimeZoneId));
        return new AdminSession(tenant, member, !tenant.AcceptsWritesOn(today));
    }
}
