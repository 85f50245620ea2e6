using System.Globalization;
using SmartECoupon.Tenancy;

namespace SmartECoupon.Calendar;

/// <summary>
/// Options of the business calendar. Lists are comma-separated strings, so that one configuration value replaces the
/// default outright (configuration binding appends to list defaults instead of replacing them).
/// </summary>
public sealed class BusinessCalendarOptions
{
    /// <summary>The zone in which days and hours are read. Default <c>Asia/Tokyo</c>.</summary>
    public string TimeZoneId { get; set; } = TenantTimeZones.Default;

    /// <summary>Days of the week that are never business days. Default <c>Saturday,Sunday</c>.</summary>
    public string Weekends { get; set; } = "Saturday,Sunday";

    /// <summary>Whether Japanese national holidays are closed days. Default <see langword="true"/>.</summary>
    public bool NationalHolidays { get; set; } = true;

    /// <summary>Closed days every year, as <c>MM-DD</c>. Default the year-end closure <c>12-30,12-31,01-01,01-02,01-03</c>.</summary>
    public string ClosedDays { get; set; } = "12-30,12-31,01-01,01-02,01-03";

    /// <summary>Further closed dates, as <c>yyyy-MM-dd</c> (company holidays a tenant or operator adds). Default none.</summary>
    public string ExtraHolidays { get; set; } = "";

    /// <summary>Support hours on business days, as <c>HH:mm-HH:mm</c> (start inclusive, end exclusive). Default <c>10:00-12:00,13:00-17:00</c>.</summary>
    public string SupportHours { get; set; } = "10:00-12:00,13:00-17:00";
}

/// <summary>
/// Business days and support hours: not a weekend, not a national holiday, not a closed day of the year, not an extra
/// holiday. Counts deadlines such as "10 business days after the cancellation" (the first day counted is the day after
/// the start, as 民法 140条 reads periods) and says when support is open.
/// </summary>
public sealed class BusinessCalendar
{
    private readonly HashSet<DayOfWeek> _weekends;
    private readonly bool _nationalHolidays;
    private readonly HashSet<(int Month, int Day)> _closedDays;
    private readonly HashSet<DateOnly> _extraHolidays;
    private readonly (TimeOnly Start, TimeOnly End)[] _supportHours;

    private BusinessCalendar(TimeZoneInfo zone, HashSet<DayOfWeek> weekends, bool nationalHolidays, HashSet<(int, int)> closedDays, HashSet<DateOnly> extraHolidays, (TimeOnly, TimeOnly)[] supportHours)
    {
        TimeZone = zone;
        _weekends = weekends;
        _nationalHolidays = nationalHolidays;
        _closedDays = closedDays;
        _extraHolidays = extraHolidays;
        _supportHours = supportHours;
    }

    /// <summary>The zone days and hours are read in.</summary>
    public TimeZoneInfo TimeZone { get; }

    /// <summary>The calendar with the default options: the sheet's support calendar (weekends, holidays, 12/30–1/3, 10–12 and 13–17 JST).</summary>
    public static BusinessCalendar Default { get; } = Create(new BusinessCalendarOptions());

    /// <summary>Builds a calendar from options.</summary>
    /// <exception cref="FormatException">An option cannot be read (see <see cref="Validate"/>).</exception>
    public static BusinessCalendar Create(BusinessCalendarOptions options)
    {
        var problems = Validate(options);
        if (problems.Count > 0)
        {
            throw new FormatException(string.Join(" ", problems));
        }
        return new BusinessCalendar(
            TenantTimeZones.Find(options.TimeZoneId),
            Split(options.Weekends).Select(w => Enum.Parse<DayOfWeek>(w, ignoreCase: true)).ToHashSet(),
            options.NationalHolidays,
            Split(options.ClosedDays).Select(ParseMonthDay).ToHashSet(),
            Split(options.ExtraHolidays).Select(d => DateOnly.ParseExact(d, "yyyy-MM-dd", CultureInfo.InvariantCulture)).ToHashSet(),
            Split(options.SupportHours).Select(ParseInterval).OrderBy(i => i.Start).ToArray());
    }

    /// <summary>What is wrong with <paramref name="options"/>, one sentence per problem; empty when they are usable.</summary>
    public static IReadOnlyList<string> Validate(BusinessCalendarOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (!TenantTimeZones.TryFind(options.TimeZoneId, out _))
        {
            problems.Add($"TimeZoneId '{options.TimeZoneId}' does not exist on this machine.");
        }
        foreach (var weekend in Split(options.Weekends).Where(w => !Enum.TryParse<DayOfWeek>(w, ignoreCase: true, out _) || int.TryParse(w, out _)))
        {
            problems.Add($"Weekends: '{weekend}' is not a day of the week.");
        }
        foreach (var day in Split(options.ClosedDays).Where(d => !TryParseMonthDay(d, out _)))
        {
            problems.Add($"ClosedDays: '{day}' is not MM-DD.");
        }
        foreach (var date in Split(options.ExtraHolidays).Where(d => !DateOnly.TryParseExact(d, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)))
        {
            problems.Add($"ExtraHolidays: '{date}' is not yyyy-MM-dd.");
        }
        var intervals = new List<(TimeOnly Start, TimeOnly End)>();
        foreach (var text in Split(options.SupportHours))
        {
            if (!TryParseInterval(text, out var interval))
            {
                problems.Add($"SupportHours: '{text}' is not HH:mm-HH:mm with the start before the end.");
            }
            else
            {
                intervals.Add(interval);
            }
        }
        var sorted = intervals.OrderBy(i => i.Start).ToList();
        for (var i = 1; i < sorted.Count; i++)
        {
            if (sorted[i].Start < sorted[i - 1].End)
            {
                problems.Add("SupportHours: the intervals overlap.");
            }
        }
        return problems;
    }

    /// <summary>A copy of this calendar with more closed dates (a tenant's own company holidays, for example).</summary>
    public BusinessCalendar WithExtraHolidays(IEnumerable<DateOnly> dates)
    {
        ArgumentNullException.ThrowIfNull(dates);
        return new BusinessCalendar(TimeZone, _weekends, _nationalHolidays, _closedDays, [.. _extraHolidays, .. dates], _supportHours);
    }

    /// <summary>Whether <paramref name="date"/> is a business day.</summary>
    public bool IsBusinessDay(DateOnly date) =>
        !_weekends.Contains(date.DayOfWeek)
        && !_closedDays.Contains((date.Month, date.Day))
        && !_extraHolidays.Contains(date)
        && !(_nationalHolidays && JapaneseHolidays.IsHoliday(date));

    /// <summary>
    /// The <paramref name="businessDays"/>-th business day after <paramref name="start"/> (start itself not counted);
    /// <paramref name="start"/> itself for zero. With the defaults, 10 business days after Friday 2025-12-26 is
    /// 2026-01-16: the year-end closure and 成人の日 (2026-01-12) are skipped.
    /// </summary>
    public DateOnly AddBusinessDays(DateOnly start, int businessDays)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(businessDays);
        var date = start;
        for (var counted = 0; counted < businessDays;)
        {
            date = date.AddDays(1);
            if (IsBusinessDay(date))
            {
                counted++;
            }
        }
        return date;
    }

    /// <summary>The calendar date of <paramref name="instant"/> in this calendar's zone.</summary>
    public DateOnly DateOf(DateTimeOffset instant) => TenantTimeZones.DateIn(instant, TimeZone);

    /// <summary>Whether support is open at <paramref name="instant"/>.</summary>
    public bool IsWithinSupportHours(DateTimeOffset instant)
    {
        var local = TimeZoneInfo.ConvertTime(instant, TimeZone);
        if (!IsBusinessDay(DateOnly.FromDateTime(local.DateTime)))
        {
            return false;
        }
        var time = TimeOnly.FromDateTime(local.DateTime);
        return _supportHours.Any(h => time >= h.Start && time < h.End);
    }

    /// <summary>
    /// When support is next open, from <paramref name="instant"/> on: <paramref name="instant"/> itself while it is open,
    /// otherwise the start of the next support interval on a business day (in this calendar's zone).
    /// </summary>
    public DateTimeOffset NextSupportOpening(DateTimeOffset instant)
    {
        if (_supportHours.Length == 0)
        {
            throw new InvalidOperationException("The calendar has no support hours.");
        }
        if (IsWithinSupportHours(instant))
        {
            return instant;
        }
        var local = TimeZoneInfo.ConvertTime(instant, TimeZone);
        var date = DateOnly.FromDateTime(local.DateTime);
        var time = TimeOnly.FromDateTime(local.DateTime);
        for (var day = 0; day < 3660; day++, date = date.AddDays(1))
        {
            if (!IsBusinessDay(date))
            {
                continue;
            }
            foreach (var (start, _) in _supportHours)
            {
                if (day > 0 || start > time)
                {
                    var opening = date.ToDateTime(start);
                    return new DateTimeOffset(opening, TimeZone.GetUtcOffset(opening));
                }
            }
        }
        throw new InvalidOperationException("No business day within ten years: the calendar closes every day.");
    }

    private static string[] Split(string? list) =>
        (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static (int, int) ParseMonthDay(string text) => TryParseMonthDay(text, out var md) ? md : throw new FormatException(text);

    private static bool TryParseMonthDay(string text, out (int Month, int Day) monthDay)
    {
        monthDay = default;
        // Parsed against a leap year so that 02-29 is accepted as a closed day.
        if (!DateOnly.TryParseExact("2024-" + text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return false;
        }
        monthDay = (date.Month, date.Day);
        return true;
    }

    private static (TimeOnly Start, TimeOnly End) ParseInterval(string text) => TryParseInterval(text, out var interval) ? interval : throw new FormatException(text);

    private static bool TryParseInterval(string text, out (TimeOnly Start, TimeOnly End) interval)
    {
        interval = default;
        var parts = text.Split('-');
        if (parts.Length != 2
            || !TimeOnly.TryParseExact(parts[0].Trim(), "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var start)
            || !TimeOnly.TryParseExact(parts[1].Trim(), "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var end)
            || end <= start)
        {
            return false;
        }
        interval = (start, end);
        return true;
    }
}
