using System.Globalization;
using SmartECoupon.Calendar;

namespace SmartECoupon.Core.Tests.Calendar;

public class BusinessCalendarTests
{
    private static readonly BusinessCalendar Calendar = BusinessCalendar.Default;
    private static readonly TimeSpan Jst = TimeSpan.FromHours(9);

    private static DateOnly Date(string text) => DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    // jp-rules.md §5.1: the 10th business day after a cancellation.
    [Theory]
    [InlineData("2019-04-26", "2019-05-20")] // the ten-day Golden Week of 2019
    [InlineData("2025-12-26", "2026-01-16")] // the year-end closure, then 成人の日 on 1/12
    [InlineData("2026-04-28", "2026-05-18")] // 4/29 and 5/3–5/6
    [InlineData("2026-09-18", "2026-10-07")] // Silver Week 9/19–9/23
    [InlineData("2021-07-20", "2021-08-05")] // the Olympic 7/22 and 7/23
    [InlineData("2020-12-28", "2021-01-15")] // the closure, then 成人の日 1/11
    public void The_tenth_business_day_after_a_cancellation(string cancelled, string tenth)
    {
        Assert.Equal(Date(tenth), Calendar.AddBusinessDays(Date(cancelled), 10));
    }

    [Fact]
    public void The_start_is_not_counted_and_zero_days_is_the_start_itself()
    {
        Assert.Equal(Date("2026-12-01"), Calendar.AddBusinessDays(Date("2026-11-30"), 1)); // Monday → Tuesday
        Assert.Equal(Date("2026-11-30"), Calendar.AddBusinessDays(Date("2026-11-27"), 1)); // Friday → Monday
        Assert.Equal(Date("2026-11-28"), Calendar.AddBusinessDays(Date("2026-11-28"), 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Calendar.AddBusinessDays(Date("2026-11-28"), -1));
    }

    [Theory]
    [InlineData("2026-11-30", true)]  // Monday
    [InlineData("2026-11-28", false)] // Saturday
    [InlineData("2026-11-29", false)] // Sunday
    [InlineData("2026-11-23", false)] // 勤労感謝の日
    [InlineData("2026-12-29", true)]  // Tuesday before the closure
    [InlineData("2026-12-30", false)] // closure
    [InlineData("2027-01-04", true)]  // the first business day of 2027
    [InlineData("2024-01-03", false)] // closure on a Wednesday
    [InlineData("2023-01-02", false)] // 振替休日 and closure
    public void Business_days_are_weekdays_that_are_neither_holidays_nor_closed(string date, bool business)
    {
        Assert.Equal(business, Calendar.IsBusinessDay(Date(date)));
    }

    [Fact]
    public void Options_change_weekends_closures_and_extra_holidays()
    {
        var calendar = BusinessCalendar.Create(new BusinessCalendarOptions
        {
            Weekends = "Sunday",
            NationalHolidays = false,
            ClosedDays = "08-13,08-14,08-15",
            ExtraHolidays = "2026-12-01",
        });

        Assert.True(calendar.IsBusinessDay(Date("2026-11-28")));  // Saturday works
        Assert.True(calendar.IsBusinessDay(Date("2026-11-23")));  // holidays ignored
        Assert.False(calendar.IsBusinessDay(Date("2026-08-14")));  // お盆 closure
        Assert.False(calendar.IsBusinessDay(Date("2026-12-01")));
        Assert.True(calendar.IsBusinessDay(Date("2026-12-30")));  // the default closure replaced
        var tenantCalendar = Calendar.WithExtraHolidays([Date("2026-12-02")]);
        Assert.False(tenantCalendar.IsBusinessDay(Date("2026-12-02")));
        Assert.True(Calendar.IsBusinessDay(Date("2026-12-02")));
    }

    [Fact]
    public void Bad_options_are_named_one_by_one()
    {
        var problems = BusinessCalendar.Validate(new BusinessCalendarOptions
        {
            TimeZoneId = "Nowhere/Land",
            Weekends = "Sunday,Funday",
            ClosedDays = "12-32",
            ExtraHolidays = "2026/12/01",
            SupportHours = "10:00-09:00,13:00-17:00,16:00-18:00",
        });

        Assert.Equal(6, problems.Count);
        Assert.Contains(problems, p => p.Contains("Funday", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("overlap", StringComparison.Ordinal));
        Assert.Throws<FormatException>(() => BusinessCalendar.Create(new BusinessCalendarOptions { ClosedDays = "13-01" }));
    }

    [Theory]
    [InlineData("2026-11-30T10:00:00", true)]  // opening, inclusive
    [InlineData("2026-11-30T11:59:59", true)]
    [InlineData("2026-11-30T12:00:00", false)] // lunch, the end is exclusive
    [InlineData("2026-11-30T12:59:59", false)]
    [InlineData("2026-11-30T13:00:00", true)]
    [InlineData("2026-11-30T16:59:59", true)]
    [InlineData("2026-11-30T17:00:00", false)]
    [InlineData("2026-11-30T09:59:59", false)]
    [InlineData("2026-11-28T11:00:00", false)] // Saturday
    [InlineData("2026-11-23T11:00:00", false)] // 勤労感謝の日
    public void Support_hours_are_10_to_12_and_13_to_17_JST_on_business_days(string localTime, bool open)
    {
        var instant = new DateTimeOffset(DateTime.ParseExact(localTime, "yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture), Jst);

        Assert.Equal(open, Calendar.IsWithinSupportHours(instant));
        Assert.Equal(open, Calendar.IsWithinSupportHours(instant.ToUniversalTime()));
    }

    [Theory]
    [InlineData("2026-11-30T11:00:00+09:00", "2026-11-30T11:00:00+09:00")] // open now
    [InlineData("2026-11-30T12:30:00+09:00", "2026-11-30T13:00:00+09:00")] // after lunch
    [InlineData("2026-11-30T08:00:00+09:00", "2026-11-30T10:00:00+09:00")]
    [InlineData("2026-11-27T17:30:00+09:00", "2026-11-30T10:00:00+09:00")] // Friday evening → Monday
    [InlineData("2026-12-28T18:00:00+09:00", "2026-12-29T10:00:00+09:00")]
    [InlineData("2026-12-29T17:00:00+09:00", "2027-01-04T10:00:00+09:00")] // year-end closure
    [InlineData("2026-11-30T02:30:00Z", "2026-11-30T13:00:00+09:00")]      // 11:30 JST given in UTC → open? no: 02:30Z is 11:30 JST
    public void The_next_opening_time(string instant, string expected)
    {
        var at = DateTimeOffset.Parse(instant, CultureInfo.InvariantCulture);
        var next = Calendar.NextSupportOpening(at);

        if (Calendar.IsWithinSupportHours(at))
        {
            Assert.Equal(at, next);
        }
        else
        {
            Assert.Equal(DateTimeOffset.Parse(expected, CultureInfo.InvariantCulture), next);
            Assert.Equal(Jst, next.Offset);
        }
        Assert.True(Calendar.IsWithinSupportHours(next));
    }
}
