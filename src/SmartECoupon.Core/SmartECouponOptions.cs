using SmartECoupon.Calendar;
using SmartECoupon.Coupons;
using SmartECoupon.Idempotency;
using SmartECoupon.Operations;
using SmartECoupon.Retention;
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

    /// <summary>The business calendar (support hours, and the business days that count toward a purge).</summary>
    public BusinessCalendarOptions Calendar { get; } = new();

    /// <summary>How long data is kept.</summary>
    public RetentionOptions Retention { get; } = new();

    /// <summary>Backups.</summary>
    public BackupOptions Backups { get; } = new();

    /// <summary>Uploaded files.</summary>
    public UploadOptions Uploads { get; } = new();

    /// <summary>API keys: how long one that checked out is remembered.</summary>
    public ApiKeyOptions ApiKeys { get; } = new();

    /// <summary>Sign-in to admin screens: lockout and password length.</summary>
    public SignInOptions SignIn { get; } = new();

    /// <summary>The brute-force guard on code and token look-ups.</summary>
    public SmartECoupon.Redemptions.LookupGuardOptions LookupGuard { get; } = new();

    /// <summary>CSV export and import.</summary>
    public SmartECoupon.Portability.PortabilityOptions Portability { get; } = new();

    /// <summary>The availability report.</summary>
    public AvailabilityOptions Availability { get; } = new();

    /// <summary>What a request refused by the per-tenant concurrency limit is told to wait. Default 1 second.</summary>
    public TimeSpan ConcurrencyRetryAfter { get; set; } = TimeSpan.FromSeconds(1);
}
