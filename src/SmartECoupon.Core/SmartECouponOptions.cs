using SmartECoupon.Coupons;
using SmartECoupon.Idempotency;
using SmartECoupon.Tenancy;
using SmartECoupon.Validation;

namespace SmartECoupon;

/// <summary>
/// Everything about SmartECoupon that a host can configure, in code (<c>AddSmartECoupon(o => …)</c>) or from the
/// <c>SmartECoupon</c> configuration section. Checked when the host starts: a bad value stops the start with a
/// message naming the setting, rather than surfacing at the first request.
/// </summary>
public sealed class SmartECouponOptions
{
    /// <summary>The configuration section the options are read from by default.</summary>
    public const string SectionName = "SmartECoupon";

    /// <summary>The time zone of new tenants (an IANA id). Default <c>Asia/Tokyo</c>.</summary>
    public string DefaultTimeZoneId { get; set; } = TenantTimeZones.Default;

    /// <summary>Generated codes.</summary>
    public CouponCodeOptions Codes { get; } = new();

    /// <summary>The limits of each plan.</summary>
    public PlanLimitOptions Plans { get; } = new();

    /// <summary>The idempotency layer.</summary>
    public IdempotencyOptions Idempotency { get; } = new();

    /// <summary>The policy of every text field.</summary>
    public InputPolicyOptions Fields { get; } = new();

    /// <summary>What a request refused by the per-tenant concurrency limit is told to wait. Default 1 second.</summary>
    public TimeSpan ConcurrencyRetryAfter { get; set; } = TimeSpan.FromSeconds(1);
}
