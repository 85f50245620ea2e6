namespace SmartECoupon.Tenancy;

/// <summary>Resolves tenants' time zones by IANA identifier, independent of the machine's own zone.</summary>
public static class TenantTimeZones
{
    /// <summary>The default zone of a tenant: <c>Asia/Tokyo</c>.</summary>
    public const string Default = "Asia/Tokyo";

    /// <summary>Finds the zone with the given IANA (or Windows) identifier.</summary>
    /// <exception cref="TimeZoneNotFoundException">No zone with that identifier exists on this machine.</exception>
    public static TimeZoneInfo Find(string timeZoneId)
    {
        ArgumentException.ThrowIfNullOrEmpty(timeZoneId);
        return TimeZoneInfo.FindSystemTimeZoneById(timeZoneId);
    }

    /// <summary>Tries to find the zone with the given identifier.</summary>
    public static bool TryFind(string? timeZoneId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out TimeZoneInfo? zone)
    {
        zone = null;
        if (string.IsNullOrWhiteSpace(timeZoneId))
        {
            return false;
        }
        return TimeZoneInfo.TryFindSystemTimeZoneById(timeZoneId, out zone);
    }

    /// <summary>The calendar date of <paramref name="instant"/> in <paramref name="zone"/>.</summary>
    public static DateOnly DateIn(DateTimeOffset instant, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        return DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);
    }
}
