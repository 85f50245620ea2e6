using Microsoft.AspNetCore.Mvc;
using SmartECoupon.Tenancy;

namespace SmartECoupon.WebHost.Pages.Admin;

/// <summary>The coupon page's colours, with a preview and the WCAG contrast check (the same rules as the API).</summary>
internal sealed class ThemeModel(ThemeService themes) : AdminPageModel
{
    public TenantTheme Values { get; private set; } = TenantTheme.Default;

    public double TextRatio => ThemeRules.ContrastRatio(Values.TextColor, Values.BackgroundColor);

    public double ButtonRatio => ThemeRules.ContrastRatio(Values.ButtonTextColor, Values.PrimaryColor);

    public IEnumerable<(string Field, string Label, string Value)> Fields =>
    [
        ("primaryColor", "ボタンの色", Values.PrimaryColor),
        ("buttonTextColor", "ボタンの文字の色", Values.ButtonTextColor),
        ("backgroundColor", "背景の色", Values.BackgroundColor),
        ("textColor", "文字の色", Values.TextColor),
    ];

    public async Task OnGetAsync(bool saved = false)
    {
        Values = await themes.GetAsync(HttpContext.RequestAborted);
        Done = saved ? "保存しました。クーポン画面に反映されています。" : null;
    }

    public async Task<IActionResult> OnPostAsync(string? primaryColor, string? buttonTextColor, string? backgroundColor, string? textColor)
    {
        var draft = new TenantThemeDraft { PrimaryColor = primaryColor, ButtonTextColor = buttonTextColor, BackgroundColor = backgroundColor, TextColor = textColor };
        var updated = await themes.UpdateAsync(draft, Actor, HttpContext.RequestAborted);
        if (updated.Succeeded)
        {
            return Redirect("/admin/theme?saved=true");
        }
        Show(updated.Failure);
        // Show what was sent, so the preview and ratios explain the refusal.
        Values = ThemeRules.IsColor(primaryColor) && ThemeRules.IsColor(buttonTextColor) && ThemeRules.IsColor(backgroundColor) && ThemeRules.IsColor(textColor)
            ? new TenantTheme(primaryColor!, buttonTextColor!, backgroundColor!, textColor!)
            : await themes.GetAsync(HttpContext.RequestAborted);
        return Page();
    }
}
