using System.Globalization;
using SmartECoupon.Auditing;
using SmartECoupon.Validation;

namespace SmartECoupon.Tenancy;

/// <summary>The colours of a tenant's coupon page (sheet row 1.22), as <c>#RRGGBB</c>.</summary>
/// <param name="PrimaryColor">The use button's background, and accents.</param>
/// <param name="ButtonTextColor">The use button's text.</param>
/// <param name="BackgroundColor">The page's background.</param>
/// <param name="TextColor">The page's text.</param>
public sealed record TenantTheme(string PrimaryColor, string ButtonTextColor, string BackgroundColor, string TextColor)
{
    /// <summary>The theme of a tenant that has not set one (every pair well above 4.5:1).</summary>
    public static TenantTheme Default { get; } = new("#0B5CAD", "#FFFFFF", "#FFFFFF", "#1F2328");
}

/// <summary>A theme as a tenant sends it, before checks.</summary>
public sealed record TenantThemeDraft
{
    /// <summary>The use button's background.</summary>
    public string? PrimaryColor { get; init; }

    /// <summary>The use button's text; default <c>#FFFFFF</c>.</summary>
    public string? ButtonTextColor { get; init; }

    /// <summary>The page's background.</summary>
    public string? BackgroundColor { get; init; }

    /// <summary>The page's text.</summary>
    public string? TextColor { get; init; }
}

/// <summary>The rules of a theme: <c>#RRGGBB</c> colours, and text readable on its background (WCAG 2.x, at least 4.5:1).</summary>
public static class ThemeRules
{
    /// <summary>The contrast WCAG 2.x level AA asks of normal text.</summary>
    public const double MinimumContrast = 4.5;


    /// <summary>Checks a draft and returns the theme with colours in upper case, or the failure.</summary>
    public static Result<TenantTheme> Validate(TenantThemeDraft draft)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var errors = new List<ValidationError>();
        var primary = Color("primaryColor", draft.PrimaryColor, errors);
        var buttonText = Color("buttonTextColor", draft.ButtonTextColor ?? "#FFFFFF", errors);
        var background = Color("backgroundColor", draft.BackgroundColor, errors);
        var text = Color("textColor", draft.TextColor, errors);
        if (errors.Count > 0)
        {
            return Failure.Invalid(errors);
        }
        var low = new List<ValidationError>();
        CheckPair(new FieldLabel("textColor", "文字の色", "textColor"), text!, new FieldLabel("backgroundColor", "背景の色", "backgroundColor"), background!, low);
        CheckPair(new FieldLabel("buttonTextColor", "ボタンの文字の色", "buttonTextColor"), buttonText!, new FieldLabel("primaryColor", "ボタンの色", "primaryColor"), primary!, low);
        if (low.Count > 0)
        {
            return new Failure(FailureKind.Invalid, FailureCodes.LowContrast, new LocalizedMessage(
                "文字と背景のコントラストが不足しています（4.5:1以上にしてください）。", "Text and its background need a contrast of at least 4.5:1 (WCAG 2.x).")) { Errors = low };
        }
        return new TenantTheme(primary!, buttonText!, background!, text!);
    }

    /// <summary>The WCAG 2.x contrast ratio of two <c>#RRGGBB</c> colours, from 1 to 21.</summary>
    public static double ContrastRatio(string first, string second)
    {
        var a = RelativeLuminance(first);
        var b = RelativeLuminance(second);
        return (Math.Max(a, b) + 0.05) / (Math.Min(a, b) + 0.05);
    }

    /// <summary>Whether <paramref name="value"/> is <c>#RRGGBB</c>.</summary>
    public static bool IsColor(string? value) =>
        value is { Length: 7 } && value[0] == '#' && !value.AsSpan(1).ContainsAnyExcept(HexDigits);

    private static readonly System.Buffers.SearchValues<char> HexDigits = System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");

    private static double RelativeLuminance(string color)
    {
        static double Channel(string color, int start)
        {
            var c = int.Parse(color.AsSpan(start, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture) / 255.0;
            return c <= 0.04045 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);
        }
        return (0.2126 * Channel(color, 1)) + (0.7152 * Channel(color, 3)) + (0.0722 * Channel(color, 5));
    }

    private static string? Color(string field, string? value, List<ValidationError> errors)
    {
        if (value is null)
        {
            errors.Add(FieldErrors.Required(field));
            return null;
        }
        if (!IsColor(value))
        {
            errors.Add(FieldErrors.InvalidFormat(field, "#RRGGBB", "#RRGGBB"));
            return null;
        }
        return value.ToUpperInvariant();
    }

    private static void CheckPair(FieldLabel foregroundField, string foreground, FieldLabel backgroundField, string background, List<ValidationError> errors)
    {
        var ratio = ContrastRatio(foreground, background);
        if (ratio < MinimumContrast)
        {
            var shown = ratio.ToString("0.00", CultureInfo.InvariantCulture);
            errors.Add(new ValidationError(foregroundField.Field, FailureCodes.LowContrast, new LocalizedMessage(
                $"{foregroundField.Japanese}と{backgroundField.Japanese}のコントラストは{shown}:1です。4.5:1以上にしてください。",
                $"{foregroundField.English} on {backgroundField.English} has a contrast of {shown}:1; at least 4.5:1 is needed.")));
        }
    }
}

/// <summary>Reads and changes the current tenant's theme.</summary>
public sealed class ThemeService(Storage.ITenantSettingsRepository settings, ITenantContext tenantContext, TenantWriteGate gate, TimeProvider time)
{
    /// <summary>The tenant's theme, or <see cref="TenantTheme.Default"/>.</summary>
    public async Task<TenantTheme> GetAsync(CancellationToken cancellationToken = default) =>
        await settings.FindThemeAsync(cancellationToken).ConfigureAwait(false) ?? TenantTheme.Default;

    /// <summary>Replaces the tenant's theme after the checks of <see cref="ThemeRules"/>.</summary>
    public async Task<Result<TenantTheme>> UpdateAsync(TenantThemeDraft draft, Actor actor, CancellationToken cancellationToken = default)
    {
        var tenantId = tenantContext.RequireTenantId();
        if (await gate.RefusalAsync(cancellationToken).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }
        var theme = ThemeRules.Validate(draft);
        if (!theme.Succeeded)
        {
            return theme;
        }
        var audit = AuditEntry.Create(tenantId, actor, AuditActions.ThemeUpdated, AuditTargets.Tenant, tenantId, Instants.Now(time));
        await settings.SaveThemeAsync(theme.Value, audit, cancellationToken).ConfigureAwait(false);
        return theme;
    }
}
