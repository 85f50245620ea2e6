using System.Globalization;
using SmartECoupon.Coupons;
using SmartECoupon.Tenancy;

namespace SmartECoupon.Core.Tests.Coupons;

public class ValidityBoundTests
{
    private static readonly TimeZoneInfo Tokyo = TenantTimeZones.Find("Asia/Tokyo");

    [Fact]
    public void A_date_alone_means_the_whole_day_in_the_tenants_zone()
    {
        Assert.True(ValidityBound.TryParse("2026-12-31", out var bound));

        Assert.Equal(new DateTimeOffset(2026, 12, 31, 0, 0, 0, TimeSpan.FromHours(9)), bound.Resolve(Tokyo, ValidityEdge.Start));
        var end = bound.Resolve(Tokyo, ValidityEdge.End);
        Assert.Equal(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.FromHours(9)) - TimeSpan.FromTicks(10), end);
        Assert.Equal(0, end.Ticks % TimeSpan.TicksPerMicrosecond);
    }

    [Fact]
    public void The_same_date_is_another_instant_in_another_zone()
    {
        Assert.True(ValidityBound.TryParse("2026-12-01", out var bound));
        var newYork = TenantTimeZones.Find("America/New_York");

        Assert.Equal(new DateTimeOffset(2026, 12, 1, 5, 0, 0, TimeSpan.Zero), bound.Resolve(newYork, ValidityEdge.Start).ToUniversalTime());
    }

    [Theory]
    [InlineData("2026-12-01T10:00:00+09:00", "2026-12-01T01:00:00.0000000+00:00")]
    [InlineData("2026-12-01T10:00:00Z", "2026-12-01T10:00:00.0000000+00:00")]
    [InlineData("2026-12-01T10:00+09:00", "2026-12-01T01:00:00.0000000+00:00")]
    [InlineData("2026-12-01T10:00:00.1234567-05:00", "2026-12-01T15:00:00.1234560+00:00")]
    public void Instants_need_an_offset_and_keep_microseconds(string text, string expectedUtc)
    {
        Assert.True(ValidityBound.TryParse(text, out var bound));
        var resolved = bound.Resolve(Tokyo, ValidityEdge.End);

        Assert.Equal(expectedUtc, resolved.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("2026-12-01T10:00:00")] // no offset: would silently mean the server's zone
    [InlineData("2026-12-01 10:00:00+09:00")]
    [InlineData("2026-02-30")]
    [InlineData("2026/12/01")]
    [InlineData("令和8年12月1日")]
    [InlineData("12/01/2026")]
    [InlineData("")]
    [InlineData("2026-12-01T25:00:00+09:00")]
    [InlineData("2026-12-01T10:00:00+9")]
    public void Other_texts_are_refused(string text)
    {
        Assert.False(ValidityBound.TryParse(text, out _));
    }

    [Theory]
    [InlineData("ja-JP")]
    [InlineData("th-TH")]
    [InlineData("ar-SA")]
    public void Parsing_does_not_depend_on_the_current_culture(string cultureName)
    {
        using var culture = CultureScope.Use(cultureName);

        Assert.True(ValidityBound.TryParse("2019-09-16", out var bound));
        Assert.Equal(new DateOnly(2019, 9, 16), bound.Date);
        Assert.Equal("2019-09-16", bound.ToString());
    }

    [Fact]
    public void Start_of_day_skips_a_midnight_that_does_not_exist()
    {
        // In Santiago (Chile), clocks jump from 00:00 to 01:00 on the first Sunday of September.
        var santiago = TenantTimeZones.Find("America/Santiago");
        var start = ValidityBound.StartOfDay(new DateOnly(2026, 9, 6), santiago);

        Assert.False(santiago.IsInvalidTime(start.DateTime));
        Assert.Equal(new DateOnly(2026, 9, 6), DateOnly.FromDateTime(start.DateTime));
    }
}
