using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using SmartECoupon.Tenancy;
using SmartECoupon.WebHost.Operations;

namespace SmartECoupon.WebHost.Pages;

/// <summary>The public status page (sheet rows 1.12 and 1.17).</summary>
internal sealed class StatusPageModel(StatusReader reader, IOptionsMonitor<SmartECouponOptions> options) : PageModel
{
    internal StatusDocument? Status { get; private set; }

    internal TimeZoneInfo Zone => TenantTimeZones.Find(options.CurrentValue.DefaultTimeZoneId);

    public async Task OnGetAsync()
    {
        Response.Headers.CacheControl = "no-store";
        Status = await reader.ReadAsync(HttpContext.RequestAborted);
    }
}
