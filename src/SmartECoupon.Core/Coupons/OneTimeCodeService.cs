using Microsoft.Extensions.Options;
using SmartECoupon.Auditing;
using SmartECoupon.Storage;
using SmartECoupon.Tenancy;
using SmartECoupon.Validation;

namespace SmartECoupon.Coupons;

/// <summary>Generates and lists the one-time codes of the current tenant's coupons.</summary>
public sealed class OneTimeCodeService(
    ICouponRepository coupons,
    IOneTimeCodeRepository oneTimeCodes,
    TenantWriteGate gate,
    CouponCodeGenerator codeGenerator,
    TimeProvider time,
    IOptionsMonitor<SmartECouponOptions> options)
{
    private const int MaxAttempts = 5;

    /// <summary>Lists a coupon's one-time codes, in code order; <c>not_found</c> when the tenant has no such coupon.</summary>
    public async Task<Result<Page<OneTimeCode>>> ListAsync(string couponId, PageRequest page, CancellationToken cancellationToken = default) =>
        await coupons.FindAsync(couponId, cancellationToken).ConfigureAwait(false) is null
            ? Failure.NotFound
            : await oneTimeCodes.ListAsync(couponId, page, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Generates <paramref name="count"/> one-time codes for a coupon, in short batches so that other writes go on
    /// meanwhile. Codes the tenant already has are replaced, so exactly <paramref name="count"/> new codes exist after.
    /// </summary>
    public Task<Result<int>> GenerateAsync(string couponId, int count, Actor actor, IProgress<int>? progress = null, CancellationToken cancellationToken = default) =>
        GenerateAsync(couponId, count, actor, writeAudit: true, progress, cancellationToken);

    /// <summary>The generation, with or without its audit entry (a code job writes its entry when it is queued).</summary>
    internal async Task<Result<int>> GenerateAsync(string couponId, int count, Actor actor, bool writeAudit, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        if (await gate.RefusalAsync(cancellationToken).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }
        var settings = options.CurrentValue.Codes;
        if (count < 1 || count > settings.MaxCodesPerRequest)
        {
            return Failure.Invalid(FieldErrors.OutOfRange("count", $"1 以上 {settings.MaxCodesPerRequest} 以下", $"between 1 and {settings.MaxCodesPerRequest}"));
        }
        var coupon = await coupons.FindAsync(couponId, cancellationToken).ConfigureAwait(false);
        if (coupon is null)
        {
            return Failure.NotFound;
        }
        if (coupon.Status == CouponStatus.Archived)
        {
            return CouponFailures.ArchivedCannotChange;
        }
        var generated = 0;
        var fruitless = 0;
        var audit = writeAudit ? AuditEntry.Create(coupon.TenantId, actor, AuditActions.CodesGenerated, AuditTargets.Coupon, couponId, Instants.Now(time)) : null;
        while (generated < count)
        {
            var batch = codeGenerator.NextDistinct(Math.Min(count - generated, settings.BatchSize));
            var inserted = await oneTimeCodes.AddBatchAsync(couponId, batch, Instants.Now(time), audit, cancellationToken).ConfigureAwait(false);
            audit = null; // one entry for the whole generation, written with its first batch
            generated += inserted;
            fruitless = inserted == 0 ? fruitless + 1 : 0;
            if (fruitless >= MaxAttempts)
            {
                throw new InvalidOperationException("Generated codes keep colliding with stored ones; the code length is too short for the codes in use.");
            }
            progress?.Report(generated);
        }
        return generated;
    }
}
