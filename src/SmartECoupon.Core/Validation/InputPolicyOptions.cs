namespace SmartECoupon.Validation;

/// <summary>
/// The policy of every text field the library accepts. The defaults follow the HTTP contract; a host can tighten or
/// loosen any of them through <see cref="SmartECouponOptions.Fields"/>.
/// </summary>
public sealed class InputPolicyOptions
{
    /// <summary>A tenant's name: required, 1–100 characters.</summary>
    public FieldPolicy TenantName { get; } = new() { Required = true, MinLength = 1, MaxLength = 100 };

    /// <summary>A person's display name (operator or member): required, 1–50 characters.</summary>
    public FieldPolicy DisplayName { get; } = new() { Required = true, MinLength = 1, MaxLength = 50 };

    /// <summary>A store's name: required, 1–50 characters.</summary>
    public FieldPolicy StoreName { get; } = new() { Required = true, MinLength = 1, MaxLength = 50 };

    /// <summary>A coupon's title: required, 1–40 characters.</summary>
    public FieldPolicy CouponTitle { get; } = new() { Required = true, MinLength = 1, MaxLength = 40 };

    /// <summary>A coupon's benefit: required, 1–20 characters.</summary>
    public FieldPolicy CouponBenefit { get; } = new() { Required = true, MinLength = 1, MaxLength = 20 };

    /// <summary>A coupon's description: 0–1000 characters, line breaks allowed.</summary>
    public FieldPolicy CouponDescription { get; } = new() { MaxLength = 1000, AllowLineBreaks = true };

    /// <summary>A user key: required, 1–128 characters.</summary>
    public FieldPolicy UserKey { get; } = new() { Required = true, MinLength = 1, MaxLength = 128, MaxUtf16Length = 256 };

    /// <summary>A maintenance notice's title: required, 1–100 characters.</summary>
    public FieldPolicy NoticeTitle { get; } = new() { Required = true, MinLength = 1, MaxLength = 100 };

    /// <summary>A maintenance notice's body: 0–2000 characters, line breaks allowed.</summary>
    public FieldPolicy NoticeBody { get; } = new() { MaxLength = 2000, AllowLineBreaks = true };

    /// <summary>The reason of an emergency notice: 0–500 characters (required for an emergency).</summary>
    public FieldPolicy NoticeReason { get; } = new() { MaxLength = 500, AllowLineBreaks = true };

    /// <summary>Every policy with its name, for validation of the options and for documentation.</summary>
    public IEnumerable<KeyValuePair<string, FieldPolicy>> All()
    {
        yield return new(nameof(TenantName), TenantName);
        yield return new(nameof(DisplayName), DisplayName);
        yield return new(nameof(StoreName), StoreName);
        yield return new(nameof(CouponTitle), CouponTitle);
        yield return new(nameof(CouponBenefit), CouponBenefit);
        yield return new(nameof(CouponDescription), CouponDescription);
        yield return new(nameof(UserKey), UserKey);
        yield return new(nameof(NoticeTitle), NoticeTitle);
        yield return new(nameof(NoticeBody), NoticeBody);
        yield return new(nameof(NoticeReason), NoticeReason);
    }
}
