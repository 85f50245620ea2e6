using SmartECoupon.Coupons;
using SmartECoupon.Tenancy;
using SmartECoupon.Validation;

namespace SmartECoupon.Core.Tests.Coupons;

public class CouponRulesTests
{
    private static readonly TimeZoneInfo Tokyo = TenantTimeZones.Find("Asia/Tokyo");
    private static readonly InputPolicyOptions Policies = new();
    private static readonly string StoreA = EntityIds.New(EntityIds.StorePrefix, DateTimeOffset.UnixEpoch);
    private static readonly string StoreB = EntityIds.New(EntityIds.StorePrefix, DateTimeOffset.UnixEpoch.AddDays(1));

    private static CouponDraft Valid() => new() { Title = "秋のドリンク", Benefit = "1杯無料" };

    private static (CouponContent Content, IReadOnlyList<ValidationError> Errors) Check(CouponDraft draft)
    {
        var content = CouponRules.Validate(draft, Policies, Tokyo, out var errors);
        return (content, errors);
    }

    private static ValidationError SingleError(CouponDraft draft)
    {
        var (_, errors) = Check(draft);
        return Assert.Single(errors);
    }

    [Fact]
    public void A_valid_draft_is_trimmed_composed_and_defaulted()
    {
        var (content, errors) = Check(new CouponDraft
        {
            Title = "\u3000 か\u3099ーでん \t",
            Benefit = " 10%OFF ",
            Description = "1行目\r\n2行目\r3行目",
            ValidFrom = ValidityBound.FromDate(new DateOnly(2026, 12, 1)),
            ValidUntil = ValidityBound.FromDate(new DateOnly(2026, 12, 31)),
            TotalLimit = 100,
            StoreIds = [StoreA, StoreB, StoreA],
            SharedCode = "ｗｅｌｃｏｍｅ－１０",
        });

        Assert.Empty(errors);
        Assert.Equal("がーでん", content.Title);
        Assert.Equal("10%OFF", content.Benefit);
        Assert.Equal("1行目\n2行目\n3行目", content.Description);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.FromHours(9)), content.ValidFrom);
        Assert.Equal(new DateTimeOffset(2026, 12, 31, 23, 59, 59, 999, 999, TimeSpan.FromHours(9)), content.ValidUntil);
        Assert.Equal(1, content.PerUserLimit);
        Assert.Equal([StoreA, StoreB], content.StoreIds);
        Assert.Equal("welcome-10", content.SharedCode);
        Assert.Equal("WELCOME10", content.SharedCodeKey);
    }

    [Fact]
    public void Checking_the_stored_content_again_changes_nothing()
    {
        var (first, _) = Check(new CouponDraft { Title = " ｶﾞ 𠮷野家 👨‍👩‍👧‍👦 ", Benefit = "か\u3099", Description = "a\r\nb " });
        var (second, errors) = Check(new CouponDraft { Title = first.Title, Benefit = first.Benefit, Description = first.Description });

        Assert.Empty(errors);
        Assert.Equal(first.Title, second.Title);
        Assert.Equal(first.Benefit, second.Benefit);
        Assert.Equal(first.Description, second.Description);
    }

    [Fact]
    public void Length_counts_what_people_see_as_characters()
    {
        // 👍🏽 is two code points and four UTF-16 units, but one character; a family emoji is eleven units.
        var forty = string.Concat(Enumerable.Repeat("👍🏽", 40));
        Assert.Empty(Check(Valid() with { Title = forty }).Errors);
        Assert.Equal("👨‍👩‍👧‍👦", Check(Valid() with { Benefit = "👨‍👩‍👧‍👦" }).Content.Benefit);
        Assert.Equal(FailureCodes.TooLong, SingleError(Valid() with { Title = forty + "あ" }).Code);

        var error = SingleError(Valid() with { Title = new string('あ', 41) });
        Assert.Equal(("title", FailureCodes.TooLong), (error.Field, error.Code));
        Assert.Equal("タイトルは40文字以内で入力してください。", error.Message.Japanese);
        Assert.Equal("Title must be at most 40 characters.", error.Message.English);
    }

    [Fact]
    public void A_short_looking_value_that_is_huge_in_code_units_is_too_long()
    {
        // One visible character made of 300 combining marks.
        var zalgo = "a" + new string('\u0301', 300);
        var error = SingleError(Valid() with { Benefit = zalgo });

        Assert.Equal(FailureCodes.TooLong, error.Code);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\u3000\u3000\u3000")]
    public void A_missing_or_blank_title_is_required(string? title)
    {
        var error = SingleError(Valid() with { Title = title });

        Assert.Equal(("title", FailureCodes.Required), (error.Field, error.Code));
    }

    [Theory]
    [InlineData("a\tb", "U+0009")]
    [InlineData("a\nb", "U+000A")]
    [InlineData("a\u0000b", "U+0000")]
    [InlineData("a\u202Eb", "U+202E")]
    [InlineData("a\u2066b", "U+2066")]
    [InlineData("a\u2028b", "U+2028")]
    [InlineData("a\uFFFFb", "U+FFFF")]
    [InlineData("a\uFDD0b", "U+FDD0")]
    [InlineData("a\uE000b", "U+E000")]
    [InlineData("a\uFEFFb", "U+FEFF")]
    [InlineData("a\u0085b", "U+0085")]
    [InlineData("\ta\u0007", "U+0007")]
    public void Characters_that_are_never_stored_are_named_in_the_error(string title, string offending)
    {
        var error = SingleError(Valid() with { Title = title });

        Assert.Equal(FailureCodes.InvalidCharacters, error.Code);
        Assert.Equal([offending], error.OffendingCharacters);
        Assert.Contains(offending, error.Message.English, StringComparison.Ordinal);
    }

    [Fact]
    public void A_lone_surrogate_is_refused()
    {
        var error = SingleError(Valid() with { Title = "a\uD842b" });

        Assert.Equal(FailureCodes.InvalidCharacters, error.Code);
        Assert.Equal(["U+D842"], error.OffendingCharacters);
    }

    [Fact]
    public void Line_breaks_are_allowed_in_the_description_only()
    {
        Assert.Empty(Check(Valid() with { Description = "a\nb\r\nc" }).Errors);
        Assert.Equal(FailureCodes.InvalidCharacters, SingleError(Valid() with { Benefit = "a\r\nb" }).Code);
        Assert.Equal(FailureCodes.InvalidCharacters, SingleError(Valid() with { Description = "a\tb" }).Code);
    }

    [Fact]
    public void ValidUntil_before_validFrom_is_out_of_range_but_the_same_day_is_fine()
    {
        var error = SingleError(Valid() with
        {
            ValidFrom = ValidityBound.FromDate(new DateOnly(2026, 12, 2)),
            ValidUntil = ValidityBound.FromDate(new DateOnly(2026, 12, 1)),
        });
        Assert.Equal(("validUntil", FailureCodes.OutOfRange), (error.Field, error.Code));

        Assert.Empty(Check(Valid() with
        {
            ValidFrom = ValidityBound.FromDate(new DateOnly(2026, 12, 1)),
            ValidUntil = ValidityBound.FromDate(new DateOnly(2026, 12, 1)),
        }).Errors);
    }

    [Theory]
    [InlineData(0, "totalLimit")]
    [InlineData(-1, "totalLimit")]
    [InlineData(100_000_001, "totalLimit")]
    public void Total_limit_must_be_positive_and_bounded(int total, string field)
    {
        var error = SingleError(Valid() with { TotalLimit = total });

        Assert.Equal((field, FailureCodes.OutOfRange), (error.Field, error.Code));
    }

    [Fact]
    public void Per_user_limit_must_be_positive_and_null_means_unlimited()
    {
        Assert.Equal(FailureCodes.OutOfRange, SingleError(Valid() with { PerUserLimit = 0 }).Code);
        var (content, errors) = Check(Valid() with { PerUserLimit = null });
        Assert.Empty(errors);
        Assert.Null(content.PerUserLimit);
    }

    [Fact]
    public void Store_ids_must_look_like_store_ids()
    {
        var error = SingleError(Valid() with { StoreIds = [StoreA, "cpn_01jdx3k9v2m7q8r4s5t6w7x8y9"] });

        Assert.Equal(("storeIds", FailureCodes.InvalidFormat), (error.Field, error.Code));
    }

    [Theory]
    [InlineData("AB")]
    [InlineData("WELCOME#10")]
    [InlineData("")]
    [InlineData("A234567890123456789012345678901234")]
    public void Shared_codes_are_3_to_32_letters_or_digits(string shared)
    {
        var error = SingleError(Valid() with { SharedCode = shared });

        Assert.Equal(("sharedCode", FailureCodes.InvalidFormat), (error.Field, error.Code));
        Assert.Equal("共通コードの形式が正しくありません（英数字3～32文字、ハイフン可）。", error.Message.Japanese);
    }

    [Fact]
    public void A_shared_code_in_kana_names_the_characters_it_cannot_hold()
    {
        var error = SingleError(Valid() with { SharedCode = "ようこそ10" });

        Assert.Equal(("sharedCode", FailureCodes.InvalidCharacters), (error.Field, error.Code));
        Assert.Equal(["よ (U+3088)", "う (U+3046)", "こ (U+3053)", "そ (U+305D)"], error.OffendingCharacters);
    }

    [Fact]
    public void A_shared_code_typed_in_full_width_is_stored_in_ascii()
    {
        var (content, errors) = Check(Valid() with { SharedCode = "　ＷＥＬＣＯＭＥ－１０　" });

        Assert.Empty(errors);
        Assert.Equal(("WELCOME-10", "WELCOME10"), (content.SharedCode, content.SharedCodeKey));
    }

    [Fact]
    public void Every_failing_field_is_reported_at_once()
    {
        var (_, errors) = Check(new CouponDraft { Title = "", Benefit = new string('x', 21), TotalLimit = 0, SharedCode = "x" });

        Assert.Equal(["title", "benefit", "totalLimit", "sharedCode"], errors.Select(e => e.Field));
    }

    [Fact]
    public void Applying_content_keeps_identity_status_and_counters()
    {
        var coupon = new Coupon
        {
            TenantId = "tnt_a",
            Id = "cpn_a",
            Title = "old",
            Benefit = "old",
            Status = CouponStatus.Published,
            RedeemedCount = 7,
            IssuedCount = 9,
            Version = 3,
        };
        var (content, _) = Check(Valid());

        var updated = content.ApplyTo(coupon);

        Assert.Equal(("cpn_a", CouponStatus.Published, 7, 9, 3), (updated.Id, updated.Status, updated.RedeemedCount, updated.IssuedCount, updated.Version));
        Assert.Equal("秋のドリンク", updated.Title);
    }
}

public class CouponLifecycleTests
{
    [Theory]
    [InlineData(CouponStatus.Draft, CouponStatus.Published, true)]
    [InlineData(CouponStatus.Draft, CouponStatus.Paused, false)]
    [InlineData(CouponStatus.Draft, CouponStatus.Archived, true)]
    [InlineData(CouponStatus.Published, CouponStatus.Paused, true)]
    [InlineData(CouponStatus.Published, CouponStatus.Published, false)]
    [InlineData(CouponStatus.Published, CouponStatus.Draft, false)]
    [InlineData(CouponStatus.Published, CouponStatus.Archived, true)]
    [InlineData(CouponStatus.Paused, CouponStatus.Published, true)]
    [InlineData(CouponStatus.Paused, CouponStatus.Paused, false)]
    [InlineData(CouponStatus.Paused, CouponStatus.Archived, true)]
    [InlineData(CouponStatus.Archived, CouponStatus.Published, false)]
    [InlineData(CouponStatus.Archived, CouponStatus.Archived, false)]
    public void Status_changes_follow_the_lifecycle(CouponStatus from, CouponStatus to, bool allowed)
    {
        Assert.Equal(allowed, CouponLifecycle.CanMove(from, to));
    }

    [Fact]
    public void Only_published_coupons_count_toward_the_plan_and_archived_ones_are_frozen()
    {
        Assert.Equal([CouponStatus.Published], Enum.GetValues<CouponStatus>().Where(CouponLifecycle.CountsAsPublished));
        Assert.Equal([CouponStatus.Archived], Enum.GetValues<CouponStatus>().Where(s => !CouponLifecycle.IsEditable(s)));
    }

    [Theory]
    [InlineData(1, 0, 1, TicketStatus.Unused)]
    [InlineData(1, 1, 0, TicketStatus.Used)]
    [InlineData(2, 1, 1, TicketStatus.Unused)]
    [InlineData(2, 3, 0, TicketStatus.Used)]
    public void A_ticket_has_uses_left_under_the_per_user_limit(int limit, int used, int left, TicketStatus status)
    {
        var ticket = new Ticket { TenantId = "t", Id = "k", CouponId = "c", UserKey = "u", Token = "x", Code = "y", UsedCount = used };

        Assert.Equal(left, ticket.UsesLeft(limit));
        Assert.Equal(status, ticket.StatusUnder(limit));
        Assert.Null(ticket.UsesLeft(null));
        Assert.Equal(TicketStatus.Unused, ticket.StatusUnder(null));
    }
}
