namespace SmartECoupon.Storage.EfCore.Rows;

// The adapter's own persistence shapes. Core's records stay immutable and free of persistence concerns; these
// classes are what EF Core tracks and what the tables hold. Stores translate between the two (RowMapping.cs).

/// <summary>A row of tenant data: it belongs to one tenant, and the tenant leads its keys.</summary>
internal interface ITenantRow
{
    string TenantId { get; set; }
}

internal sealed class TenantRow : ITenantRow
{
    public string TenantId { get; set; } = "";
    public string? Name { get; set; }
    public string Plan { get; set; } = "";
    public string Status { get; set; } = "";
    public string TimeZoneId { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateOnly? CancelledOn { get; set; }
    public DateOnly? PurgeDueOn { get; set; }
    public DateTimeOffset? PurgedAt { get; set; }

    // Plan counters, changed only by guarded statements (see TenantCounters).
    public int MemberCount { get; set; }
    public int StoreCount { get; set; }
    public int PublishedCouponCount { get; set; }
}

internal sealed class OperatorRow
{
    public string Id { get; set; } = "";
    public string DisplayName { get; set; } = "";
    public string ApiKeyId { get; set; } = "";
    public byte[] ApiKeyHash { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
}

internal sealed class MemberRow : ITenantRow
{
    public string TenantId { get; set; } = "";
    public string Id { get; set; } = "";
    public string DisplayName { get; set; } = "";
    public string Role { get; set; } = "";
    public string ApiKeyId { get; set; } = "";
    public byte[] ApiKeyHash { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
    public string? Email { get; set; }
    public string? PasswordHash { get; set; }
    public int FailedSignIns { get; set; }
    public DateTimeOffset? LockedUntil { get; set; }
    public string? SessionStamp { get; set; }
}

internal sealed class StoreRow : ITenantRow
{
    public string TenantId { get; set; } = "";
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
}

internal sealed class CouponRow : ITenantRow
{
    public string TenantId { get; set; } = "";
    public string Id { get; set; } = "";
    public string Status { get; set; } = "";
    public string Title { get; set; } = "";
    public string Benefit { get; set; } = "";
    public string Description { get; set; } = "";
    public DateTimeOffset? ValidFrom { get; set; }
    public DateTimeOffset? ValidUntil { get; set; }
    public int? TotalLimit { get; set; }
    public int? PerUserLimit { get; set; }
    public List<string> StoreIds { get; set; } = [];
    public string? SharedCode { get; set; }
    public string? SharedCodeKey { get; set; }
    public string? ImageContentType { get; set; }
    public int IssuedCount { get; set; }
    public int RedeemedCount { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public int Version { get; set; }
}

internal sealed class TicketRow : ITenantRow
{
    public string TenantId { get; set; } = "";
    public string Id { get; set; } = "";
    public string CouponId { get; set; } = "";
    public string UserKey { get; set; } = "";
    public string Token { get; set; } = "";
    public string Code { get; set; } = "";
    public int UsedCount { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>The kinds of rows in the code registry.</summary>
internal static class CodeKinds
{
    public const string Ticket = "ticket";
    public const string OneTime = "one_time";
}

/// <summary>
/// The tenant's code registry: every ticket code and every one-time code, so that one unique key makes codes unique
/// across both. A one-time code's <see cref="RedemptionId"/> is its single-use claim.
/// </summary>
internal sealed class CodeRow : ITenantRow
{
    public string TenantId { get; set; } = "";
    public string Code { get; set; } = "";
    public string CouponId { get; set; } = "";
    public string Kind { get; set; } = "";
    public string? TicketId { get; set; }
    public string? RedemptionId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

internal sealed class RedemptionRow : ITenantRow
{
    public string TenantId { get; set; } = "";
    public string Id { get; set; } = "";
    public string CouponId { get; set; } = "";
    public string? TicketId { get; set; }
    public string? OneTimeCode { get; set; }
    public string? UserKey { get; set; }
    public string? StoreId { get; set; }
    public string Channel { get; set; } = "";
    public DateTimeOffset RedeemedAt { get; set; }
    public string? RedeemedBy { get; set; }
    public DateTimeOffset? VoidedAt { get; set; }
    public string? VoidedBy { get; set; }
}

internal sealed class IdempotencyRow : ITenantRow
{
    public string TenantId { get; set; } = "";
    public string Key { get; set; } = "";
    public string Fingerprint { get; set; } = "";
    public string State { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset LockedUntil { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public string? OutcomeCode { get; set; }
    public string? MediaType { get; set; }
    public string? Payload { get; set; }
}

internal sealed class AuditRow : ITenantRow
{
    public string TenantId { get; set; } = "";
    public string Id { get; set; } = "";
    public DateTimeOffset At { get; set; }
    public string ActorKind { get; set; } = "";
    public string ActorId { get; set; } = "";
    public string Action { get; set; } = "";
    public string TargetType { get; set; } = "";
    public string TargetId { get; set; } = "";
}

/// <summary>The kinds of handles in the tenant directory.</summary>
internal static class DirectoryKinds
{
    public const string TicketToken = "ticket_token";
    public const string Coupon = "coupon";
    public const string Member = "member";
}

/// <summary>
/// The global index for the look-ups that happen before a tenant is known: SHA-256 of a handle (a ticket token or a
/// coupon id) → the tenant that owns it. It holds nothing else, so reading it reveals a tenant id and no data.
/// </summary>
internal sealed class DirectoryRow
{
    public byte[] HandleHash { get; set; } = [];
    public string Kind { get; set; } = "";
    public string OwnerTenantId { get; set; } = "";
}

/// <summary>
/// What remains of a purged tenant (platform data, not tenant data: no name, no personal data). Kept outside the tenant
/// filter and row-level security, like the directory.
/// </summary>
internal sealed class PurgeRecordRow
{
    public string PurgedTenantId { get; set; } = "";
    public DateOnly? CancelledOn { get; set; }
    public DateOnly? PurgeDueOn { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? PurgedAt { get; set; }
    public string DeletedRows { get; set; } = "{}";
    public DateOnly? BackupsClearBy { get; set; }
    public DateTimeOffset? BackupsScrubbedAt { get; set; }
}

/// <summary>A lease on a platform job, so that one instance among those sharing the database runs it.</summary>
internal sealed class JobLeaseRow
{
    public string Name { get; set; } = "";
    public string Holder { get; set; } = "";
    public DateTimeOffset ExpiresAt { get; set; }
}

/// <summary>A large generation of one-time codes; claimed by one worker at a time under a lease.</summary>
internal sealed class CodeJobRow : ITenantRow
{
    public string TenantId { get; set; } = "";
    public string Id { get; set; } = "";
    public string CouponId { get; set; } = "";
    public int Requested { get; set; }
    public int Generated { get; set; }
    public string Status { get; set; } = "";
    public string? Error { get; set; }
    public string RequestedBy { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public string? LeaseHolder { get; set; }
    public DateTimeOffset? LeaseUntil { get; set; }
}

/// <summary>A tenant's settings: one row per tenant (the theme today).</summary>
/// <summary>A member's look-ups in one window of the guessing guard (PostgreSQL: an unlogged table every instance shares).</summary>
internal sealed class LookupAttemptRow : ITenantRow
{
    public string TenantId { get; set; } = "";
    public string MemberId { get; set; } = "";
    public DateTimeOffset WindowStart { get; set; }
    public int Running { get; set; }
    public int Missed { get; set; }
}

/// <summary>A coupon's image, kept in the database so that every instance serves it and backups and purges take it along.</summary>
internal sealed class CouponImageRow : ITenantRow
{
    public string TenantId { get; set; } = "";
    public string CouponId { get; set; } = "";
    public byte[] Content { get; set; } = [];
}

internal sealed class TenantSettingsRow : ITenantRow
{
    public string TenantId { get; set; } = "";
    public string PrimaryColor { get; set; } = "";
    public string ButtonTextColor { get; set; } = "";
    public string BackgroundColor { get; set; } = "";
    public string TextColor { get; set; } = "";
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A message to a tenant's member, waiting to be sent (or sent).</summary>
internal sealed class OutboxMessageRow : ITenantRow
{
    public string TenantId { get; set; } = "";
    public string Id { get; set; } = "";
    public string MemberId { get; set; } = "";
    public string RecipientName { get; set; } = "";
    public string? RecipientEmail { get; set; }
    public string Subject { get; set; } = "";
    public string Body { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }
    public int Attempts { get; set; }
    public string? LastError { get; set; }
    public string? LeaseHolder { get; set; }
    public DateTimeOffset? LeaseUntil { get; set; }
}

/// <summary>A maintenance notice of the platform (no tenant).</summary>
internal sealed class MaintenanceNoticeRow
{
    public string Id { get; set; } = "";
    public string Title { get; set; } = "";
    public string Body { get; set; } = "";
    public DateTimeOffset StartsAt { get; set; }
    public DateTimeOffset EndsAt { get; set; }
    public bool Emergency { get; set; }
    public string? Reason { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>An incident of the platform (no tenant).</summary>
internal sealed class IncidentRow
{
    public string Id { get; set; } = "";
    public string Title { get; set; } = "";
    public string Status { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }
}

/// <summary>An outage of the platform as recorded (no tenant).</summary>
internal sealed class OutageRow
{
    public string Id { get; set; } = "";
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset EndedAt { get; set; }
    public string Source { get; set; } = "";
    public DateTimeOffset RecordedAt { get; set; }
}
