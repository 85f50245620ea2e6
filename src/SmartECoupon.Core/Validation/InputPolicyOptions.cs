namespace SmartECoupon.Validation;

/// <summary>
/// The policy of every text field the library accepts. The defaults follow the HTTP contract; a host can tighten or
/// loosen any of them through <see cref="SmartECouponOptions.Fields"/>.
/// </summary>
public sealed class InputPolicyOptions
{
    /// <summary>A tenant's name: required, 1–100 characters.</summary>
    public FieldPolicy TenantName { get; } = new() { Required = true, MinLength = 1, MaxLength = 100, LabelJa = "テナント名", LabelEn = "Tenant name" };

    /// <summary>A person's display name (operator or member): required, 1–50 characters.</summary>
    public FieldPolicy DisplayName { get; } = new() { Required = true, MinLength = 1, MaxLength = 50, LabelJa = "表示名", LabelEn = "Display name" };

    /// <summary>A store's name: required, 1–50 characters.</summary>
    public FieldPolicy StoreName { get; } = new() { Required = true, MinLength = 1, MaxLength = 50, LabelJa = "店舗名", LabelEn = "Store name" };

    /// <summary>A coupon's title: required, 1–40 characters (up to 400 UTF-16 units, room for emoji sequences).</summary>
    public FieldPolicy CouponTitle { get; } = new() { Required = true, MinLength = 1, MaxLength = 40, MaxUtf16Length = 400, LabelJa = "タイトル", LabelEn = "Title" };

    /// <summary>A coupon's benefit: required, 1–20 characters (up to 200 UTF-16 units).</summary>
    public FieldPolicy CouponBenefit { get; } = new() { Required = true, MinLength = 1, MaxLength = 20, MaxUtf16Length = 200, LabelJa = "特典", LabelEn = "Benefit" };

    /// <summary>A coupon's description: 0–1000 characters, line breaks allowed (up to 8000 UTF-16 units).</summary>
    public FieldPolicy CouponDescription { get; } = new() { MaxLength = 1000, MaxUtf16Length = 8000, AllowLineBreaks = true, LabelJa = "説明", LabelEn = "Description" };

    /// <summary>
    /// A user key, the tenant's own identifier of a customer (member number, e-mail address, visitor id): required,
    /// 1–128 printable ASCII characters; full-width letters and digits typed on a phone are folded to ASCII first.
    /// </summary>
    public FieldPolicy UserKey { get; } = new()
    {
        Required = true,
        MinLength = 1,
        MaxLength = 128,
        MaxUtf16Length = 256,
        AllowedCharacters = CharacterClasses.AsciiLetters | CharacterClasses.AsciiDigits | CharacterClasses.AsciiSymbols,
        FoldFullWidthAscii = true,
        LabelJa = "ユーザーキー",
        LabelEn = "User key",
    };

    /// <summary>
    /// A member's e-mail address, for the platform's notices: optional, printable ASCII without spaces, at most 254
    /// characters, full-width folded to ASCII; its shape (<c>local@domain.tld</c>) is checked after this policy.
    /// </summary>
    public FieldPolicy Email { get; } = new()
    {
        MaxLength = 254,
        AllowedCharacters = CharacterClasses.AsciiLetters | CharacterClasses.AsciiDigits | CharacterClasses.AsciiSymbols,
        FoldFullWidthAscii = true,
        LabelJa = "メールアドレス",
        LabelEn = "E-mail address",
    };

    /// <summary>
    /// A coupon's shared code as the tenant writes it (<c>WELCOME-10</c>): ASCII letters, digits, symbols and spaces, at
    /// most 64 characters, full-width forms folded to ASCII. Its matching form (letters and digits only, 3–32 of them)
    /// is checked after this policy by <see cref="Coupons.SharedCodes"/>.
    /// </summary>
    public FieldPolicy SharedCode { get; } = new()
    {
        MaxLength = 64,
        AllowedCharacters = CharacterClasses.AsciiLetters | CharacterClasses.AsciiDigits | CharacterClasses.AsciiSymbols | CharacterClasses.Space,
        FoldFullWidthAscii = true,
        LabelJa = "共通コード",
        LabelEn = "Shared code",
    };

    /// <summary>A maintenance notice's title: required, 1–100 characters.</summary>
    public FieldPolicy NoticeTitle { get; } = new() { Required = true, MinLength = 1, MaxLength = 100, LabelJa = "件名", LabelEn = "Title" };

    /// <summary>A maintenance notice's body: 0–2000 characters, line breaks allowed.</summary>
    public FieldPolicy NoticeBody { get; } = new() { MaxLength = 2000, AllowLineBreaks = true, LabelJa = "本文", LabelEn = "Body" };

    /// <summary>The reason of an emergency notice: 0–500 characters (required for an emergency).</summary>
    public FieldPolicy NoticeReason { get; } = new() { MaxLength = 500, AllowLineBreaks = true, LabelJa = "理由", LabelEn = "Reason" };

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
        yield return new(nameof(SharedCode), SharedCode);
        yield return new(nameof(Email), Email);
        yield return new(nameof(NoticeTitle), NoticeTitle);
        yield return new(nameof(NoticeBody), NoticeBody);
        yield return new(nameof(NoticeReason), NoticeReason);
    }
}
