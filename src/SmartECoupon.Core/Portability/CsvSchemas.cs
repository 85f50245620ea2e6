using System.Text.Json;
using SmartECoupon.Auditing;
using SmartECoupon.Coupons;
using SmartECoupon.Redemptions;
using SmartECoupon.Stores;
using SmartECoupon.Tenancy;

namespace SmartECoupon.Portability;

/// <summary>How a column's values are written.</summary>
public enum CsvColumnKind
{
    /// <summary>Text (identifiers and names included): written as is, with the formula guard of <see cref="CsvFormulaGuard"/>.</summary>
    Text,
    /// <summary>A whole number, written as digits; empty for none.</summary>
    Number,
    /// <summary>An instant, ISO 8601 with the tenant's offset (<c>2026-12-01T10:00:00+09:00</c>); empty for none.</summary>
    Instant,
    /// <summary>A calendar date, <c>yyyy-MM-dd</c>; empty for none.</summary>
    Date,
}

/// <summary>A column of a dataset: its stable English key (the default header), its Japanese header and its kind.</summary>
/// <param name="Key">The English key, which never changes.</param>
/// <param name="JapaneseHeader">The header written when Japanese headers are asked for.</param>
/// <param name="Kind">How values are written.</param>
public sealed class CsvColumnInfo(string Key, string JapaneseHeader, CsvColumnKind Kind)
{
    /// <summary>The English key, which never changes.</summary>
    public string Key { get; } = Key;

    /// <summary>The header written when Japanese headers are asked for.</summary>
    public string JapaneseHeader { get; } = JapaneseHeader;

    /// <summary>How values are written.</summary>
    public CsvColumnKind Kind { get; } = Kind;
}

/// <summary>The columns of every dataset. Keys are stable: new columns are only ever added at the end.</summary>
internal static class CsvSchemas
{
    /// <summary>The columns of <paramref name="dataset"/>, in file order.</summary>
    public static IReadOnlyList<CsvColumnInfo> ColumnsOf(CsvDataset dataset) => dataset switch
    {
        CsvDataset.Coupons => Infos(Coupons),
        CsvDataset.Tickets => Infos(Tickets),
        CsvDataset.Codes => Infos(Codes),
        CsvDataset.Redemptions => Infos(Redemptions),
        CsvDataset.Stores => Infos(Stores),
        CsvDataset.Members => Infos(Members),
        CsvDataset.Settings => Infos(Settings),
        CsvDataset.AuditLog => Infos(AuditLog),
        _ => throw new ArgumentOutOfRangeException(nameof(dataset), dataset, null),
    };

    /// <summary>An enumeration value as the contract writes it: <c>published</c>, <c>one_time</c>.</summary>
    public static string NameOf<TEnum>(TEnum value)
        where TEnum : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    private static CsvColumnInfo[] Infos<T>(CsvColumn<T>[] columns) => [.. columns.Select(c => c.Info)];

    internal static readonly CsvColumn<Coupon>[] Coupons =
    [
        new("id", "ID", CsvColumnKind.Text, (w, c) => w.Text(c.Id)),
        new("status", "状態", CsvColumnKind.Text, (w, c) => w.Text(NameOf(c.Status))),
        new("title", "タイトル", CsvColumnKind.Text, (w, c) => w.Text(c.Title)),
        new("benefit", "特典", CsvColumnKind.Text, (w, c) => w.Text(c.Benefit)),
        new("description", "説明", CsvColumnKind.Text, (w, c) => w.Text(c.Description)),
        new("validFrom", "有効期間開始", CsvColumnKind.Instant, (w, c) => w.Instant(c.ValidFrom)),
        new("validUntil", "有効期間終了", CsvColumnKind.Instant, (w, c) => w.Instant(c.ValidUntil)),
        new("totalLimit", "利用上限数", CsvColumnKind.Number, (w, c) => w.Integer(c.TotalLimit)),
        new("perUserLimit", "1人あたり利用上限数", CsvColumnKind.Number, (w, c) => w.Integer(c.PerUserLimit)),
        new("storeIds", "対象店舗ID", CsvColumnKind.Text, (w, c) => w.Text(string.Join(' ', c.StoreIds))),
        new("sharedCode", "共通コード", CsvColumnKind.Text, (w, c) => w.Text(c.SharedCode)),
        new("image", "画像", CsvColumnKind.Text, (w, c) => w.Text(ImagePathOf(c))),
        new("issuedCount", "発行数", CsvColumnKind.Number, (w, c) => w.Integer(c.IssuedCount)),
        new("redeemedCount", "利用数", CsvColumnKind.Number, (w, c) => w.Integer(c.RedeemedCount)),
        new("createdAt", "作成日時", CsvColumnKind.Instant, (w, c) => w.Instant(c.CreatedAt)),
        new("updatedAt", "更新日時", CsvColumnKind.Instant, (w, c) => w.Instant(c.UpdatedAt)),
    ];

    internal static readonly CsvColumn<Ticket>[] Tickets =
    [
        new("id", "ID", CsvColumnKind.Text, (w, t) => w.Text(t.Id)),
        new("couponId", "クーポンID", CsvColumnKind.Text, (w, t) => w.Text(t.CouponId)),
        new("userKey", "ユーザーキー", CsvColumnKind.Text, (w, t) => w.Text(t.UserKey)),
        new("code", "コード", CsvColumnKind.Text, (w, t) => w.Text(t.Code)),
        new("token", "トークン", CsvColumnKind.Text, (w, t) => w.Text(t.Token)),
        new("usedCount", "利用回数", CsvColumnKind.Number, (w, t) => w.Integer(t.UsedCount)),
        new("createdAt", "発行日時", CsvColumnKind.Instant, (w, t) => w.Instant(t.CreatedAt)),
    ];

    internal static readonly CsvColumn<OneTimeCode>[] Codes =
    [
        new("code", "コード", CsvColumnKind.Text, (w, c) => w.Text(c.Code)),
        new("couponId", "クーポンID", CsvColumnKind.Text, (w, c) => w.Text(c.CouponId)),
        new("status", "状態", CsvColumnKind.Text, (w, c) => w.Text(c.RedemptionId is null ? "unused" : "used")),
        new("redemptionId", "利用ID", CsvColumnKind.Text, (w, c) => w.Text(c.RedemptionId)),
        new("createdAt", "作成日時", CsvColumnKind.Instant, (w, c) => w.Instant(c.CreatedAt)),
    ];

    internal static readonly CsvColumn<Redemption>[] Redemptions =
    [
        new("id", "ID", CsvColumnKind.Text, (w, r) => w.Text(r.Id)),
        new("couponId", "クーポンID", CsvColumnKind.Text, (w, r) => w.Text(r.CouponId)),
        new("ticketId", "チケットID", CsvColumnKind.Text, (w, r) => w.Text(r.TicketId)),
        new("oneTimeCode", "ワンタイムコード", CsvColumnKind.Text, (w, r) => w.Text(r.OneTimeCode)),
        new("userKey", "ユーザーキー", CsvColumnKind.Text, (w, r) => w.Text(r.UserKey)),
        new("storeId", "店舗ID", CsvColumnKind.Text, (w, r) => w.Text(r.StoreId)),
        new("channel", "経路", CsvColumnKind.Text, (w, r) => w.Text(NameOf(r.Channel))),
        new("redeemedAt", "利用日時", CsvColumnKind.Instant, (w, r) => w.Instant(r.RedeemedAt)),
        new("redeemedBy", "確認者", CsvColumnKind.Text, (w, r) => w.Text(r.RedeemedBy)),
        new("voidedAt", "取消日時", CsvColumnKind.Instant, (w, r) => w.Instant(r.VoidedAt)),
        new("voidedBy", "取消者", CsvColumnKind.Text, (w, r) => w.Text(r.VoidedBy)),
    ];

    internal static readonly CsvColumn<Store>[] Stores =
    [
        new("id", "ID", CsvColumnKind.Text, (w, s) => w.Text(s.Id)),
        new("name", "店舗名", CsvColumnKind.Text, (w, s) => w.Text(s.Name)),
        new("createdAt", "作成日時", CsvColumnKind.Instant, (w, s) => w.Instant(s.CreatedAt)),
    ];

    internal static readonly CsvColumn<Member>[] Members =
    [
        new("id", "ID", CsvColumnKind.Text, (w, m) => w.Text(m.Id)),
        new("displayName", "表示名", CsvColumnKind.Text, (w, m) => w.Text(m.DisplayName)),
        new("role", "権限", CsvColumnKind.Text, (w, m) => w.Text(NameOf(m.Role))),
        new("createdAt", "作成日時", CsvColumnKind.Instant, (w, m) => w.Instant(m.CreatedAt)),
        new("email", "メールアドレス", CsvColumnKind.Text, (w, m) => w.Text(m.Email)),
    ];

    internal static readonly CsvColumn<TenantSetting>[] Settings =
    [
        new("key", "項目", CsvColumnKind.Text, (w, s) => w.Text(s.Key)),
        new("value", "値", CsvColumnKind.Text, (w, s) => w.Text(s.Value)),
    ];

    internal static readonly CsvColumn<AuditEntry>[] AuditLog =
    [
        new("id", "ID", CsvColumnKind.Text, (w, a) => w.Text(a.Id)),
        new("at", "日時", CsvColumnKind.Instant, (w, a) => w.Instant(a.At)),
        new("actorKind", "操作者の種類", CsvColumnKind.Text, (w, a) => w.Text(NameOf(a.ActorKind))),
        new("actorId", "操作者ID", CsvColumnKind.Text, (w, a) => w.Text(a.ActorId)),
        new("action", "操作", CsvColumnKind.Text, (w, a) => w.Text(a.Action)),
        new("targetType", "対象の種類", CsvColumnKind.Text, (w, a) => w.Text(a.TargetType)),
        new("targetId", "対象ID", CsvColumnKind.Text, (w, a) => w.Text(a.TargetId)),
    ];

    /// <summary>The settings dataset: one line per setting, so that new settings add lines, never columns.</summary>
    internal static IEnumerable<TenantSetting> SettingsOf(Tenant tenant, TimeZoneInfo zone)
    {
        yield return new("tenantId", tenant.Id);
        yield return new("name", tenant.Name);
        yield return new("plan", NameOf(tenant.Plan));
        yield return new("status", NameOf(tenant.Status));
        yield return new("timeZone", tenant.TimeZoneId);
        yield return new("createdAt", CsvCellWriter.FormatInstant(tenant.CreatedAt, zone));
        yield return new("cancelledOn", tenant.CancelledOn?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        yield return new("purgeDueOn", tenant.PurgeDueOn?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Where a bundle keeps a coupon's image (<c>images/cpn_….png</c>), or <see langword="null"/> when it has none.</summary>
    internal static string? ImagePathOf(Coupon coupon) =>
        coupon.ImageContentType is { } type ? $"images/{coupon.Id}{CouponImageTypes.ExtensionOf(type)}" : null;
}

/// <summary>One setting of the settings dataset.</summary>
internal sealed record TenantSetting(string Key, string? Value);

/// <summary>A column of a dataset, with how a row writes its cell.</summary>
internal sealed class CsvColumn<T>(string key, string japanese, CsvColumnKind kind, Action<CsvCellWriter, T> write)
{
    public CsvColumnInfo Info { get; } = new(key, japanese, kind);

    public Action<CsvCellWriter, T> Write { get; } = write;
}
