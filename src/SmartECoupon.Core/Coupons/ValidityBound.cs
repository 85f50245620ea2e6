using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace SmartECoupon.Coupons;

/// <summary>Which end of a validity window a <see cref="ValidityBound"/> stands for.</summary>
public enum ValidityEdge
{
    /// <summary>The start (<c>validFrom</c>): a date means the start of that day.</summary>
    Start,
    /// <summary>The end (<c>validUntil</c>): a date means the end of that day.</summary>
    End,
}

/// <summary>
/// One end of a coupon's validity window as a user wrote it: either an instant with its offset
/// (<c>2026-12-01T10:00:00+09:00</c>) or a calendar date alone (<c>2026-12-01</c>), which means that whole day in the
/// tenant's time zone.
/// </summary>
public readonly record struct ValidityBound
{
    private ValidityBound(DateOnly? date, DateTimeOffset? instant)
    {
        Date = date;
        Instant = instant;
    }

    /// <summary>The calendar date, when the bound was given as a date.</summary>
    public DateOnly? Date { get; }

    /// <summary>The instant, when the bound was given as one.</summary>
    public DateTimeOffset? Instant { get; }

    /// <summary>A bound given as a calendar date.</summary>
    public static ValidityBound FromDate(DateOnly date) => new(date, null);

    /// <summary>A bound given as an instant.</summary>
    public static ValidityBound FromInstant(DateTimeOffset instant) => new(null, instant);

    /// <summary>
    /// Reads <c>YYYY-MM-DD</c> or an ISO 8601 date and time with an offset (<c>Z</c> or <c>±hh:mm</c>). A date and time
    /// without an offset is refused: it would silently mean the server's zone.
    /// </summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out ValidityBound bound)
    {
        bound = default;
        if (string.IsNullOrEmpty(text) || text.Length > 40)
        {
            return false;
        }
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            bound = FromDate(date);
            return true;
        }
        if (!HasOffset(text))
        {
            return false;
        }
        if (DateTimeOffset.TryParseExact(text, InstantFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant))
        {
            bound = FromInstant(instant);
            return true;
        }
        return false;
    }

    /// <summary>
    /// The instant this bound stands for in <paramref name="zone"/>: a date becomes the first microsecond of that day
    /// (for <see cref="ValidityEdge.Start"/>) or its last microsecond (for <see cref="ValidityEdge.End"/>).
    /// </summary>
    public DateTimeOffset Resolve(TimeZoneInfo zone, ValidityEdge edge)
    {
        ArgumentNullException.ThrowIfNull(zone);
        if (Instant is { } instant)
        {
            return Instants.Truncate(instant);
        }
        if (Date is not { } date)
        {
            throw new InvalidOperationException("The bound holds neither a date nor an instant.");
        }
        return edge == ValidityEdge.Start
            ? StartOfDay(date, zone)
            : StartOfDay(date.AddDays(1), zone) - Instants.Resolution;
    }

    /// <summary>The first instant of <paramref name="date"/> in <paramref name="zone"/>.</summary>
    public static DateTimeOffset StartOfDay(DateOnly date, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var local = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        // Where midnight is skipped by a daylight-saving change, the day starts at the first time that exists.
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(1);
        }
        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset);
    }

    /// <summary>The bound as the contract writes it: <c>YYYY-MM-DD</c> or ISO 8601 with offset.</summary>
    public override string ToString() => Date is { } date
        ? date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
        : Instant?.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFzzz", CultureInfo.InvariantCulture) ?? "";

    private static readonly string[] InstantFormats =
    [
        // K reads "Z" as UTC and "+09:00" as that offset; HasOffset has already refused a text without either,
        // which K would otherwise read as the machine's local zone.
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd'T'HH:mmK",
    ];

    private static bool HasOffset(string text)
    {
        if (text.EndsWith('Z'))
        {
            return true;
        }
        // ±hh:mm at the end, after the time part.
        return text.Length >= 6 && text[^6] is '+' or '-' && text[^3] == ':' && text.Contains('T', StringComparison.Ordinal);
    }
}
