using Microsoft.Extensions.DependencyInjection;
using SmartECoupon.Coupons;
using SmartECoupon.Redemptions;
using SmartECoupon.Tenancy;

// Register SmartECoupon; its options are checked when the provider starts.
using var services = new ServiceCollection().AddSmartECoupon().Services.BuildServiceProvider();

// A coupon: checked and normalised by the input rules. A date alone means that whole day in the tenant's zone.
var draft = new CouponDraft
{
    Title = "秋のドリンクフェア",
    Benefit = "ドリンク1杯無料",
    ValidUntil = ValidityBound.FromDate(new DateOnly(2099, 12, 31)),
    TotalLimit = 100,
};
var content = CouponRules.Validate(draft, new(), TenantTimeZones.Find("Asia/Tokyo"), out var errors);
if (errors.Count > 0)
{
    throw new InvalidOperationException(string.Join(", ", errors.Select(e => e.Code)));
}
var coupon = content.ApplyTo(new Coupon { TenantId = "tnt_demo", Id = "cpn_demo", Title = "", Benefit = "" }) with
{
    Status = CouponStatus.Published,
};

// A one-time code from the look-alike-free alphabet; typed in lower case and full width, it still matches.
var code = services.GetRequiredService<CouponCodeGenerator>().Next();
var typed = string.Concat(code.ToLowerInvariant().Select(c => (char)(c + 0xFEE0)));
Console.WriteLine($"code {code} typed as {typed} matches: {CouponCodes.Normalize(typed) == code}");

// The redemption rules, in the contract's order, answer with a reason code instead of throwing.
var snapshot = new RedemptionSnapshot
{
    Coupon = coupon,
    Method = RedemptionMethod.OneTimeCode,
    OneTimeCode = new OneTimeCode { TenantId = coupon.TenantId, Code = code, CouponId = coupon.Id },
};
Console.WriteLine($"now: {RedemptionRules.Evaluate(snapshot, storeId: null, DateTimeOffset.UtcNow)?.ToCode() ?? "redeemable"}");
Console.WriteLine($"sold out: {RedemptionRules.Evaluate(snapshot with { Coupon = coupon with { RedeemedCount = 100 } }, null, DateTimeOffset.UtcNow)?.ToCode()}");
