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
internal sealed class DistributePageModel(CouponService coupons, TicketService tickets, Operations.ClientThrottle throttle) : PageModel
{
    public const string VisitorCookie = "sec_visitor";

    /// <summary>Whether this client was given too many new tickets of the coupon just now (429, with Retry-After).</summary>
    public bool Busy { get; private set; }

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
        // A browser that comes back has its cookie and gets its ticket again; a visit without one mints a new ticket
        // (a row), which a script could repeat without end: new visitors are limited per coupon and client address.
        if (KnownVisitor() is null && throttle.TicketMinted(HttpContext, couponId) is { } wait)
        {
            Busy = true;
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Api.ApiProblem.SetRetryAfter(HttpContext, wait);
            return Page();
        }
        var issued = await tickets.IssueAsync(couponId, "v-" + Visitor(), Actor.Page, HttpContext.RequestAborted);
        return issued.Succeeded ? Redirect("/c/" + issued.Value.Ticket.Token) : Unavailable();
    }

    private PageResult Unavailable()
    {
        Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }

    private string? KnownVisitor() =>
        Request.Cookies[VisitorCookie] is { Length: 22 } known && known.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') ? known : null;

    private string Visitor()
    {
        if (KnownVisitor() is { } known)
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
