using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SmartECoupon.Auditing;
using SmartECoupon.Storage;
using SmartECoupon.Tenancy;
using SmartECoupon.Validation;

namespace SmartECoupon.Coupons;

/// <summary>A ticket handed to a user, and whether it was new.</summary>
/// <param name="Ticket">The ticket.</param>
/// <param name="Coupon">Its coupon.</param>
/// <param name="Created">Whether the ticket was issued now (<see langword="false"/>: the user already had it).</param>
public sealed record TicketIssuance(Ticket Ticket, Coupon Coupon, bool Created);

/// <summary>A coupon's image, opened for reading: dispose <see cref="Content"/> when done.</summary>
/// <param name="ContentType">The media type the image's bytes showed when it was set.</param>
/// <param name="Content">The bytes.</param>
public sealed record CouponImage(string ContentType, Stream Content);

/// <summary>Creates and changes the current tenant's coupons, hands out tickets and generates one-time codes.</summary>
public sealed class CouponService(
    ICouponRepository coupons,
    ITicketRepository tickets,
    IOneTimeCodeRepository oneTimeCodes,
    IStoreRepository stores,
    [FromKeyedServices(TenancyCaches.Key)] ITenantRepository tenants,
    ITenantContext tenantContext,
    TenantWriteGate gate,
    CouponCodeGenerator codeGenerator,
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

    /// <summary>Lists a coupon's one-time codes, in code order; <c>not_found</c> when the tenant has no such coupon.</summary>
    public async Task<Result<Page<OneTimeCode>>> ListCodesAsync(string couponId, PageRequest page, CancellationToken cancellationToken = default) =>
        await coupons.FindAsync(couponId, cancellationToken).ConfigureAwait(false) is null
            ? Failure.NotFound
            : await oneTimeCodes.ListAsync(couponId, page, cancellationToken).ConfigureAwait(false);

    /// <summary>Finds a ticket of the current tenant by its page token.</summary>
    public Task<Ticket?> FindTicketByTokenAsync(string token, CancellationToken cancellationToken = default) => tickets.FindByTokenAsync(token, cancellationToken);

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

    /// <summary>
    /// Hands a user their ticket for a coupon: a new one, or the one they already have (one ticket per user and coupon,
    /// even when the same user asks twice at the same moment).
    /// </summary>
    public async Task<Result<TicketIssuance>> IssueTicketAsync(string couponId, string? userKey, Actor actor, CancellationToken cancellationToken = default)
    {
        if (await gate.RefusalAsync(cancellationToken).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }
        var errors = new List<ValidationError>();
        var user = options.CurrentValue.Fields.UserKey.Apply("userKey", userKey, errors);
        if (errors.Count > 0)
        {
            return Failure.Invalid(errors);
        }
        var coupon = await coupons.FindAsync(couponId, cancellationToken).ConfigureAwait(false);
        if (coupon is null)
        {
            return Failure.NotFound;
        }
        var issued = await GetOrIssueTicketAsync(coupon, user!, actor, cancellationToken).ConfigureAwait(false);
        return new TicketIssuance(issued.Ticket!, issued.Status == TicketIssueStatus.Created ? coupon with { IssuedCount = coupon.IssuedCount + 1 } : coupon, issued.Status == TicketIssueStatus.Created);
    }

    /// <summary>Issues (or finds) a user's ticket; used by redemption with a shared code too.</summary>
    internal async Task<TicketIssue> GetOrIssueTicketAsync(Coupon coupon, string userKey, Actor actor, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var now = Instants.Now(time);
            var candidate = new Ticket
            {
                TenantId = coupon.TenantId,
                Id = EntityIds.New(EntityIds.TicketPrefix, now),
                CouponId = coupon.Id,
                UserKey = userKey,
                Token = TicketTokens.New(),
                Code = codeGenerator.Next(),
                CreatedAt = now,
            };
            var issue = await tickets.GetOrAddAsync(candidate, Audit(actor, AuditActions.TicketIssued, candidate.Id, now), cancellationToken).ConfigureAwait(false);
            if (issue.Status != TicketIssueStatus.CodeTaken)
            {
                return issue;
            }
        }
        throw new InvalidOperationException("No free ticket code was found in several attempts; the code length is too short for the codes in use.");
    }

    /// <summary>
    /// Generates <paramref name="count"/> one-time codes for a coupon, in short batches so that other writes go on
    /// meanwhile. Codes the tenant already has are replaced, so exactly <paramref name="count"/> new codes exist after.
    /// </summary>
    public Task<Result<int>> GenerateCodesAsync(string couponId, int count, Actor actor, IProgress<int>? progress = null, CancellationToken cancellationToken = default) =>
        GenerateCodesAsync(couponId, count, actor, writeAudit: true, progress, cancellationToken);

    /// <summary>The generation, with or without its audit entry (a code job writes its entry when it is queued).</summary>
    internal async Task<Result<int>> GenerateCodesAsync(string couponId, int count, Actor actor, bool writeAudit, IProgress<int>? progress, CancellationToken cancellationToken)
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
            return ArchivedCannotChange();
        }
        var generated = 0;
        var fruitless = 0;
        var audit = writeAudit ? Audit(actor, AuditActions.CodesGenerated, couponId, Instants.Now(time)) : null;
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

    private AuditEntry Audit(Actor actor, string action, string couponOrTicketId, DateTimeOffset at) =>
        AuditEntry.Create(tenantContext.RequireTenantId(), actor, action,
            couponOrTicketId.StartsWith(EntityIds.TicketPrefix + "_", StringComparison.Ordinal) ? AuditTargets.Ticket : AuditTargets.Coupon,
            couponOrTicketId, at);

    private static Failure SharedCodeTaken() => Failure.Invalid(new ValidationError("sharedCode", FailureCodes.AlreadyExists,
        new LocalizedMessage("この共通コードは別のクーポンで使われています。", "Another coupon of the tenant uses this shared code.")));

    private static Failure ConcurrentChange() => Failure.Conflict(FailureCodes.VersionConflict, "クーポンが同時に更新されました。もう一度お試しください。", "The coupon was changed at the same time; try again.");

    private static Failure ArchivedCannotChange() => Failure.Conflict(FailureCodes.InvalidStatusTransition,
        "アーカイブ済みのクーポンは変更できません。", "An archived coupon cannot be changed.");
}
