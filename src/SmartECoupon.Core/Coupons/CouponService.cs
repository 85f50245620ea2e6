using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SmartECoupon.Auditing;
using SmartECoupon.Storage;
using SmartECoupon.Tenancy;
using SmartECoupon.Validation;

namespace SmartECoupon.Coupons;

/// <summary>A coupon's image, opened for reading: dispose <see cref="Content"/> when done.</summary>
/// <param name="ContentType">The media type the image's bytes showed when it was set.</param>
/// <param name="Content">The bytes.</param>
public sealed class CouponImage(string ContentType, Stream Content)
{
    /// <summary>The media type the image's bytes showed when it was set.</summary>
    public string ContentType { get; } = ContentType;

    /// <summary>The bytes.</summary>
    public Stream Content { get; } = Content;
}

/// <summary>
/// Creates and changes the current tenant's coupons: content, status and image. Tickets are
/// <see cref="TicketService"/>'s, one-time codes <see cref="OneTimeCodeService"/>'s.
/// </summary>
public sealed class CouponService(
    ICouponRepository coupons,
    IStoreRepository stores,
    [FromKeyedServices(TenancyCaches.Key)] ITenantRepository tenants,
    ITenantContext tenantContext,
    TenantWriteGate gate,
    ICouponImageStorage images,
    TimeProvider time,
    IOptionsMonitor<SmartECouponOptions> options)
{
    private const int MaxAttempts = 5;

    /// <summary>Creates a coupon as a draft.</summary>
    public async Task<Result<Coupon>> CreateAsync(CouponDraft draft, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        if (await gate.RefusalAsync(cancellationToken).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }
        var tenant = await CurrentTenantAsync(cancellationToken).ConfigureAwait(false);
        var checkedContent = await CheckAsync(draft, tenant, cancellationToken).ConfigureAwait(false);
        if (!checkedContent.Succeeded)
        {
            return checkedContent.Failure;
        }
        var now = Instants.Now(time);
        var coupon = checkedContent.Value.ApplyTo(new Coupon
        {
            TenantId = tenant.Id,
            Id = EntityIds.New(EntityIds.CouponPrefix, now),
            Title = "",
            Benefit = "",
            Status = CouponStatus.Draft,
            CreatedAt = now,
            UpdatedAt = now,
            Version = 1,
        });
        var write = await coupons.AddAsync(coupon, Audit(actor, AuditActions.CouponCreated, coupon.Id, now), cancellationToken).ConfigureAwait(false);
        return write.Status == CouponWriteStatus.Succeeded ? coupon : SharedCodeTaken();
    }

    /// <summary>Finds a coupon.</summary>
    public Task<Coupon?> FindAsync(string couponId, CancellationToken cancellationToken = default) => coupons.FindAsync(couponId, cancellationToken);

    /// <summary>Lists coupons.</summary>
    public Task<Page<Coupon>> ListAsync(PageRequest page, CancellationToken cancellationToken = default) => coupons.ListAsync(page, cancellationToken);

    /// <summary>
    /// Changes a coupon: <paramref name="change"/> receives the coupon as a draft and returns the draft wanted; the result
    /// is checked like a new coupon. If the coupon changes at the same moment, the change is applied again to the newer
    /// version (up to a few times) rather than overwriting it.
    /// </summary>
    public async Task<Result<Coupon>> UpdateAsync(string couponId, Func<CouponDraft, CouponDraft> change, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (await gate.RefusalAsync(cancellationToken).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }
        var tenant = await CurrentTenantAsync(cancellationToken).ConfigureAwait(false);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var current = await coupons.FindAsync(couponId, cancellationToken).ConfigureAwait(false);
            if (current is null)
            {
                return Failure.NotFound;
            }
            var checkedContent = await CheckAsync(change(CouponDraft.From(current)), tenant, cancellationToken).ConfigureAwait(false);
            if (!checkedContent.Succeeded)
            {
                return checkedContent.Failure;
            }
            var now = Instants.Now(time);
            var write = await coupons.UpdateAsync(checkedContent.Value.ApplyTo(current), current.Version, Audit(actor, AuditActions.CouponUpdated, couponId, now), cancellationToken).ConfigureAwait(false);
            switch (write.Status)
            {
                case CouponWriteStatus.Succeeded:
                    return write.Coupon!;
                case CouponWriteStatus.VersionConflict:
                    continue;
                case CouponWriteStatus.NotFound:
                    return Failure.NotFound;
                case CouponWriteStatus.SharedCodeTaken:
                    return SharedCodeTaken();
                case CouponWriteStatus.TotalLimitBelowRedeemed:
                    return Failure.Invalid(FieldErrors.OutOfRange("totalLimit",
                        $"現在の利用数（{write.Coupon?.RedeemedCount}）以上", $"at least the live redemptions ({write.Coupon?.RedeemedCount})"));
                case CouponWriteStatus.InvalidTransition:
                    return ArchivedCannotChange();
                default:
                    throw new InvalidOperationException($"Unexpected coupon write status {write.Status}.");
            }
        }
        return ConcurrentChange();
    }

    /// <summary>
    /// Sets (or replaces) a coupon's image: PNG, JPEG or WebP as its bytes show, at most
    /// <see cref="CouponImageTypes.MaxBytes"/>. The file is stored outside any web root under a name without extension.
    /// </summary>
    public async Task<Result<Coupon>> SetImageAsync(string couponId, ReadOnlyMemory<byte> content, Actor actor, CancellationToken cancellationToken = default)
    {
        var tenantId = tenantContext.RequireTenantId();
        if (await gate.RefusalAsync(cancellationToken).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }
        if (content.Length > CouponImageTypes.MaxBytes || CouponImageTypes.Detect(content.Span) is not { } contentType)
        {
            return new Failure(FailureKind.Invalid, FailureCodes.UnsupportedImage, new LocalizedMessage(
                "画像は2MB以内のPNG、JPEG、WebPにしてください。", "The image must be a PNG, JPEG or WebP file of at most 2 MB."));
        }
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var current = await coupons.FindAsync(couponId, cancellationToken).ConfigureAwait(false);
            if (current is null)
            {
                return Failure.NotFound;
            }
            if (current.Status == CouponStatus.Archived)
            {
                return ArchivedCannotChange();
            }
            // The file first: a coupon never names an image that is not there (a crash leaves at worst an unused file,
            // which the tenant's purge removes with the folder).
            await images.SaveAsync(tenantId, couponId, content, cancellationToken).ConfigureAwait(false);
            var now = Instants.Now(time);
            var write = await coupons.UpdateAsync(current with { ImageContentType = contentType }, current.Version,
                Audit(actor, AuditActions.CouponImageSet, couponId, now), cancellationToken).ConfigureAwait(false);
            switch (write.Status)
            {
                case CouponWriteStatus.Succeeded:
                    return write.Coupon!;
                case CouponWriteStatus.VersionConflict:
                    continue;
                case CouponWriteStatus.NotFound:
                    return Failure.NotFound;
                case CouponWriteStatus.InvalidTransition:
                    return ArchivedCannotChange();
                default:
                    throw new InvalidOperationException($"Unexpected coupon write status {write.Status}.");
            }
        }
        return ConcurrentChange();
    }

    /// <summary>
    /// Opens a coupon's image for anyone who has the coupon's public handle (the coupon page shows it): its media type, as
    /// sniffed when it was set, and its bytes. <see langword="null"/> when the coupon has no image.
    /// </summary>
    public async Task<CouponImage?> OpenImageAsync(string couponId, CancellationToken cancellationToken = default)
    {
        var tenantId = tenantContext.RequireTenantId();
        if (await coupons.FindAsync(couponId, cancellationToken).ConfigureAwait(false) is not { ImageContentType: { } contentType })
        {
            return null;
        }
        return await images.OpenAsync(tenantId, couponId, cancellationToken).ConfigureAwait(false) is { } content ? new CouponImage(contentType, content) : null;
    }

    /// <summary>Publishes a draft or paused coupon, within the plan's published-coupon limit.</summary>
    public Task<Result<Coupon>> PublishAsync(string couponId, Actor actor, CancellationToken cancellationToken = default) =>
        ChangeStatusAsync(couponId, CouponStatus.Published, AuditActions.CouponPublished, actor, cancellationToken);

    /// <summary>Pauses a published coupon.</summary>
    public Task<Result<Coupon>> PauseAsync(string couponId, Actor actor, CancellationToken cancellationToken = default) =>
        ChangeStatusAsync(couponId, CouponStatus.Paused, AuditActions.CouponPaused, actor, cancellationToken);

    /// <summary>Archives a coupon for good.</summary>
    public Task<Result<Coupon>> ArchiveAsync(string couponId, Actor actor, CancellationToken cancellationToken = default) =>
        ChangeStatusAsync(couponId, CouponStatus.Archived, AuditActions.CouponArchived, actor, cancellationToken);

    private async Task<Result<Coupon>> ChangeStatusAsync(string couponId, CouponStatus status, string action, Actor actor, CancellationToken cancellationToken)
    {
        if (await gate.RefusalAsync(cancellationToken).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }
        var tenant = await CurrentTenantAsync(cancellationToken).ConfigureAwait(false);
        var publishedLimit = options.CurrentValue.Plans.For(tenant.Plan).PublishedCoupons;
        var write = await coupons.ChangeStatusAsync(couponId, status, publishedLimit, Audit(actor, action, couponId, Instants.Now(time)), cancellationToken).ConfigureAwait(false);
        return write.Status switch
        {
            CouponWriteStatus.Succeeded => write.Coupon!,
            CouponWriteStatus.NotFound => Failure.NotFound,
            CouponWriteStatus.PlanLimitReached => Failure.PlanLimit("公開中クーポン数", "published coupons"),
            CouponWriteStatus.InvalidTransition => Failure.Conflict(FailureCodes.InvalidStatusTransition,
                $"現在の状態（{write.Coupon?.Status}）からは変更できません。", $"A {write.Coupon?.Status} coupon cannot become {status}."),
            _ => ConcurrentChange(),
        };
    }

    private async Task<Result<CouponContent>> CheckAsync(CouponDraft draft, Tenant tenant, CancellationToken cancellationToken)
    {
        var content = CouponRules.Validate(draft, options.CurrentValue.Fields, TenantTimeZones.Find(tenant.TimeZoneId), out var errors);
        if (errors.Count > 0)
        {
            return Failure.Invalid(errors);
        }
        if (content.StoreIds.Count > 0)
        {
            var existing = await stores.FindExistingAsync(content.StoreIds.ToList(), cancellationToken).ConfigureAwait(false);
            if (existing.Count != content.StoreIds.Count)
            {
                return Failure.Invalid(new ValidationError("storeIds", FailureCodes.NotFound,
                    new LocalizedMessage("storeIds に存在しない店舗が含まれています。", "storeIds names stores that do not exist.")));
            }
        }
        return content;
    }

    private ValueTask<Tenant> CurrentTenantAsync(CancellationToken cancellationToken) => tenants.FindCurrentAsync(tenantContext, cancellationToken);

    private AuditEntry Audit(Actor actor, string action, string couponId, DateTimeOffset at) =>
        AuditEntry.Create(tenantContext.RequireTenantId(), actor, action, AuditTargets.Coupon, couponId, at);

    private static Failure SharedCodeTaken() => Failure.Invalid(new ValidationError("sharedCode", FailureCodes.AlreadyExists,
        new LocalizedMessage("この共通コードは別のクーポンで使われています。", "Another coupon of the tenant uses this shared code.")));

    private static Failure ConcurrentChange() => Failure.Conflict(FailureCodes.VersionConflict, "クーポンが同時に更新されました。もう一度お試しください。", "The coupon was changed at the same time; try again.");

    private static Failure ArchivedCannotChange() => CouponFailures.ArchivedCannotChange;
}

/// <summary>The failures the coupon services share.</summary>
internal static class CouponFailures
{
    /// <summary>An archived coupon takes no change, and no new codes.</summary>
    public static Failure ArchivedCannotChange { get; } = Failure.Conflict(FailureCodes.InvalidStatusTransition,
        "アーカイブ済みのクーポンは変更できません。", "An archived coupon cannot be changed.");
}
