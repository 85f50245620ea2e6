using System.Collections.Frozen;

namespace SmartECoupon.Calendar;

/// <summary>A national holiday: its date and its Japanese name.</summary>
/// <param name="Date">The date.</param>
/// <param name="Name">The Japanese name, e.g. <c>元日</c>, <c>振替休日</c>, <c>国民の休日</c>.</param>
public readonly record struct Holiday(DateOnly Date, string Name);

/// <summary>
/// Japanese national holidays under 国民の祝日に関する法律 (昭和23年法律第178号), computed from the rules of the law as
/// they changed over time, with a small table of one-off days. Correct for every day from the law's entry into force
/// (1948-07-20) to 2099-12-31, the end of the equinox formula's range; other dates are refused. Independent of the
/// machine's time zone and culture: it works on calendar dates only.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Fixed and Happy Monday dates change on the dates of the amendments (1966, 1989, 1996, 2000, 2003, 2007, 2016,
/// 2019, 2020), with the Olympic moves of 2020 and 2021.</item>
/// <item>春分の日 and 秋分の日 follow the standard equinox approximation; for years before 1983 its inner term is truncated
/// toward zero, not floored (flooring puts most equinoxes of 1948–1979 a day late).</item>
/// <item>振替休日: from 1973-04-12, a holiday on a Sunday gives the next day (until 2006 only if that day is not itself a
/// holiday; from 2007 the nearest following day that is not a holiday).</item>
/// <item>国民の休日: from 1985-12-27, a day that is not a holiday between two holidays (until 2006 not a Sunday nor a
/// 振替休日). The one-off days of 2019 count as holidays here, which is how 2019-04-30 and 2019-05-02 arose.</item>
/// </list>
/// Equinox dates are official only once the 国立天文台 publishes them, in February of the year before; later years are
/// predictions, as in every published table.
/// </remarks>
public static class JapaneseHolidays
{
    /// <summary>The first day covered: the law came into force on 1948-07-20.</summary>
    public static readonly DateOnly FirstCoveredDate = new(1948, 7, 20);

    /// <summary>The last day covered: the end of the equinox formula's range.</summary>
    public static readonly DateOnly LastCoveredDate = new(2099, 12, 31);

    /// <summary>The Japanese name of a substitute holiday.</summary>
    public const string SubstituteHoliday = "振替休日";

    /// <summary>The Japanese name of a citizens' holiday (a day between two holidays).</summary>
    public const string CitizensHoliday = "国民の休日";

    private static readonly DateOnly SubstituteRuleStart = new(1973, 4, 12);
    private static readonly DateOnly CitizensRuleStart = new(1985, 12, 27);
    private static readonly DateOnly Reform2007 = new(2007, 1, 1);

    private static readonly (DateOnly Date, string Name)[] OneOffDays =
    [
        (new(1959, 4, 10), "皇太子明仁親王の結婚の儀"),
        (new(1989, 2, 24), "昭和天皇の大喪の礼"),
        (new(1990, 11, 12), "即位礼正殿の儀"),
        (new(1993, 6, 9), "皇太子徳仁親王の結婚の儀"),
        (new(2019, 5, 1), "天皇の即位の日"),
        (new(2019, 10, 22), "即位礼正殿の儀"),
    ];

    private static readonly FrozenDictionary<DateOnly, string>?[] Years =
        new FrozenDictionary<DateOnly, string>?[LastCoveredDate.Year - FirstCoveredDate.Year + 1];

    /// <summary>Whether <paramref name="date"/> is a national holiday (a 祝日, 振替休日 or 国民の休日).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The date is outside 1948-07-20 – 2099-12-31.</exception>
    public static bool IsHoliday(DateOnly date) => GetHolidayName(date) is not null;

    /// <summary>The Japanese name of the holiday on <paramref name="date"/>, or <see langword="null"/> on other days.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The date is outside 1948-07-20 – 2099-12-31.</exception>
    public static string? GetHolidayName(DateOnly date)
    {
        if (date < FirstCoveredDate || date > LastCoveredDate)
        {
            throw new ArgumentOutOfRangeException(nameof(date), date,
                $"Japanese national holidays are known from {FirstCoveredDate:yyyy-MM-dd} (the law's entry into force) to {LastCoveredDate:yyyy-MM-dd} (the end of the equinox formula's range).");
        }
        return ForYear(date.Year).GetValueOrDefault(date);
    }

    /// <summary>The holidays of <paramref name="year"/>, in date order.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The year is outside 1948 – 2099.</exception>
    public static IReadOnlyList<Holiday> GetHolidays(int year)
    {
        if (year < FirstCoveredDate.Year || year > LastCoveredDate.Year)
        {
            throw new ArgumentOutOfRangeException(nameof(year), year,
                $"Japanese national holidays are known for {FirstCoveredDate.Year}–{LastCoveredDate.Year}; beyond 2099 the equinox formula is not defined.");
        }
        return ForYear(year).OrderBy(h => h.Key).Select(h => new Holiday(h.Key, h.Value)).ToList();
    }

    private static FrozenDictionary<DateOnly, string> ForYear(int year)
    {
        var index = year - FirstCoveredDate.Year;
        // A benign race: two threads may compute the same year once each; both results are equal.
        return Years[index] ??= Compute(year).ToFrozenDictionary();
    }

    private static Dictionary<DateOnly, string> Compute(int year)
    {
        var national = NationalHolidays(year);
        var all = new Dictionary<DateOnly, string>(national);

        // 振替休日
        foreach (var date in national.Keys.Order())
        {
            if (date.DayOfWeek != DayOfWeek.Sunday || date < SubstituteRuleStart)
            {
                continue;
            }
            var next = date.AddDays(1);
            if (date < Reform2007)
            {
                if (!national.ContainsKey(next))
                {
                    all[next] = SubstituteHoliday;
                }
                continue;
            }
            while (national.ContainsKey(next))
            {
                next = next.AddDays(1);
            }
            all[next] = SubstituteHoliday;
        }

        // 国民の休日. 1 January is always a holiday and 31 December never lies between two, so scanning 2 January to
        // 30 December needs no neighbouring year.
        var lastCandidate = new DateOnly(year, 12, 30);
        for (var date = new DateOnly(year, 1, 2); date <= lastCandidate; date = date.AddDays(1))
        {
            if (date < CitizensRuleStart || all.ContainsKey(date))
            {
                continue;
            }
            if (national.ContainsKey(date.AddDays(-1)) && national.ContainsKey(date.AddDays(1))
                && (date >= Reform2007 || date.DayOfWeek != DayOfWeek.Sunday))
            {
                all[date] = CitizensHoliday;
            }
        }
        return all;
    }

    /// <summary>The 国民の祝日 of a year (and the one-off days that count as such), before substitutes and citizens' days.</summary>
    private static Dictionary<DateOnly, string> NationalHolidays(int y)
    {
        var days = new Dictionary<DateOnly, string>();
        void Add(DateOnly date, string name)
        {
            if (date >= FirstCoveredDate)
            {
                days[date] = name;
            }
        }

        if (y >= 1949)
        {
            Add(new(y, 1, 1), "元日");
            Add(y <= 1999 ? new(y, 1, 15) : NthMonday(y, 1, 2), "成人の日");
            Add(Equinox(y, spring: true), "春分の日");
            Add(new(y, 5, 3), "憲法記念日");
            Add(new(y, 5, 5), "こどもの日");
            Add(new(y, 4, 29), y <= 1988 ? "天皇誕生日" : y <= 2006 ? "みどりの日" : "昭和の日");
        }
        if (y >= 1967)
        {
            Add(new(y, 2, 11), "建国記念の日");
        }
        if (y >= 2020)
        {
            Add(new(y, 2, 23), "天皇誕生日");
        }
        if (y is >= 1989 and <= 2018)
        {
            Add(new(y, 12, 23), "天皇誕生日");
        }
        if (y >= 2007)
        {
            Add(new(y, 5, 4), "みどりの日");
        }
        if (y >= 1996)
        {
            Add(y switch
            {
                <= 2002 => new(y, 7, 20),
                2020 => new(2020, 7, 23),
                2021 => new(2021, 7, 22),
                _ => NthMonday(y, 7, 3),
            }, "海の日");
        }
        if (y >= 2016)
        {
            Add(y switch { 2020 => new(2020, 8, 10), 2021 => new(2021, 8, 8), _ => new(y, 8, 11) }, "山の日");
        }
        if (y >= 1966)
        {
            Add(y <= 2002 ? new(y, 9, 15) : NthMonday(y, 9, 3), "敬老の日");
            Add(y switch
            {
                <= 1999 => new(y, 10, 10),
                2020 => new(2020, 7, 24),
                2021 => new(2021, 7, 23),
                _ => NthMonday(y, 10, 2),
            }, y <= 2019 ? "体育の日" : "スポーツの日");
        }
        Add(Equinox(y, spring: false), "秋分の日");
        Add(new(y, 11, 3), "文化の日");
        Add(new(y, 11, 23), "勤労感謝の日");

        foreach (var (date, name) in OneOffDays)
        {
            if (date.Year == y)
            {
                days[date] = name;
            }
        }
        return days;
    }

    /// <summary>
    /// The day of the vernal or autumnal equinox (新こよみ便利帳's approximation): for 1900–1979
    /// INT(20.8357 / 23.2588 + 0.242194 (Y − 1980) − INT((Y − 1983) / 4)), for 1980–2099 with 20.8431 / 23.2488 and
    /// INT((Y − 1980) / 4). INT truncates toward zero, as C#'s integer division does.
    /// </summary>
    private static DateOnly Equinox(int y, bool spring)
    {
        var (constant, inner) = y switch
        {
            >= 1900 and <= 1979 => (spring ? 20.8357 : 23.2588, (y - 1983) / 4),
            >= 1980 and <= 2099 => (spring ? 20.8431 : 23.2488, (y - 1980) / 4),
            _ => throw new ArgumentOutOfRangeException(nameof(y), y, "The equinox formula covers 1900–2099."),
        };
        return new DateOnly(y, spring ? 3 : 9, (int)(constant + (0.242194 * (y - 1980)) - inner));
    }

    private static DateOnly NthMonday(int year, int month, int n)
    {
        var first = new DateOnly(year, month, 1);
        var offset = ((int)DayOfWeek.Monday - (int)first.DayOfWeek + 7) % 7;
        return first.AddDays(offset + (7 * (n - 1)));
    }
}
