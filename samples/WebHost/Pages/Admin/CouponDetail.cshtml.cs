using Microsoft.AspNetCore.Mvc;
using SmartECoupon.Coupons;

namespace SmartECoupon.WebHost.Pages.Admin;

/// <summary>One coupon: its counts and link, publish or pause, and one-time codes.</summary>
internal sealed class CouponDetailModel(CouponService coupons, OneTimeCodeService codes, CodeJobService jobs) : AdminPageModel
{
    [BindProperty(SupportsGet = true)]
    public string Id { get; set; } = "";

    public Coupon? Coupon { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? done, int? count)
    {
        // Only known outcomes are shown: the query string cannot put words on the page.
        Done = done switch
        {
            "published" => "公開しました。",
            "paused" => "一時停止しました。",
            "codes" => $"{count:N0}件発行しました。",
            "job" => $"{count:N0}件の発行を受け付けました。しばらくすると発行数に反映されます。",
            _ => null,
        };
        return await LoadAsync();
    }

    public Task<IActionResult> OnPostPublishAsync() => ChangeAsync(coupons.PublishAsync(Id, Actor, HttpContext.RequestAborted), "published");

    public Task<IActionResult> OnPostPauseAsync() => ChangeAsync(coupons.PauseAsync(Id, Actor, HttpContext.RequestAborted), "paused");

    public async Task<IActionResult> OnPostCodesAsync(int count)
    {
        if (count > Api.CouponEndpoints.InlineCodeLimit)
        {
            var queued = await jobs.EnqueueAsync(Id, count, Actor, HttpContext.RequestAborted);
            return queued.Succeeded ? Redirect($"/admin/coupons/{Id}?done=job&count={count}") : await ShowAsync(queued.Failure);
        }
        var generated = await codes.GenerateAsync(Id, count, Actor, cancellationToken: HttpContext.RequestAborted);
        return generated.Succeeded ? Redirect($"/admin/coupons/{Id}?done=codes&count={generated.Value}") : await ShowAsync(generated.Failure);
    }

    private async Task<IActionResult> ChangeAsync(Task<Result<Coupon>> change, string done)
    {
        var changed = await change;
        return changed.Succeeded ? Redirect($"/admin/coupons/{Id}?done={done}") : await ShowAsync(changed.Failure);
    }

    private async Task<IActionResult> ShowAsync(Failure failure)
    {
        Show(failure);
        return await LoadAsync();
    }

    private async Task<IActionResult> LoadAsync()
    {
        Coupon = await coupons.FindAsync(Id, HttpContext.RequestAborted);
        if (Coupon is null)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
        }
        return Page();
    }
}
