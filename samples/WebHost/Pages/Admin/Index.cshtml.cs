using SmartECoupon.Coupons;
using SmartECoupon.Storage;

namespace SmartECoupon.WebHost.Pages.Admin;

/// <summary>The tenant's coupons with their issued and redeemed counts.</summary>
internal sealed class IndexModel(CouponService coupons) : AdminPageModel
{
    public IReadOnlyList<Coupon> Coupons { get; private set; } = [];

    public string? NextCursor { get; private set; }

    public async Task OnGetAsync(string? cursor)
    {
        var page = PageRequest.TryCreate(50, cursor, out var request, out _) ? request : new PageRequest(50);
        try
        {
            var listed = await coupons.ListAsync(page, HttpContext.RequestAborted);
            (Coupons, NextCursor) = (listed.Items, listed.NextCursor);
        }
        catch (ArgumentException)
        {
            var listed = await coupons.ListAsync(new PageRequest(50), HttpContext.RequestAborted);
            (Coupons, NextCursor) = (listed.Items, listed.NextCursor);
        }
    }
}
