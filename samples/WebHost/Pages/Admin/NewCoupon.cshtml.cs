using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using SmartECoupon.Coupons;

namespace SmartECoupon.WebHost.Pages.Admin;

/// <summary>Creates a coupon as a draft, with the same rules and messages as the API.</summary>
internal sealed class NewCouponModel(CouponService coupons) : AdminPageModel
{
    [BindProperty]
    public string? Title { get; set; }

    [BindProperty]
    public string? Benefit { get; set; }

    [BindProperty]
    public string? Description { get; set; }

    [BindProperty]
    public string? ValidFrom { get; set; }

    [BindProperty]
    public string? ValidUntil { get; set; }

    [BindProperty]
    public int? TotalLimit { get; set; }

    [BindProperty]
    public int? PerUserLimit { get; set; }

    public async Task<IActionResult> OnPostAsync()
    {
        var draft = new CouponDraft
        {
            Title = Title,
            Benefit = Benefit,
            Description = Description,
            ValidFrom = Date(ValidFrom),
            ValidUntil = Date(ValidUntil),
            TotalLimit = TotalLimit,
            PerUserLimit = PerUserLimit ?? 1,
        };
        var created = await coupons.CreateAsync(draft, Actor, HttpContext.RequestAborted);
        if (!created.Succeeded)
        {
            Show(created.Failure);
            return Page();
        }
        return Redirect($"/admin/coupons/{created.Value.Id}");
    }

    private static ValidityBound? Date(string? value) =>
        DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? ValidityBound.FromDate(date) : null;
}
