using System.Security.Cryptography;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SmartECoupon.Auditing;
using SmartECoupon.Coupons;
using SmartECoupon.Storage;
using SmartECoupon.Tenancy;

namespace SmartECoupon.WebHost.Pages;

/// <summary>
/// The distribution link (<c>/p/{couponId}</c>): gives the visitor a ticket and sends them to its page. The visitor is a
/// pseudonymous id kept in a cookie, which is the ticket's user key, so the same browser gets the same ticket (and the
/// coupon's per-user limit holds for it).
/// </summary>
internal sealed class DistributePageModel(CouponService coupons, TicketService tickets) : PageModel
{
    public const string VisitorCookie = "sec_visitor";

    public async Task<IActionResult> OnGetAsync(string couponId)
    {
        // The session was resolved from the coupon id by the library, which also refuses a cancelled tenant's new ticket.
        if (HttpContext.Features.Get<TenantSession>() is not { Source: TenantSessionSource.CouponHandle })
        {
            return Unavailable();
        }
        var coupon = await coupons.FindAsync(couponId, HttpContext.RequestAborted);
        if (coupon is not { Status: CouponStatus.Published })
        {
            return Unavailable();
        }
        var issued = await tickets.IssueAsync(couponId, "v-" + Visitor(), Actor.Page, HttpContext.RequestAborted);
        return issued.Succeeded ? Redirect("/c/" + issued.Value.Ticket.Token) : Unavailable();
    }

    private PageResult Unavailable()
    {
        Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }

    private string Visitor()
    {
        if (Request.Cookies[VisitorCookie] is { Length: 22 } known && known.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            return known;
        }
        var visitor = System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));
        Response.Cookies.Append(VisitorCookie, visitor, new CookieOptions
        {
            HttpOnly = true,
            Secure = Request.IsHttps,
            SameSite = SameSiteMode.Lax,
            MaxAge = TimeSpan.FromDays(400),
            IsEssential = true,
        });
        return visitor;
    }
}
