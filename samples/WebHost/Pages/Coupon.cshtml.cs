using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using QRCoder;
using SmartECoupon.Auditing;
using SmartECoupon.Coupons;
using SmartECoupon.Idempotency;
using SmartECoupon.Operations;
using SmartECoupon.Redemptions;
using SmartECoupon.Tenancy;

namespace SmartECoupon.WebHost.Pages;

/// <summary>
/// The coupon page a customer opens on a phone (<c>/c/{token}</c>): the coupon in the tenant's colours, the ticket's code
/// and QR code for the staff, and the use: the customer presses the use button, shows the confirmation to the staff,
/// and the staff confirm. Every use goes through the same rules and limits as the API, once: a form is an idempotent
/// request (its nonce is the key), and the ticket's uses are guarded in the store.
/// </summary>
internal sealed class CouponPageModel(
    TicketService tickets,
    RedemptionService redemptions,
    ThemeService themes,
    MaintenanceService maintenance,
    TimeProvider time) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string Token { get; set; } = "";

    public CouponView? View { get; private set; }

    /// <summary>Whether the confirmation for the staff is shown.</summary>
    public bool Confirming { get; private set; }

    /// <summary>A fresh nonce for the confirmation form: the idempotency key of its one use.</summary>
    public string Nonce { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>What the last confirmation came to, shown once after it.</summary>
    public string? Outcome { get; private set; }

    public async Task<IActionResult> OnGetAsync(bool confirm = false, string? r = null)
    {
        if (await LoadAsync() is not { } view)
        {
            return NotFoundPage();
        }
        View = view;
        Confirming = confirm && view.CanUse;
        Outcome = r switch
        {
            "ok" => "使用済みにしました。",
            null or "" => null,
            _ when RedemptionRefusals.TryParse(r, out var refusal) => refusal.MessageOf().Japanese,
            _ => null,
        };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string? nonce, string? storeId)
    {
        // The session was resolved from the token by the library (TenantSessionMiddleware): no session, no such ticket.
        if (HttpContext.Features.Get<TenantSession>() is null || nonce is not { Length: 32 } || !IdempotencyKey.TryCreate("page:" + nonce, out var key))
        {
            return NotFoundPage();
        }
        var request = RedemptionRequest.ForTicketToken(Token, string.IsNullOrEmpty(storeId) ? null : storeId);
        var body = Encoding.UTF8.GetBytes($$"""{"storeId":{{(request.StoreId is null ? "null" : "\"" + request.StoreId + "\"")}},"ticketToken":"{{Token}}"}""");
        var fingerprint = RequestFingerprint.Compute("POST", "/c/" + Token, body);
        // What the page shows after the redirect: "ok" or the refusal's code, stored with the nonce for a repeated post.
        static ValueTask<IdempotentPayload> Render(Result<Redemption> result, CancellationToken _) =>
            ValueTask.FromResult(new IdempotentPayload("text/plain", result.Succeeded ? "ok" : result.Failure.Code));
        var result = await redemptions.RedeemIdempotentlyAsync(request, Actor.Page, RedemptionChannel.Page, new IdempotentRequest(key, fingerprint, Render), HttpContext.RequestAborted);
        var code = result switch
        {
            { Succeeded: true } => result.Value.Answer.Payload,
            { Failure.Code: FailureCodes.IdempotencyKeyInFlight or FailureCodes.IdempotencyKeyReused } => null,
            // A cancelled tenant's coupon cannot be used: the library refuses the write, and the page says it is not active.
            { Failure.Code: FailureCodes.TenantCancelled } => FailureCodes.CouponNotActive,
            _ => FailureCodes.StoreNotAllowed,
        };
        // After a post, a redirect: a reload shows the page, it does not confirm again.
        return RedirectToPage(new { token = Token, r = code });
    }

    private PageResult NotFoundPage()
    {
        Response.StatusCode = StatusCodes.Status404NotFound;
        View = null;
        return Page();
    }

    private async Task<CouponView?> LoadAsync()
    {
        if (HttpContext.Features.Get<TenantSession>() is not { Source: TenantSessionSource.TicketToken } session)
        {
            return null;
        }
        var zone = session.TimeZone;
        var now = time.GetUtcNow();
        // The library reads the ticket, its coupon and shops in one query and decides what the page shows.
        if (await tickets.GetPageAsync(Token, HttpContext.RequestAborted) is not { } page)
        {
            return null;
        }
        var (ticket, coupon) = (page.Ticket, page.Coupon);
        var (state, label, detail) = page.State switch
        {
            TicketPageState.Used => ("used", "使用済み", page.LastUsedAt is { } at ? $"{Japanese(at, zone)}に使用しました。" : null),
            TicketPageState.Unavailable => ("unavailable", "ご利用いただけません", page.Refusal?.MessageOf().Japanese),
            _ => ("unused", "未使用", page.UsesLeft is > 1 ? $"あと{page.UsesLeft}回使えます。" : null),
        };
        var notices = (await maintenance.ListCurrentAsync(HttpContext.RequestAborted))
            .Where(n => n.IsDueWithin(now, TimeSpan.FromDays(7)))
            .Select(n => new NoticeView(n.Title, $"{Japanese(n.StartsAt, zone)} ～ {Japanese(n.EndsAt, zone)}", n.Emergency, n.Reason))
            .ToList();
        return new CouponView(
            coupon.Title,
            coupon.Benefit,
            coupon.Description,
            coupon.ImageContentType is null ? null : $"/images/{coupon.Id}?v={coupon.Version}",
            Validity(coupon, zone),
            state,
            label,
            detail,
            ticket.Code,
            QrSvg(ticket.Code),
            await themes.GetAsync(HttpContext.RequestAborted),
            notices,
            page.CanConfirm,
            [.. page.Stores.Select(store => (store.Id, store.Name))]);
    }

    private static string Validity(Coupon coupon, TimeZoneInfo zone) => (coupon.ValidFrom, coupon.ValidUntil) switch
    {
        (null, null) => "期限なし",
        ({ } from, null) => $"{Japanese(from, zone)} から",
        (null, { } until) => $"{Japanese(until, zone)} まで",
        ({ } from, { } until) => $"{Japanese(from, zone)} ～ {Japanese(until, zone)}",
    };

    /// <summary>An instant as Japanese readers expect it: 2026年12月1日(火) 10:00, in the tenant's zone.</summary>
    internal static string Japanese(DateTimeOffset instant, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(instant, zone);
        var weekday = "日月火水木金土"[(int)local.DayOfWeek];
        return local.ToString($"yyyy年M月d日({weekday}) H:mm", CultureInfo.InvariantCulture);
    }

    private static string QrSvg(string code)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(code, QRCodeGenerator.ECCLevel.M);
        return new SvgQRCode(data).GetGraphic(4, "#000000", "#FFFFFF", true, SvgQRCode.SizingMode.ViewBoxAttribute, null);
    }
}

/// <summary>What the coupon page shows.</summary>
internal sealed record CouponView(
    string Title,
    string Benefit,
    string Description,
    string? ImageUrl,
    string Validity,
    string State,
    string StatusLabel,
    string? StatusDetail,
    string Code,
    string QrSvg,
    TenantTheme Theme,
    IReadOnlyList<NoticeView> Notices,
    bool CanUse,
    IReadOnlyList<(string Id, string Name)> Stores);

/// <summary>A maintenance banner.</summary>
internal sealed record NoticeView(string Title, string Period, bool Emergency, string? Reason);
