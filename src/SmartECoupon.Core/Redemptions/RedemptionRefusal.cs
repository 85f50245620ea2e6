namespace SmartECoupon.Redemptions;

/// <summary>
/// Why a redemption was refused. The rules are checked in this order and the first that fails is the answer.
/// Each has a stable code (<see cref="RedemptionRefusals.ToCode"/>) that the HTTP contract uses.
/// </summary>
public enum RedemptionRefusal
{
    /// <summary>The coupon is not published (<c>coupon_not_active</c>).</summary>
    CouponNotActive = 1,
    /// <summary>The coupon's validity has not started (<c>not_yet_valid</c>).</summary>
    NotYetValid,
    /// <summary>The coupon's validity has ended (<c>expired</c>).</summary>
    Expired,
    /// <summary>The coupon names stores and the use is elsewhere or names none (<c>store_not_allowed</c>).</summary>
    StoreNotAllowed,
    /// <summary>The ticket has no use left, or the one-time code has been used (<c>ticket_already_used</c>).</summary>
    TicketAlreadyUsed,
    /// <summary>The user has used the coupon as often as allowed (<c>per_user_limit_reached</c>).</summary>
    PerUserLimitReached,
    /// <summary>The coupon has been used as often as allowed across everyone (<c>total_limit_reached</c>).</summary>
    TotalLimitReached,
}

/// <summary>The stable codes of <see cref="RedemptionRefusal"/>.</summary>
public static class RedemptionRefusals
{
    private static readonly string[] Codes =
    [
        "",
        FailureCodes.CouponNotActive,
        FailureCodes.NotYetValid,
        FailureCodes.Expired,
        FailureCodes.StoreNotAllowed,
        FailureCodes.TicketAlreadyUsed,
        FailureCodes.PerUserLimitReached,
        FailureCodes.TotalLimitReached,
    ];

    /// <summary>Every refusal, in the order the rules are checked.</summary>
    public static IReadOnlyList<RedemptionRefusal> InOrder { get; } =
        Enum.GetValues<RedemptionRefusal>().OrderBy(r => (int)r).ToArray();

    /// <summary>The refusal's stable snake_case code.</summary>
    public static string ToCode(this RedemptionRefusal refusal)
    {
        var index = (int)refusal;
        if (index <= 0 || index >= Codes.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(refusal), refusal, null);
        }
        return Codes[index];
    }


    /// <summary>What a refusal means, for people: in Japanese and English.</summary>
    public static Validation.LocalizedMessage MessageOf(this RedemptionRefusal refusal) => refusal switch
    {
        RedemptionRefusal.CouponNotActive => new("このクーポンは現在ご利用いただけません。", "This coupon is not active."),
        RedemptionRefusal.NotYetValid => new("このクーポンはまだ利用期間前です。", "This coupon is not valid yet."),
        RedemptionRefusal.Expired => new("このクーポンは有効期限が切れています。", "This coupon has expired."),
        RedemptionRefusal.StoreNotAllowed => new("このクーポンはこの店舗ではご利用いただけません。", "This coupon cannot be used at this store."),
        RedemptionRefusal.TicketAlreadyUsed => new("このクーポンは使用済みです。", "This ticket has already been used."),
        RedemptionRefusal.PerUserLimitReached => new("お一人様の利用回数の上限に達しています。", "The user has reached the coupon's per-user limit."),
        RedemptionRefusal.TotalLimitReached => new("このクーポンは利用上限に達しました。", "The coupon's total limit has been reached."),
        _ => throw new ArgumentOutOfRangeException(nameof(refusal), refusal, null),
    };

    /// <summary>Reads a refusal from its code.</summary>
    public static bool TryParse(string? code, out RedemptionRefusal refusal)
    {
        var index = code is null ? -1 : Array.IndexOf(Codes, code);
        refusal = index > 0 ? (RedemptionRefusal)index : default;
        return index > 0;
    }
}
