using SmartECoupon.Validation;

namespace SmartECoupon.Coupons;

/// <summary>What a tenant sends to create a coupon (or the full set of fields after a change), before any checks.</summary>
public sealed record CouponDraft
{
    /// <summary>The title.</summary>
    public string? Title { get; init; }

    /// <summary>What the customer gets.</summary>
    public string? Benefit { get; init; }

    /// <summary>Free text.</summary>
    public string? Description { get; init; }

    /// <summary>The start of validity (an instant, or a date meaning the start of that day).</summary>
    public ValidityBound? ValidFrom { get; init; }

    /// <summary>The end of validity (an instant, or a date meaning the end of that day).</summary>
    public ValidityBound? ValidUntil { get; init; }

    /// <summary>The cap on live redemptions across everyone; <see langword="null"/> for none.</summary>
    public int? TotalLimit { get; init; }

    /// <summary>The cap on live redemptions per user; <see langword="null"/> for none. Defaults to 1.</summary>
    public int? PerUserLimit { get; init; } = 1;

    /// <summary>The stores where the coupon can be used; empty or <see langword="null"/> for everywhere.</summary>
    public IReadOnlyList<string>? StoreIds { get; init; }

    /// <summary>A code anyone can show; <see langword="null"/> for none.</summary>
    public string? SharedCode { get; init; }

    /// <summary>The draft that describes <paramref name="coupon"/> as it is: the starting point of a change.</summary>
    public static CouponDraft From(Coupon coupon)
    {
        ArgumentNullException.ThrowIfNull(coupon);
        return new CouponDraft
        {
            Title = coupon.Title,
            Benefit = coupon.Benefit,
            Description = coupon.Description,
            ValidFrom = coupon.ValidFrom is { } from ? ValidityBound.FromInstant(from) : null,
            ValidUntil = coupon.ValidUntil is { } until ? ValidityBound.FromInstant(until) : null,
            TotalLimit = coupon.TotalLimit,
            PerUserLimit = coupon.PerUserLimit,
            StoreIds = coupon.StoreIds,
            SharedCode = coupon.SharedCode,
        };
    }
}

/// <summary>The checked, normalised content of a coupon, ready to be stored.</summary>
public sealed record CouponContent
{
    /// <summary>The title as stored.</summary>
    public required string Title { get; init; }

    /// <summary>The benefit as stored.</summary>
    public required string Benefit { get; init; }

    /// <summary>The description as stored.</summary>
    public required string Description { get; init; }

    /// <summary>The first instant of validity (inclusive).</summary>
    public DateTimeOffset? ValidFrom { get; init; }

    /// <summary>The last instant of validity (inclusive).</summary>
    public DateTimeOffset? ValidUntil { get; init; }

    /// <summary>The total limit.</summary>
    public int? TotalLimit { get; init; }

    /// <summary>The per-user limit.</summary>
    public int? PerUserLimit { get; init; }

    /// <summary>The allowed stores, distinct, in the order given.</summary>
    public required IReadOnlyList<string> StoreIds { get; init; }

    /// <summary>The shared code as shown.</summary>
    public string? SharedCode { get; init; }

    /// <summary>The shared code's matching form.</summary>
    public string? SharedCodeKey { get; init; }

    /// <summary>Applies this content to <paramref name="coupon"/>, keeping its identity, status and counters.</summary>
    public Coupon ApplyTo(Coupon coupon)
    {
        ArgumentNullException.ThrowIfNull(coupon);
        return coupon with
        {
            Title = Title,
            Benefit = Benefit,
            Description = Description,
            ValidFrom = ValidFrom,
            ValidUntil = ValidUntil,
            TotalLimit = TotalLimit,
            PerUserLimit = PerUserLimit,
            StoreIds = StoreIds,
            SharedCode = SharedCode,
            SharedCodeKey = SharedCodeKey,
        };
    }
}

/// <summary>Checks coupon drafts against the contract's rules.</summary>
public static class CouponRules
{
    /// <summary>The largest total limit.</summary>
    public const int MaxTotalLimit = 100_000_000;

    /// <summary>The largest per-user limit.</summary>
    public const int MaxPerUserLimit = 1_000_000;

    /// <summary>The most stores a coupon can name.</summary>
    public const int MaxStores = 1000;

    /// <summary>The fewest characters of a shared code's matching form.</summary>
    public const int SharedCodeMinLength = 3;

    /// <summary>The most characters of a shared code's matching form.</summary>
    public const int SharedCodeMaxLength = 32;

    /// <summary>
    /// Checks <paramref name="draft"/> and returns its normalised content, or every failing field. Calendar dates
    /// are read in <paramref name="zone"/>, the tenant's time zone.
    /// </summary>
    public static CouponContent Validate(CouponDraft draft, InputPolicyOptions policies, TimeZoneInfo zone, out IReadOnlyList<ValidationError> errors)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(zone);
        var found = new List<ValidationError>();
        var title = policies.CouponTitle.Apply("title", draft.Title, found);
        var benefit = policies.CouponBenefit.Apply("benefit", draft.Benefit, found);
        var description = policies.CouponDescription.Apply("description", draft.Description, found) ?? "";

        var validFrom = draft.ValidFrom?.Resolve(zone, ValidityEdge.Start);
        var validUntil = draft.ValidUntil?.Resolve(zone, ValidityEdge.End);
        if (validFrom is { } from && validUntil is { } until && until < from)
        {
            found.Add(FieldErrors.OutOfRange(new FieldLabel("validUntil", "有効期間の終了", "validUntil"), "開始以降", "at or after validFrom"));
        }

        if (draft.TotalLimit is { } total && total is < 1 or > MaxTotalLimit)
        {
            found.Add(FieldErrors.OutOfRange(new FieldLabel("totalLimit", "利用上限数", "totalLimit"), $"1以上{MaxTotalLimit}以下", $"between 1 and {MaxTotalLimit}"));
        }
        if (draft.PerUserLimit is { } perUser && perUser is < 1 or > MaxPerUserLimit)
        {
            found.Add(FieldErrors.OutOfRange(new FieldLabel("perUserLimit", "1人あたりの利用上限数", "perUserLimit"), $"1以上{MaxPerUserLimit}以下", $"between 1 and {MaxPerUserLimit}"));
        }

        var storeIds = new List<string>();
        if (draft.StoreIds is { } ids)
        {
            if (ids.Count > MaxStores)
            {
                found.Add(FieldErrors.OutOfRange(new FieldLabel("storeIds", "対象店舗", "storeIds"), $"{MaxStores}件以内", $"at most {MaxStores} items"));
            }
            foreach (var id in ids)
            {
                if (!EntityIds.HasShape(id, EntityIds.StorePrefix))
                {
                    found.Add(FieldErrors.InvalidFormat(new FieldLabel("storeIds", "対象店舗", "storeIds"), "店舗ID", "store ids"));
                    break;
                }
                if (!storeIds.Contains(id, StringComparer.Ordinal))
                {
                    storeIds.Add(id);
                }
            }
        }

        string? sharedCode = null;
        string? sharedCodeKey = null;
        if (policies.SharedCode.Apply("sharedCode", draft.SharedCode, found) is { } shared
            && !SharedCodes.TryNormalize(shared, out sharedCode, out sharedCodeKey))
        {
            found.Add(FieldErrors.InvalidFormat(policies.SharedCode.LabelFor("sharedCode"),
                $"英数字{SharedCodeMinLength}～{SharedCodeMaxLength}文字、ハイフン可",
                $"{SharedCodeMinLength}–{SharedCodeMaxLength} letters or digits, hyphens allowed"));
        }

        errors = found;
        return new CouponContent
        {
            Title = title ?? "",
            Benefit = benefit ?? "",
            Description = description,
            ValidFrom = validFrom,
            ValidUntil = validUntil,
            TotalLimit = draft.TotalLimit,
            PerUserLimit = draft.PerUserLimit,
            StoreIds = storeIds,
            SharedCode = sharedCode,
            SharedCodeKey = sharedCodeKey,
        };
    }
}

/// <summary>Shared codes: one code anyone can show, chosen by the tenant.</summary>
public static class SharedCodes
{
    /// <summary>
    /// Checks a shared code as a tenant wrote it. <paramref name="display"/> is the code as shown (trimmed,
    /// full-width letters folded to ASCII); <paramref name="key"/> its matching form (see <see cref="CouponCodes.Normalize"/>),
    /// 3–32 letters and digits.
    /// </summary>
    public static bool TryNormalize(string input, out string? display, out string? key)
    {
        display = null;
        key = CouponCodes.Normalize(input);
        if (key is null || key.Length is < CouponRules.SharedCodeMinLength or > CouponRules.SharedCodeMaxLength)
        {
            key = null;
            return false;
        }
        display = TextNormalization.FoldFullWidthAscii(input).Trim();
        return true;
    }
}
