using System.Globalization;
using SmartECoupon.Calendar;

namespace SmartECoupon.Core.Tests.Calendar;

public class JapaneseHolidaysTests
{
    // Every holiday of these years, written out. Checked against the rules of the law (see eng/holiday-reference.py,
    // an independent implementation) and, for 2019–2021 and 2026, against the Cabinet Office's published lists.
    private static readonly Dictionary<int, (string Date, string Name)[]> Years = new()
    {
        [1973] =
        [
            ("1973-01-01", "元日"),
            ("1973-01-15", "成人の日"),
            ("1973-02-11", "建国記念の日"),
            ("1973-03-21", "春分の日"),
            ("1973-04-29", "天皇誕生日"),
            ("1973-04-30", "振替休日"),
            ("1973-05-03", "憲法記念日"),
            ("1973-05-05", "こどもの日"),
            ("1973-09-15", "敬老の日"),
            ("1973-09-23", "秋分の日"),
            ("1973-09-24", "振替休日"),
            ("1973-10-10", "体育の日"),
            ("1973-11-03", "文化の日"),
            ("1973-11-23", "勤労感謝の日"),
        ],
        [1988] =
        [
            ("1988-01-01", "元日"),
            ("1988-01-15", "成人の日"),
            ("1988-02-11", "建国記念の日"),
            ("1988-03-20", "春分の日"),
            ("1988-03-21", "振替休日"),
            ("1988-04-29", "天皇誕生日"),
            ("1988-05-03", "憲法記念日"),
            ("1988-05-04", "国民の休日"),
            ("1988-05-05", "こどもの日"),
            ("1988-09-15", "敬老の日"),
            ("1988-09-23", "秋分の日"),
            ("1988-10-10", "体育の日"),
            ("1988-11-03", "文化の日"),
            ("1988-11-23", "勤労感謝の日"),
        ],
        [2007] =
        [
            ("2007-01-01", "元日"),
            ("2007-01-08", "成人の日"),
            ("2007-02-11", "建国記念の日"),
            ("2007-02-12", "振替休日"),
            ("2007-03-21", "春分の日"),
            ("2007-04-29", "昭和の日"),
            ("2007-04-30", "振替休日"),
            ("2007-05-03", "憲法記念日"),
            ("2007-05-04", "みどりの日"),
            ("2007-05-05", "こどもの日"),
            ("2007-07-16", "海の日"),
            ("2007-09-17", "敬老の日"),
            ("2007-09-23", "秋分の日"),
            ("2007-09-24", "振替休日"),
            ("2007-10-08", "体育の日"),
            ("2007-11-03", "文化の日"),
            ("2007-11-23", "勤労感謝の日"),
            ("2007-12-23", "天皇誕生日"),
            ("2007-12-24", "振替休日"),
        ],
        [2008] =
        [
            ("2008-01-01", "元日"),
            ("2008-01-14", "成人の日"),
            ("2008-02-11", "建国記念の日"),
            ("2008-03-20", "春分の日"),
            ("2008-04-29", "昭和の日"),
            ("2008-05-03", "憲法記念日"),
            ("2008-05-04", "みどりの日"),
            ("2008-05-05", "こどもの日"),
            ("2008-05-06", "振替休日"),
            ("2008-07-21", "海の日"),
            ("2008-09-15", "敬老の日"),
            ("2008-09-23", "秋分の日"),
            ("2008-10-13", "体育の日"),
            ("2008-11-03", "文化の日"),
            ("2008-11-23", "勤労感謝の日"),
            ("2008-11-24", "振替休日"),
            ("2008-12-23", "天皇誕生日"),
        ],
        [2009] =
        [
            ("2009-01-01", "元日"),
            ("2009-01-12", "成人の日"),
            ("2009-02-11", "建国記念の日"),
            ("2009-03-20", "春分の日"),
            ("2009-04-29", "昭和の日"),
            ("2009-05-03", "憲法記念日"),
            ("2009-05-04", "みどりの日"),
            ("2009-05-05", "こどもの日"),
            ("2009-05-06", "振替休日"),
            ("2009-07-20", "海の日"),
            ("2009-09-21", "敬老の日"),
            ("2009-09-22", "国民の休日"),
            ("2009-09-23", "秋分の日"),
            ("2009-10-12", "体育の日"),
            ("2009-11-03", "文化の日"),
            ("2009-11-23", "勤労感謝の日"),
            ("2009-12-23", "天皇誕生日"),
        ],
        [2015] =
        [
            ("2015-01-01", "元日"),
            ("2015-01-12", "成人の日"),
            ("2015-02-11", "建国記念の日"),
            ("2015-03-21", "春分の日"),
            ("2015-04-29", "昭和の日"),
            ("2015-05-03", "憲法記念日"),
            ("2015-05-04", "みどりの日"),
            ("2015-05-05", "こどもの日"),
            ("2015-05-06", "振替休日"),
            ("2015-07-20", "海の日"),
            ("2015-09-21", "敬老の日"),
            ("2015-09-22", "国民の休日"),
            ("2015-09-23", "秋分の日"),
            ("2015-10-12", "体育の日"),
            ("2015-11-03", "文化の日"),
            ("2015-11-23", "勤労感謝の日"),
            ("2015-12-23", "天皇誕生日"),
        ],
        [2019] =
        [
            ("2019-01-01", "元日"),
            ("2019-01-14", "成人の日"),
            ("2019-02-11", "建国記念の日"),
            ("2019-03-21", "春分の日"),
            ("2019-04-29", "昭和の日"),
            ("2019-04-30", "国民の休日"),
            ("2019-05-01", "天皇の即位の日"),
            ("2019-05-02", "国民の休日"),
            ("2019-05-03", "憲法記念日"),
            ("2019-05-04", "みどりの日"),
            ("2019-05-05", "こどもの日"),
            ("2019-05-06", "振替休日"),
            ("2019-07-15", "海の日"),
            ("2019-08-11", "山の日"),
            ("2019-08-12", "振替休日"),
            ("2019-09-16", "敬老の日"),
            ("2019-09-23", "秋分の日"),
            ("2019-10-14", "体育の日"),
            ("2019-10-22", "即位礼正殿の儀"),
            ("2019-11-03", "文化の日"),
            ("2019-11-04", "振替休日"),
            ("2019-11-23", "勤労感謝の日"),
        ],
        [2020] =
        [
            ("2020-01-01", "元日"),
            ("2020-01-13", "成人の日"),
            ("2020-02-11", "建国記念の日"),
            ("2020-02-23", "天皇誕生日"),
            ("2020-02-24", "振替休日"),
            ("2020-03-20", "春分の日"),
            ("2020-04-29", "昭和の日"),
            ("2020-05-03", "憲法記念日"),
            ("2020-05-04", "みどりの日"),
            ("2020-05-05", "こどもの日"),
            ("2020-05-06", "振替休日"),
            ("2020-07-23", "海の日"),
            ("2020-07-24", "スポーツの日"),
            ("2020-08-10", "山の日"),
            ("2020-09-21", "敬老の日"),
            ("2020-09-22", "秋分の日"),
            ("2020-11-03", "文化の日"),
            ("2020-11-23", "勤労感謝の日"),
        ],
        [2021] =
        [
            ("2021-01-01", "元日"),
            ("2021-01-11", "成人の日"),
            ("2021-02-11", "建国記念の日"),
            ("2021-02-23", "天皇誕生日"),
            ("2021-03-20", "春分の日"),
            ("2021-04-29", "昭和の日"),
            ("2021-05-03", "憲法記念日"),
            ("2021-05-04", "みどりの日"),
            ("2021-05-05", "こどもの日"),
            ("2021-07-22", "海の日"),
            ("2021-07-23", "スポーツの日"),
            ("2021-08-08", "山の日"),
            ("2021-08-09", "振替休日"),
            ("2021-09-20", "敬老の日"),
            ("2021-09-23", "秋分の日"),
            ("2021-11-03", "文化の日"),
            ("2021-11-23", "勤労感謝の日"),
        ],
        [2026] =
        [
            ("2026-01-01", "元日"),
            ("2026-01-12", "成人の日"),
            ("2026-02-11", "建国記念の日"),
            ("2026-02-23", "天皇誕生日"),
            ("2026-03-20", "春分の日"),
            ("2026-04-29", "昭和の日"),
            ("2026-05-03", "憲法記念日"),
            ("2026-05-04", "みどりの日"),
            ("2026-05-05", "こどもの日"),
            ("2026-05-06", "振替休日"),
            ("2026-07-20", "海の日"),
            ("2026-08-11", "山の日"),
            ("2026-09-21", "敬老の日"),
            ("2026-09-22", "国民の休日"),
            ("2026-09-23", "秋分の日"),
            ("2026-10-12", "スポーツの日"),
            ("2026-11-03", "文化の日"),
            ("2026-11-23", "勤労感謝の日"),
        ],
        [2033] =
        [
            ("2033-01-01", "元日"),
            ("2033-01-10", "成人の日"),
            ("2033-02-11", "建国記念の日"),
            ("2033-02-23", "天皇誕生日"),
            ("2033-03-20", "春分の日"),
            ("2033-03-21", "振替休日"),
            ("2033-04-29", "昭和の日"),
            ("2033-05-03", "憲法記念日"),
            ("2033-05-04", "みどりの日"),
            ("2033-05-05", "こどもの日"),
            ("2033-07-18", "海の日"),
            ("2033-08-11", "山の日"),
            ("2033-09-19", "敬老の日"),
            ("2033-09-23", "秋分の日"),
            ("2033-10-10", "スポーツの日"),
            ("2033-11-03", "文化の日"),
            ("2033-11-23", "勤労感謝の日"),
        ],
        [2099] =
        [
            ("2099-01-01", "元日"),
            ("2099-01-12", "成人の日"),
            ("2099-02-11", "建国記念の日"),
            ("2099-02-23", "天皇誕生日"),
            ("2099-03-20", "春分の日"),
            ("2099-04-29", "昭和の日"),
            ("2099-05-03", "憲法記念日"),
            ("2099-05-04", "みどりの日"),
            ("2099-05-05", "こどもの日"),
            ("2099-05-06", "振替休日"),
            ("2099-07-20", "海の日"),
            ("2099-08-11", "山の日"),
            ("2099-09-21", "敬老の日"),
            ("2099-09-22", "国民の休日"),
            ("2099-09-23", "秋分の日"),
            ("2099-10-12", "スポーツの日"),
            ("2099-11-03", "文化の日"),
            ("2099-11-23", "勤労感謝の日"),
        ],
    };

    public static TheoryData<int> ListedYears() => [.. Years.Keys];

    [Theory]
    [MemberData(nameof(ListedYears))]
    public void Every_holiday_of_the_year_is_exactly_the_written_list(int year)
    {
        var expected = Years[year].Select(h => new Holiday(DateOnly.ParseExact(h.Date, "yyyy-MM-dd", CultureInfo.InvariantCulture), h.Name)).ToList();

        Assert.Equal(expected, JapaneseHolidays.GetHolidays(year));
    }

    [Theory]
    [MemberData(nameof(ListedYears))]
    public void Day_by_day_the_year_agrees_with_its_list(int year)
    {
        var listed = Years[year].ToDictionary(h => DateOnly.ParseExact(h.Date, "yyyy-MM-dd", CultureInfo.InvariantCulture), h => h.Name);
        for (var date = new DateOnly(year, 1, 1); date.Year == year; date = date.AddDays(1))
        {
            Assert.Equal(listed.GetValueOrDefault(date), JapaneseHolidays.GetHolidayName(date));
            Assert.Equal(listed.ContainsKey(date), JapaneseHolidays.IsHoliday(date));
        }
    }

    // jp-rules.md §5.1: the 25 tricky dates, and the extras.
    [Theory]
    [InlineData("1959-04-10", "皇太子明仁親王の結婚の儀")]
    [InlineData("1973-02-12", null)]
    [InlineData("1973-04-30", "振替休日")]
    [InlineData("1979-09-24", "秋分の日")]
    [InlineData("1987-05-04", "振替休日")]
    [InlineData("1988-05-04", "国民の休日")]
    [InlineData("1989-02-24", "昭和天皇の大喪の礼")]
    [InlineData("1990-11-12", "即位礼正殿の儀")]
    [InlineData("2000-01-10", "成人の日")]
    [InlineData("2000-01-15", null)]
    [InlineData("2006-05-04", "国民の休日")]
    [InlineData("2008-05-06", "振替休日")]
    [InlineData("2009-09-22", "国民の休日")]
    [InlineData("2012-09-22", "秋分の日")]
    [InlineData("2012-09-23", null)]
    [InlineData("2015-08-11", null)]
    [InlineData("2016-08-11", "山の日")]
    [InlineData("2018-12-24", "振替休日")]
    [InlineData("2019-04-30", "国民の休日")]
    [InlineData("2019-05-01", "天皇の即位の日")]
    [InlineData("2019-05-02", "国民の休日")]
    [InlineData("2019-10-22", "即位礼正殿の儀")]
    [InlineData("2019-12-23", null)]
    [InlineData("2020-02-24", "振替休日")]
    [InlineData("2020-07-24", "スポーツの日")]
    [InlineData("2020-10-12", null)]
    [InlineData("2021-08-09", "振替休日")]
    [InlineData("2021-08-11", null)]
    [InlineData("2021-07-19", null)]
    [InlineData("2021-10-11", null)]
    [InlineData("2026-05-06", "振替休日")]
    [InlineData("2026-09-22", "国民の休日")]
    [InlineData("2024-09-23", "振替休日")]
    [InlineData("2023-01-02", "振替休日")]
    [InlineData("2032-09-21", "国民の休日")]
    [InlineData("2019-10-14", "体育の日")]
    [InlineData("1970-03-21", "春分の日")]
    [InlineData("1970-03-22", null)]
    [InlineData("1993-06-09", "皇太子徳仁親王の結婚の儀")]
    [InlineData("1948-09-23", "秋分の日")]
    [InlineData("1948-07-20", null)]
    public void Tricky_dates(string date, string? name)
    {
        Assert.Equal(name, JapaneseHolidays.GetHolidayName(DateOnly.ParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void The_first_year_of_the_law_starts_on_20_July_1948()
    {
        Assert.Equal(["1948-09-23 秋分の日", "1948-11-03 文化の日", "1948-11-23 勤労感謝の日"],
            JapaneseHolidays.GetHolidays(1948).Select(h => $"{h.Date:yyyy-MM-dd} {h.Name}"));
    }

    [Fact]
    public void Dates_outside_1948_07_20_to_2099_12_31_are_refused_with_a_clear_message()
    {
        var before = Assert.Throws<ArgumentOutOfRangeException>(() => JapaneseHolidays.IsHoliday(new DateOnly(1948, 7, 19)));
        var after = Assert.Throws<ArgumentOutOfRangeException>(() => JapaneseHolidays.GetHolidayName(new DateOnly(2100, 1, 1)));
        var year = Assert.Throws<ArgumentOutOfRangeException>(() => JapaneseHolidays.GetHolidays(2100));

        Assert.Contains("1948-07-20", before.Message, StringComparison.Ordinal);
        Assert.Contains("2099-12-31", after.Message, StringComparison.Ordinal);
        Assert.Contains("equinox", year.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => JapaneseHolidays.GetHolidays(1947));
        Assert.NotNull(JapaneseHolidays.GetHolidayName(new DateOnly(2099, 11, 23)));
    }

    [Fact]
    public void Every_year_of_the_range_computes_and_the_counts_are_plausible()
    {
        for (var year = 1949; year <= 2099; year++)
        {
            var holidays = JapaneseHolidays.GetHolidays(year);
            Assert.InRange(holidays.Count, 9, 25);
            Assert.All(holidays, h => Assert.Equal(year, h.Date.Year));
            Assert.Equal(holidays.Select(h => h.Date).Order(), holidays.Select(h => h.Date));
            Assert.Equal(2, holidays.Count(h => h.Name is "春分の日" or "秋分の日"));
        }
    }

    [Theory]
    [InlineData("ja-JP")]
    [InlineData("th-TH")]
    [InlineData("en-US")]
    public void The_answers_do_not_depend_on_culture_or_time_zone(string cultureName)
    {
        using var culture = CultureScope.Use(cultureName);

        Assert.Equal("天皇の即位の日", JapaneseHolidays.GetHolidayName(new DateOnly(2019, 5, 1)));
        Assert.Equal(Years[2026].Length, JapaneseHolidays.GetHolidays(2026).Count);
    }
}
