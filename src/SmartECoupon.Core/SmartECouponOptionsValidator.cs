using Microsoft.Extensions.Options;
using SmartECoupon.Coupons;
using SmartECoupon.Idempotency;
using SmartECoupon.Tenancy;

namespace SmartECoupon;

/// <summary>
/// Checks <see cref="SmartECouponOptions"/> as a whole when the host starts, and names every bad setting at once.
/// Hand-written rather than DataAnnotations: the rules cross fields (a minimum below a maximum, a zone that must
/// exist on this machine) and stay trim-safe.
/// </summary>
internal sealed class SmartECouponOptionsValidator : IValidateOptions<SmartECouponOptions>
{
    public ValidateOptionsResult Validate(string? name, SmartECouponOptions options)
    {
        var failures = new List<string>();

        if (!TenantTimeZones.TryFind(options.DefaultTimeZoneId, out _))
        {
            failures.Add($"DefaultTimeZoneId: the time zone '{options.DefaultTimeZoneId}' does not exist on this machine.");
        }

        if (options.Codes.Length is < CouponCodeOptions.MinLength or > CouponCodeOptions.MaxLength)
        {
            failures.Add($"Codes:Length must be between {CouponCodeOptions.MinLength} and {CouponCodeOptions.MaxLength} (was {options.Codes.Length}).");
        }

        if (options.Codes.BatchSize is < 100 or > 1_000_000)
        {
            failures.Add($"Codes:BatchSize must be between 100 and 1,000,000 (was {options.Codes.BatchSize}).");
        }
        if (options.Codes.MaxCodesPerRequest < 1)
        {
            failures.Add($"Codes:MaxCodesPerRequest must be at least 1 (was {options.Codes.MaxCodesPerRequest}).");
        }

        foreach (var plan in Enum.GetValues<TenantPlan>())
        {
            var limits = options.Plans.For(plan);
            foreach (var resource in Enum.GetValues<PlanResource>())
            {
                if (limits.CapFor(resource) is < 0)
                {
                    failures.Add($"Plans:{plan}:{resource} must be zero or more, or empty for no limit.");
                }
            }
            if (limits.ConcurrentRequests < 1)
            {
                failures.Add($"Plans:{plan}:ConcurrentRequests must be at least 1 (was {limits.ConcurrentRequests}).");
            }
        }
        if (options.Plans.Free.Members is 0 || options.Plans.Standard.Members is 0 || options.Plans.Premium.Members is 0)
        {
            failures.Add("Plans:*:Members must be at least 1: every tenant starts with its first administrator.");
        }

        if (options.Idempotency.Retention < IdempotencyOptions.MinimumRetention)
        {
            failures.Add($"Idempotency:Retention must be at least {IdempotencyOptions.MinimumRetention} (was {options.Idempotency.Retention}): the contract promises replays for 24 hours.");
        }
        if (options.Idempotency.InFlightLease < TimeSpan.FromSeconds(1) || options.Idempotency.InFlightLease > TimeSpan.FromMinutes(10))
        {
            failures.Add($"Idempotency:InFlightLease must be between 1 second and 10 minutes (was {options.Idempotency.InFlightLease}).");
        }

        foreach (var (field, policy) in options.Fields.All())
        {
            if (policy.MinLength < 0 || policy.MaxLength < 1 || policy.MinLength > policy.MaxLength)
            {
                failures.Add($"Fields:{field}: MinLength ({policy.MinLength}) and MaxLength ({policy.MaxLength}) must satisfy 0 <= MinLength <= MaxLength, MaxLength >= 1.");
            }
            if (policy.MaxUtf16Length is { } cap && cap < policy.MaxLength)
            {
                failures.Add($"Fields:{field}: MaxUtf16Length ({cap}) cannot be below MaxLength ({policy.MaxLength}).");
            }
            if (policy.MaxCp932Bytes is < 1)
            {
                failures.Add($"Fields:{field}: MaxCp932Bytes ({policy.MaxCp932Bytes}) must be at least 1, or empty for no byte cap.");
            }
            if (policy.AllowedCharacters == SmartECoupon.Validation.CharacterClasses.None)
            {
                failures.Add($"Fields:{field}: AllowedCharacters is None, so no value could ever pass; name the classes the field allows (or Any).");
            }
        }

        if (options.SignIn.MaxFailures < 1 || options.SignIn.Lockout <= TimeSpan.Zero || options.SignIn.MinPasswordLength is < 8 or > 128)
        {
            failures.Add("SignIn: MaxFailures must be at least 1, Lockout positive, MinPasswordLength between 8 and 128.");
        }
        if (options.LookupGuard.MaxFailures < 1 || options.LookupGuard.Window <= TimeSpan.Zero)
        {
            failures.Add("LookupGuard: MaxFailures must be at least 1 and Window positive.");
        }

        var portability = options.Portability;
        if (portability.MaxImportBytes < 1024 || portability.MaxImportRows < 1 || portability.MaxReportedErrors < 1)
        {
            failures.Add("Portability: MaxImportBytes must be at least 1024, MaxImportRows and MaxReportedErrors at least 1.");
        }

        failures.AddRange(SmartECoupon.Calendar.BusinessCalendar.Validate(options.Calendar).Select(p => "Calendar:" + p));
        if (options.Retention.PurgeAfterBusinessDays is < 1 or > 60)
        {
            failures.Add($"Retention:PurgeAfterBusinessDays must be between 1 and 60 (was {options.Retention.PurgeAfterBusinessDays}).");
        }
        if (options.Retention.BackupGenerations is < 1 or > 365)
        {
            failures.Add($"Retention:BackupGenerations must be between 1 and 365 (was {options.Retention.BackupGenerations}).");
        }
        if (options.Retention.AuditRetention is { } audit && audit < TimeSpan.FromDays(1))
        {
            failures.Add("Retention:AuditRetention must be at least one day, or empty to keep entries until the tenant is purged.");
        }
        if (string.IsNullOrWhiteSpace(options.Backups.Folder) || string.IsNullOrWhiteSpace(options.Uploads.Folder))
        {
            failures.Add("Backups:Folder and Uploads:Folder must name folders.");
        }
        if (!TimeOnly.TryParseExact(options.Backups.DailyAt, "HH:mm", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out _))
        {
            failures.Add($"Backups:DailyAt must be HH:mm (was '{options.Backups.DailyAt}').");
        }
        if (!TenantTimeZones.TryFind(options.Backups.TimeZoneId, out _))
        {
            failures.Add($"Backups:TimeZoneId: the time zone '{options.Backups.TimeZoneId}' does not exist on this machine.");
        }
        if (options.Backups.LeaseDuration < TimeSpan.FromMinutes(1))
        {
            failures.Add("Backups:LeaseDuration must be at least one minute.");
        }
        if (options.Availability.TargetPercent is <= 0 or > 100 || options.Availability.MinimumOutage < TimeSpan.Zero)
        {
            failures.Add("Availability:TargetPercent must be in (0, 100] and MinimumOutage not negative.");
        }

        if (options.ApiKeys.CacheDuration < TimeSpan.Zero || options.ApiKeys.CacheDuration > TimeSpan.FromMinutes(5))
        {
            failures.Add($"ApiKeys:CacheDuration must be between 0 and 5 minutes (was {options.ApiKeys.CacheDuration}): a removed key keeps working in other processes for that long.");
        }
        if (options.ConcurrencyRetryAfter < TimeSpan.FromSeconds(1))
        {
            failures.Add("ConcurrencyRetryAfter must be at least 1 second: Retry-After is sent in whole seconds.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
