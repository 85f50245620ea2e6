using System.Globalization;
using SmartECoupon.Calendar;

namespace SmartECoupon.DocSnippets;

/// <summary>docs/calendar.md.</summary>
internal static class CalendarSnippets
{
    public static void Run(Checks checks)
    {
        Holidays(checks);
        BusinessDays(checks);
    }

    private static void Holidays(Checks checks)
    {
        var output = new StringWriter();
        var console = Console.Out;
        Console.SetOut(output);
        try
        {
            JapaneseHolidays.IsHoliday(new DateOnly(2026, 9, 22));        // true
            JapaneseHolidays.GetHolidayName(new DateOnly(2026, 9, 22));   // "国民の休日"
            JapaneseHolidays.GetHolidayName(new DateOnly(2026, 5, 6));    // "振替休日"
            foreach (var holiday in JapaneseHolidays.GetHolidays(2026))
            {
                Console.WriteLine($"{holiday.Date:yyyy-MM-dd} {holiday.Name}");
            }
        }
        finally
        {
            Console.SetOut(console);
        }
        checks.That(JapaneseHolidays.IsHoliday(new DateOnly(2026, 9, 22)), "calendar.md: 2026-09-22 is a holiday");
        checks.Equal("国民の休日", JapaneseHolidays.GetHolidayName(new DateOnly(2026, 9, 22)), "calendar.md: 2026-09-22's name");
        checks.Equal("振替休日", JapaneseHolidays.GetHolidayName(new DateOnly(2026, 5, 6)), "calendar.md: 2026-05-06's name");
        checks.That(output.ToString().Contains("2026-01-01 元日", StringComparison.Ordinal), "calendar.md: the 2026 list starts with 元日");
    }

    private static void BusinessDays(Checks checks)
    {
        var calendar = BusinessCalendar.Default;   // or inject BusinessCalendar (built from SmartECoupon:Calendar)
        calendar.IsBusinessDay(new DateOnly(2026, 12, 30));                  // false: year-end closure
        calendar.AddBusinessDays(new DateOnly(2025, 12, 26), 10);           // 2026-01-16
        calendar.IsWithinSupportHours(DateTimeOffset.Parse("2026-11-30T12:30:00+09:00", CultureInfo.InvariantCulture)); // false: lunch
        calendar.NextSupportOpening(DateTimeOffset.Parse("2026-12-29T17:00:00+09:00", CultureInfo.InvariantCulture));  // 2027-01-04 10:00 +09:00
        var tenantCalendar = calendar.WithExtraHolidays([new DateOnly(2026, 8, 14)]); // a company holiday

        checks.That(!calendar.IsBusinessDay(new DateOnly(2026, 12, 30)), "calendar.md: 2026-12-30 is not a business day");
        checks.Equal(new DateOnly(2026, 1, 16), calendar.AddBusinessDays(new DateOnly(2025, 12, 26), 10), "calendar.md: 10 business days after 2025-12-26");
        checks.That(!calendar.IsWithinSupportHours(DateTimeOffset.Parse("2026-11-30T12:30:00+09:00", CultureInfo.InvariantCulture)), "calendar.md: 12:30 is lunch");
        checks.Equal(DateTimeOffset.Parse("2027-01-04T10:00:00+09:00", CultureInfo.InvariantCulture),
            calendar.NextSupportOpening(DateTimeOffset.Parse("2026-12-29T17:00:00+09:00", CultureInfo.InvariantCulture)), "calendar.md: next opening after 2026-12-29 17:00");
        checks.That(calendar.IsBusinessDay(new DateOnly(2026, 8, 14)) && !tenantCalendar.IsBusinessDay(new DateOnly(2026, 8, 14)), "calendar.md: the company holiday");
    }
}
