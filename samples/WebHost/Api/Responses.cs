using SmartECoupon.Coupons;
using SmartECoupon.Redemptions;
using SmartECoupon.Storage;
using SmartECoupon.Stores;
using SmartECoupon.Tenancy;

namespace SmartECoupon.WebHost.Api;

// The contract's response bodies. Instants are shown in the caller's tenant's time zone, with its offset.

internal sealed record ListResponse<T>(IReadOnlyList<T> Items, string? NextCursor)
{
    public static ListResponse<T> Of<TItem>(Page<TItem> page, Func<TItem, T> map) => new([.. page.Items.Select(map)], page.NextCursor);
}

internal sealed record OperatorResponse(string Id, string DisplayName, string ApiKey);

internal sealed record TenantCreatedResponse(string Id, string? Name, string Plan, string Status, DateTimeOffset CreatedAt, TenantAdminResponse Admin)
{
    public static TenantCreatedResponse From(TenantCreation created) => new(created.Tenant.Id, created.Tenant.Name, ApiJson.NameOf(created.Tenant.Plan),
        ApiJson.NameOf(created.Tenant.Status), TenantResponse.Local(created.Tenant.CreatedAt, TenantTimeZones.Find(created.Tenant.TimeZoneId)),
        new TenantAdminResponse(created.Admin.Id, created.AdminApiKey));
}

internal sealed record TenantAdminResponse(string MemberId, string ApiKey);

internal sealed record TenantResponse(string Id, string? Name, string Plan, string Status, string TimeZone, DateTimeOffset CreatedAt,
    DateOnly? CancelledOn, DateOnly? PurgeDueOn, DateTimeOffset? PurgedAt)
{
    public static TenantResponse From(Tenant t, TimeZoneInfo zone) => new(t.Id, t.Name, ApiJson.NameOf(t.Plan), ApiJson.NameOf(t.Status), t.TimeZoneId,
        Local(t.CreatedAt, zone), t.CancelledOn, t.PurgeDueOn, t.PurgedAt is { } purged ? Local(purged, zone) : null);

    internal static DateTimeOffset Local(DateTimeOffset instant, TimeZoneInfo zone) => TimeZoneInfo.ConvertTime(instant, zone);
}

internal sealed record MemberResponse(string Id, string DisplayName, string Role, string? Email, DateTimeOffset CreatedAt)
{
    public static MemberResponse From(Member m, TimeZoneInfo zone) => new(m.Id, m.DisplayName, ApiJson.NameOf(m.Role), m.Email, TenantResponse.Local(m.CreatedAt, zone));
}

internal sealed record MemberCreatedResponse(string Id, string DisplayName, string Role, string? Email, string ApiKey)
{
    public static MemberCreatedResponse From(PersonCreation<Member> created) =>
        new(created.Person.Id, created.Person.DisplayName, ApiJson.NameOf(created.Person.Role), created.Person.Email, created.ApiKey);
}

internal sealed record ApiKeyResponse(string ApiKey);

internal sealed record StoreResponse(string Id, string Name, DateTimeOffset CreatedAt)
{
    public static StoreResponse From(Store s, TimeZoneInfo zone) => new(s.Id, s.Name, TenantResponse.Local(s.CreatedAt, zone));
}

internal sealed record CouponResponse(string Id, string Status, string Title, string Benefit, string Description, DateTimeOffset? ValidFrom,
    DateTimeOffset? ValidUntil, int? TotalLimit, int? PerUserLimit, IReadOnlyList<string> StoreIds, string? SharedCode, string? ImageUrl,
    int IssuedCount, int RedeemedCount, string PublicUrl, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static CouponResponse From(Coupon c, TimeZoneInfo zone) => new(c.Id, ApiJson.NameOf(c.Status), c.Title, c.Benefit, c.Description,
        c.ValidFrom is { } from ? TenantResponse.Local(from, zone) : null, c.ValidUntil is { } until ? TenantResponse.Local(until, zone) : null,
        c.TotalLimit, c.PerUserLimit, c.StoreIds, c.SharedCode,
        c.ImageContentType is null ? null : $"/images/{c.Id}?v={c.Version}",
        c.IssuedCount, c.RedeemedCount, $"/p/{c.Id}", TenantResponse.Local(c.CreatedAt, zone), TenantResponse.Local(c.UpdatedAt, zone));
}

internal sealed record TicketResponse(string Id, string CouponId, string UserKey, string Token, string Code, string Url, int? UsesLeft, string Status, DateTimeOffset CreatedAt)
{
    public static TicketResponse From(Ticket t, Coupon coupon, TimeZoneInfo zone) => new(t.Id, t.CouponId, t.UserKey, t.Token, t.Code, $"/c/{t.Token}",
        t.UsesLeft(coupon.PerUserLimit), ApiJson.NameOf(t.StatusUnder(coupon.PerUserLimit)), TenantResponse.Local(t.CreatedAt, zone));
}

internal sealed record OneTimeCodeResponse(string Code, string CouponId, string Status, string? RedemptionId, DateTimeOffset CreatedAt)
{
    public static OneTimeCodeResponse From(OneTimeCode c, TimeZoneInfo zone) =>
        new(c.Code, c.CouponId, c.RedemptionId is null ? "unused" : "used", c.RedemptionId, TenantResponse.Local(c.CreatedAt, zone));
}

internal sealed record RedemptionResponse(string Id, string CouponId, string? TicketId, string? UserKey, string? StoreId, string Channel,
    DateTimeOffset RedeemedAt, string? RedeemedBy, DateTimeOffset? VoidedAt, string? VoidedBy)
{
    public static RedemptionResponse From(Redemption r, TimeZoneInfo zone) => new(r.Id, r.CouponId, r.TicketId, r.UserKey, r.StoreId,
        ApiJson.NameOf(r.Channel), TenantResponse.Local(r.RedeemedAt, zone), r.Channel == RedemptionChannel.Page ? null : r.RedeemedBy,
        r.VoidedAt is { } voided ? TenantResponse.Local(voided, zone) : null, r.VoidedBy);
}
