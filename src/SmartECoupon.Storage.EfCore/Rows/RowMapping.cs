using SmartECoupon.Auditing;
using SmartECoupon.Coupons;
using SmartECoupon.Idempotency;
using SmartECoupon.Redemptions;
using SmartECoupon.Stores;
using SmartECoupon.Tenancy;

namespace SmartECoupon.Storage.EfCore.Rows;

/// <summary>Translates between Core's records and the adapter's rows. Enumerations are stored as lower-case names.</summary>
internal static class RowMapping
{
    public static string Text<TEnum>(TEnum value)
        where TEnum : struct, Enum => value.ToString().ToLowerInvariant();

    public static TEnum Parse<TEnum>(string text)
        where TEnum : struct, Enum => Enum.Parse<TEnum>(text, ignoreCase: true);

    public static readonly string Published = Text(CouponStatus.Published);

    public static TenantRow ToRow(Tenant tenant) => new()
    {
        TenantId = tenant.Id,
        Name = tenant.Name,
        Plan = Text(tenant.Plan),
        Status = Text(tenant.Status),
        TimeZoneId = tenant.TimeZoneId,
        CreatedAt = tenant.CreatedAt,
        CancelledOn = tenant.CancelledOn,
        PurgeDueOn = tenant.PurgeDueOn,
        PurgedAt = tenant.PurgedAt,
    };

    public static Tenant ToDomain(TenantRow row) => new()
    {
        Id = row.TenantId,
        Name = row.Name,
        Plan = Parse<TenantPlan>(row.Plan),
        Status = Parse<TenantStatus>(row.Status),
        TimeZoneId = row.TimeZoneId,
        CreatedAt = row.CreatedAt,
        CancelledOn = row.CancelledOn,
        PurgeDueOn = row.PurgeDueOn,
        PurgedAt = row.PurgedAt,
    };

    public static OperatorRow ToRow(PlatformOperator op) => new()
    {
        Id = op.Id,
        DisplayName = op.DisplayName,
        ApiKeyId = op.ApiKeyId,
        ApiKeyHash = op.ApiKeyHash,
        CreatedAt = op.CreatedAt,
    };

    public static PlatformOperator ToDomain(OperatorRow row) => new()
    {
        Id = row.Id,
        DisplayName = row.DisplayName,
        ApiKeyId = row.ApiKeyId,
        ApiKeyHash = row.ApiKeyHash,
        CreatedAt = row.CreatedAt,
    };

    public static MemberRow ToRow(Member member) => new()
    {
        TenantId = member.TenantId,
        Id = member.Id,
        DisplayName = member.DisplayName,
        Role = Text(member.Role),
        ApiKeyId = member.ApiKeyId,
        ApiKeyHash = member.ApiKeyHash,
        CreatedAt = member.CreatedAt,
        Email = member.Email,
        PasswordHash = member.PasswordHash,
        FailedSignIns = member.FailedSignIns,
        LockedUntil = member.LockedUntil,
        SessionStamp = member.SessionStamp,
    };

    public static Member ToDomain(MemberRow row) => new()
    {
        TenantId = row.TenantId,
        Id = row.Id,
        DisplayName = row.DisplayName,
        Role = Parse<MemberRole>(row.Role),
        ApiKeyId = row.ApiKeyId,
        ApiKeyHash = row.ApiKeyHash,
        CreatedAt = row.CreatedAt,
        Email = row.Email,
        PasswordHash = row.PasswordHash,
        FailedSignIns = row.FailedSignIns,
        LockedUntil = row.LockedUntil,
        SessionStamp = row.SessionStamp,
    };

    public static StoreRow ToRow(Store store) => new()
    {
        TenantId = store.TenantId,
        Id = store.Id,
        Name = store.Name,
        CreatedAt = store.CreatedAt,
    };

    public static Store ToDomain(StoreRow row) => new()
    {
        TenantId = row.TenantId,
        Id = row.Id,
        Name = row.Name,
        CreatedAt = row.CreatedAt,
    };

    public static CouponRow ToRow(Coupon coupon) => new()
    {
        TenantId = coupon.TenantId,
        Id = coupon.Id,
        Status = Text(coupon.Status),
        Title = coupon.Title,
        Benefit = coupon.Benefit,
        Description = coupon.Description,
        ValidFrom = coupon.ValidFrom,
        ValidUntil = coupon.ValidUntil,
        TotalLimit = coupon.TotalLimit,
        PerUserLimit = coupon.PerUserLimit,
        StoreIds = [.. coupon.StoreIds],
        SharedCode = coupon.SharedCode,
        SharedCodeKey = coupon.SharedCodeKey,
        ImageContentType = coupon.ImageContentType,
        IssuedCount = coupon.IssuedCount,
        RedeemedCount = coupon.RedeemedCount,
        CreatedAt = coupon.CreatedAt,
        UpdatedAt = coupon.UpdatedAt,
        Version = coupon.Version,
    };

    public static Coupon ToDomain(CouponRow row) => new()
    {
        TenantId = row.TenantId,
        Id = row.Id,
        Status = Parse<CouponStatus>(row.Status),
        Title = row.Title,
        Benefit = row.Benefit,
        Description = row.Description,
        ValidFrom = row.ValidFrom,
        ValidUntil = row.ValidUntil,
        TotalLimit = row.TotalLimit,
        PerUserLimit = row.PerUserLimit,
        StoreIds = row.StoreIds.ToArray(),
        SharedCode = row.SharedCode,
        SharedCodeKey = row.SharedCodeKey,
        ImageContentType = row.ImageContentType,
        IssuedCount = row.IssuedCount,
        RedeemedCount = row.RedeemedCount,
        CreatedAt = row.CreatedAt,
        UpdatedAt = row.UpdatedAt,
        Version = row.Version,
    };

    public static TicketRow ToRow(Ticket ticket) => new()
    {
        TenantId = ticket.TenantId,
        Id = ticket.Id,
        CouponId = ticket.CouponId,
        UserKey = ticket.UserKey,
        Token = ticket.Token,
        Code = ticket.Code,
        UsedCount = ticket.UsedCount,
        CreatedAt = ticket.CreatedAt,
    };

    public static Ticket ToDomain(TicketRow row) => new()
    {
        TenantId = row.TenantId,
        Id = row.Id,
        CouponId = row.CouponId,
        UserKey = row.UserKey,
        Token = row.Token,
        Code = row.Code,
        UsedCount = row.UsedCount,
        CreatedAt = row.CreatedAt,
    };

    public static OneTimeCode ToOneTimeCode(CodeRow row) => new()
    {
        TenantId = row.TenantId,
        Code = row.Code,
        CouponId = row.CouponId,
        CreatedAt = row.CreatedAt,
        RedemptionId = row.RedemptionId,
    };

    public static RedemptionRow ToRow(Redemption redemption) => new()
    {
        TenantId = redemption.TenantId,
        Id = redemption.Id,
        CouponId = redemption.CouponId,
        TicketId = redemption.TicketId,
        OneTimeCode = redemption.OneTimeCode,
        UserKey = redemption.UserKey,
        StoreId = redemption.StoreId,
        Channel = Text(redemption.Channel),
        RedeemedAt = redemption.RedeemedAt,
        RedeemedBy = redemption.RedeemedBy,
        VoidedAt = redemption.VoidedAt,
        VoidedBy = redemption.VoidedBy,
    };

    public static Redemption ToDomain(RedemptionRow row) => new()
    {
        TenantId = row.TenantId,
        Id = row.Id,
        CouponId = row.CouponId,
        TicketId = row.TicketId,
        OneTimeCode = row.OneTimeCode,
        UserKey = row.UserKey,
        StoreId = row.StoreId,
        Channel = Parse<RedemptionChannel>(row.Channel),
        RedeemedAt = row.RedeemedAt,
        RedeemedBy = row.RedeemedBy,
        VoidedAt = row.VoidedAt,
        VoidedBy = row.VoidedBy,
    };

    public static IdempotencyRow ToRow(IdempotencyRecord record) => new()
    {
        TenantId = record.TenantId,
        Key = record.Key,
        Fingerprint = record.Fingerprint,
        State = Text(record.State),
        CreatedAt = record.CreatedAt,
        LockedUntil = record.LockedUntil,
        ExpiresAt = record.ExpiresAt,
        OutcomeCode = record.Answer?.OutcomeCode,
        MediaType = record.Answer?.MediaType,
        Payload = record.Answer?.Payload,
    };

    public static IdempotencyRecord ToDomain(IdempotencyRow row) => new()
    {
        TenantId = row.TenantId,
        Key = row.Key,
        Fingerprint = row.Fingerprint,
        State = Parse<IdempotencyRecordState>(row.State),
        CreatedAt = row.CreatedAt,
        LockedUntil = row.LockedUntil,
        ExpiresAt = row.ExpiresAt,
        Answer = row.OutcomeCode is { } outcome
            ? new IdempotentAnswer(outcome, row.MediaType ?? "application/json", row.Payload ?? "")
            : null,
    };

    public static AuditRow ToRow(AuditEntry entry) => new()
    {
        TenantId = entry.TenantId,
        Id = entry.Id,
        At = entry.At,
        ActorKind = Text(entry.ActorKind),
        ActorId = entry.ActorId,
        Action = entry.Action,
        TargetType = entry.TargetType,
        TargetId = entry.TargetId,
    };

    public static AuditEntry ToDomain(AuditRow row) => new()
    {
        TenantId = row.TenantId,
        Id = row.Id,
        At = row.At,
        ActorKind = Parse<ActorKind>(row.ActorKind),
        ActorId = row.ActorId,
        Action = row.Action,
        TargetType = row.TargetType,
        TargetId = row.TargetId,
    };

    public static CodeJobRow ToRow(CodeJob job) => new()
    {
        TenantId = job.TenantId,
        Id = job.Id,
        CouponId = job.CouponId,
        Requested = job.Requested,
        Generated = job.Generated,
        Status = Text(job.Status),
        Error = job.Error,
        RequestedBy = job.RequestedBy,
        CreatedAt = job.CreatedAt,
        UpdatedAt = job.UpdatedAt,
    };

    public static CodeJob ToDomain(CodeJobRow row) => new()
    {
        TenantId = row.TenantId,
        Id = row.Id,
        CouponId = row.CouponId,
        Requested = row.Requested,
        Generated = row.Generated,
        Status = Parse<CodeJobStatus>(row.Status),
        Error = row.Error,
        RequestedBy = row.RequestedBy,
        CreatedAt = row.CreatedAt,
        UpdatedAt = row.UpdatedAt,
    };

    public static TenantTheme ToDomain(TenantSettingsRow row) => new(row.PrimaryColor, row.ButtonTextColor, row.BackgroundColor, row.TextColor);

    public static Operations.OutboxMessage ToDomain(OutboxMessageRow row) => new()
    {
        TenantId = row.TenantId,
        Id = row.Id,
        MemberId = row.MemberId,
        RecipientName = row.RecipientName,
        RecipientEmail = row.RecipientEmail,
        Subject = row.Subject,
        Body = row.Body,
        CreatedAt = row.CreatedAt,
        Attempts = row.Attempts,
    };

    public static MaintenanceNoticeRow ToRow(Operations.MaintenanceNotice notice) => new()
    {
        Id = notice.Id,
        Title = notice.Title,
        Body = notice.Body,
        StartsAt = notice.StartsAt,
        EndsAt = notice.EndsAt,
        Emergency = notice.Emergency,
        Reason = notice.Reason,
        CreatedAt = notice.CreatedAt,
    };

    public static Operations.MaintenanceNotice ToDomain(MaintenanceNoticeRow row) => new()
    {
        Id = row.Id,
        Title = row.Title,
        Body = row.Body,
        StartsAt = row.StartsAt,
        EndsAt = row.EndsAt,
        Emergency = row.Emergency,
        Reason = row.Reason,
        CreatedAt = row.CreatedAt,
    };

    public static IncidentRow ToRow(Operations.Incident incident) => new()
    {
        Id = incident.Id,
        Title = incident.Title,
        Status = Text(incident.Status),
        CreatedAt = incident.CreatedAt,
        UpdatedAt = incident.UpdatedAt,
        ResolvedAt = incident.ResolvedAt,
    };

    public static Operations.Incident ToDomain(IncidentRow row) => new()
    {
        Id = row.Id,
        Title = row.Title,
        Status = Parse<Operations.IncidentStatus>(row.Status),
        CreatedAt = row.CreatedAt,
        UpdatedAt = row.UpdatedAt,
        ResolvedAt = row.ResolvedAt,
    };

    public static OutageRow ToRow(Operations.RecordedOutage outage) => new()
    {
        Id = outage.Id,
        StartedAt = outage.Outage.StartedAt,
        EndedAt = outage.Outage.EndedAt,
        Source = outage.Outage.Source,
        RecordedAt = outage.RecordedAt,
    };

    public static Operations.RecordedOutage ToDomain(OutageRow row) =>
        new(row.Id, new Operations.Outage(row.StartedAt, row.EndedAt, row.Source), row.RecordedAt);
}
