using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

namespace SmartECoupon.WebHost.Pages.Admin;

/// <summary>
/// Signs the member out: the library renews their session stamp first, so the cookie (and any copy of it) stops working
/// on every instance at once, not only in this browser when it drops the cookie.
/// </summary>
internal sealed class SignOutModel(SmartECoupon.Tenancy.MemberSignInService signIn) : AdminPageModel
{
    public IActionResult OnGet() => Redirect("/admin");

    public async Task<IActionResult> OnPostAsync()
    {
        if (AdminSession.Of(HttpContext) is { } session)
        {
            await signIn.EndSessionsAsync(session.MemberId, SmartECoupon.Auditing.Actor.Member(session.MemberId), HttpContext.RequestAborted);
        }
        await HttpContext.SignOutAsync(AdminSession.Scheme);
        return Redirect("/admin/signin");
    }
}
