using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using SmartECoupon.Tenancy;

namespace SmartECoupon.WebHost.Pages.Admin;

/// <summary>
/// Sign-in with the member id and a password (hashed by ASP.NET Core's password hasher). Five failures lock the member
/// out for 15 minutes; each sign-in is audited. The answer for an unknown id takes as long as for a wrong password.
/// </summary>
internal sealed class SignInModel(MemberSignInService signIn, IPasswordHasher<Member> hasher) : AdminPageModel
{
    // Verified against when the id is unknown, so that the time taken does not tell whether it exists.
    private static readonly string DummyHash = new PasswordHasher<Member>().HashPassword(null!, "not a password of anyone");

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty]
    public string? MemberId { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool Denied { get; set; }

    public async Task<IActionResult> OnPostAsync(string? password)
    {
        var candidate = await signIn.FindAsync(MemberId?.Trim(), HttpContext.RequestAborted);
        if (candidate is not null && signIn.LockedUntil(candidate) is { } locked)
        {
            FormError = $"サインインに続けて失敗したため、{CouponPageModel.Japanese(locked, TenantTimeZones.Find(candidate.Tenant.TimeZoneId))}まで利用できません。";
            return Page();
        }
        var verified = candidate?.Member.PasswordHash is { } hash && password is not null
            ? hasher.VerifyHashedPassword(candidate.Member, hash, password)
            : VerifyDummy(password);
        if (candidate is null || verified == PasswordVerificationResult.Failed)
        {
            if (candidate is not null && await signIn.RecordFailureAsync(candidate, HttpContext.RequestAborted) is { } until)
            {
                FormError = $"サインインに続けて失敗したため、{CouponPageModel.Japanese(until, TenantTimeZones.Find(candidate.Tenant.TimeZoneId))}まで利用できません。";
                return Page();
            }
            FormError = "サインインIDまたはパスワードが違います。";
            return Page();
        }
        if (candidate.Member.Role != MemberRole.Admin)
        {
            Denied = true;
            return Page();
        }
        await signIn.RecordSuccessAsync(candidate, HttpContext.RequestAborted);
        await HttpContext.SignInAsync(AdminSession.Scheme, AdminSession.PrincipalFor(candidate));
        return LocalRedirect(ReturnUrl is { } url && Url.IsLocalUrl(url) && url.StartsWith("/admin", StringComparison.Ordinal) ? url : "/admin");
    }

    private PasswordVerificationResult VerifyDummy(string? password)
    {
        hasher.VerifyHashedPassword(null!, DummyHash, password ?? "");
        return PasswordVerificationResult.Failed;
    }
}
