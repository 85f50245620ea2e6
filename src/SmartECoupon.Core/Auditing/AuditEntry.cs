namespace SmartECoupon.Auditing;

/// <summary>What kind of actor did something.</summary>
public enum ActorKind
{
    /// <summary>A platform operator.</summary>
    Operator,
    /// <summary>A tenant member.</summary>
    Member,
    /// <summary>An anonymous confirmation on the coupon page (the actor id is <c>page</c>).</summary>
    Page,
    /// <summary>The system itself (a scheduled job).</summary>
    System,
}

/// <summary>Who did something: every write names its actor, and audit entries record it.</summary>
/// <param name="Kind">The kind of actor.</param>
/// <param name="Id">The operator or member identifier, <c>page</c>, or the job's name.</param>
public readonly record struct Actor(ActorKind Kind, string Id)
{
    /// <summary>The actor of a use confirmed on the coupon page without a key.</summary>
    public static Actor Page { get; } = new(ActorKind.Page, "page");

    /// <summary>A member.</summary>
    public static Actor Member(string memberId) => new(ActorKind.Member, memberId);

    /// <summary>An operator.</summary>
    public static Actor Operator(string operatorId) => new(ActorKind.Operator, operatorId);

    /// <summary>A system job.</summary>
    public static Actor System(string jobName) => new(ActorKind.System, jobName);

    /// <summary>The member id to record as the one who confirmed a use: the member's, or <see langword="null"/> for anyone else.</summary>
    public string? MemberId => Kind == ActorKind.Member ? Id : null;
}

/// <summary>
/// One write, as the audit log keeps it: when, who, what action, on what. Entries name people only by identifier and
/// hold no codes, keys or personal data; they cannot be changed.
/// </summary>
public sealed record AuditEntry
{
    /// <summary>The tenant the write touched.</summary>
    public required string TenantId { get; init; }

    /// <summary>The entry identifier (<c>aud_…</c>).</summary>
    public required string Id { get; init; }

    /// <summary>When the write happened.</summary>
    public DateTimeOffset At { get; init; }

    /// <summary>The kind of actor.</summary>
    public ActorKind ActorKind { get; init; }

    /// <summary>The actor's identifier (a member or operator id, or <c>page</c>).</summary>
    public required string ActorId { get; init; }

    /// <summary>What was done, from <see cref="AuditActions"/>.</summary>
    public required string Action { get; init; }

    /// <summary>The kind of object written, from <see cref="AuditTargets"/>.</summary>
    public required string TargetType { get; init; }

    /// <summary>The identifier of the object written.</summary>
    public required string TargetId { get; init; }

    /// <summary>Creates an entry for a write by <paramref name="actor"/> in <paramref name="tenantId"/>.</summary>
    public static AuditEntry Create(string tenantId, Actor actor, string action, string targetType, string targetId, DateTimeOffset at)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentException.ThrowIfNullOrEmpty(actor.Id, nameof(actor));
        ArgumentException.ThrowIfNullOrEmpty(action);
        ArgumentException.ThrowIfNullOrEmpty(targetType);
        ArgumentException.ThrowIfNullOrEmpty(targetId);
        return new AuditEntry
        {
            TenantId = tenantId,
            Id = EntityIds.New(EntityIds.AuditEntryPrefix, at),
            At = at,
            ActorKind = actor.Kind,
            ActorId = actor.Id,
            Action = action,
            TargetType = targetType,
            TargetId = targetId,
        };
    }
}

/// <summary>The kinds of objects audit entries name.</summary>
public static class AuditTargets
{
    /// <summary>A tenant.</summary>
    public const string Tenant = "tenant";
    /// <summary>A member.</summary>
    public const string Member = "member";
    /// <summary>A store.</summary>
    public const string Store = "store";
    /// <summary>A coupon.</summary>
    public const string Coupon = "coupon";
    /// <summary>A ticket.</summary>
    public const string Ticket = "ticket";
    /// <summary>A redemption.</summary>
    public const string Redemption = "redemption";
    /// <summary>The tenant's settings.</summary>
    public const string Settings = "settings";
}

/// <summary>The actions audit entries record.</summary>
public static class AuditActions
{
    /// <summary>A tenant was created.</summary>
    public const string TenantCreated = "tenant.created";
    /// <summary>A tenant was cancelled.</summary>
    public const string TenantCancelled = "tenant.cancelled";
    /// <summary>A member was created.</summary>
    public const string MemberCreated = "member.created";
    /// <summary>A member was deleted.</summary>
    public const string MemberDeleted = "member.deleted";
    /// <summary>A member's key was rotated.</summary>
    public const string MemberKeyRotated = "member.key_rotated";
    /// <summary>A member set their password.</summary>
    public const string MemberPasswordSet = "member.password_set";
    /// <summary>A member signed in on the admin pages.</summary>
    public const string MemberSignedIn = "member.signed_in";
    /// <summary>A member signed out of the admin pages, which ended every session they had.</summary>
    public const string MemberSignedOut = "member.signed_out";
    /// <summary>A store was created.</summary>
    public const string StoreCreated = "store.created";
    /// <summary>A coupon was created.</summary>
    public const string CouponCreated = "coupon.created";
    /// <summary>A coupon was changed.</summary>
    public const string CouponUpdated = "coupon.updated";
    /// <summary>A coupon was published.</summary>
    public const string CouponPublished = "coupon.published";
    /// <summary>A coupon was paused.</summary>
    public const string CouponPaused = "coupon.paused";
    /// <summary>A coupon was archived.</summary>
    public const string CouponArchived = "coupon.archived";
    /// <summary>A coupon's image was set.</summary>
    public const string CouponImageSet = "coupon.image_set";
    /// <summary>A ticket was issued.</summary>
    public const string TicketIssued = "ticket.issued";
    /// <summary>One-time codes were generated.</summary>
    public const string CodesGenerated = "coupon.codes_generated";
    /// <summary>Coupons were imported.</summary>
    public const string CouponsImported = "coupon.imported";
    /// <summary>A coupon was used.</summary>
    public const string Redeemed = "redemption.created";
    /// <summary>A use was voided.</summary>
    public const string Voided = "redemption.voided";
    /// <summary>The tenant's theme was changed.</summary>
    public const string ThemeUpdated = "settings.theme_updated";
}
