using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace SmartECoupon.Storage.EfCore;

/// <summary>Stores an instant as whole microseconds since the Unix epoch, UTC.</summary>
internal sealed class UtcMicrosecondsConverter() : ValueConverter<DateTimeOffset, long>(
    value => ToMicroseconds(value),
    stored => FromMicroseconds(stored))
{
    public static long ToMicroseconds(DateTimeOffset value) =>
        (value.UtcTicks - DateTimeOffset.UnixEpoch.Ticks) / TimeSpan.TicksPerMicrosecond;

    public static DateTimeOffset FromMicroseconds(long stored) =>
        new(DateTimeOffset.UnixEpoch.Ticks + (stored * TimeSpan.TicksPerMicrosecond), TimeSpan.Zero);
}

/// <summary>Stores an instant with offset zero and microsecond precision, as PostgreSQL's timestamptz keeps it.</summary>
internal sealed class UtcConverter() : ValueConverter<DateTimeOffset, DateTimeOffset>(
    value => Instants.Truncate(value.ToUniversalTime()),
    stored => stored.ToUniversalTime());
