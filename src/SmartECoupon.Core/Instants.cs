namespace SmartECoupon;

/// <summary>
/// The precision SmartECoupon keeps instants at: whole microseconds, the finest that every supported database
/// (PostgreSQL <c>timestamptz</c> among them) stores exactly.
/// </summary>
/// <remarks>
/// An inclusive end such as "the end of 2026-12-31" is kept as 23:59:59.999999. Were it kept at .NET's 100 ns
/// precision, PostgreSQL would round 23:59:59.9999999 up to the next midnight and the coupon would live a day
/// longer. Instants are truncated before they are stored and before they are compared, so a comparison gives the
/// same answer in memory and in SQL.
/// </remarks>
public static class Instants
{
    /// <summary>One microsecond, the smallest step between two stored instants.</summary>
    public static readonly TimeSpan Resolution = TimeSpan.FromTicks(TimeSpan.TicksPerMicrosecond);

    /// <summary>
    /// The current instant as it will be stored: to the microsecond, so that what a call returns equals what a later read
    /// gives (both providers keep microseconds).
    /// </summary>
    public static DateTimeOffset Now(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        return Truncate(time.GetUtcNow());
    }

    /// <summary>Drops everything finer than a microsecond.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset instant) =>
        new(instant.Ticks - (instant.Ticks % TimeSpan.TicksPerMicrosecond), instant.Offset);
}
