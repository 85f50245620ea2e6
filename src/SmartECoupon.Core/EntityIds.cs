using System.Buffers.Binary;
using System.Security.Cryptography;

namespace SmartECoupon;

/// <summary>
/// Creates the opaque identifiers SmartECoupon gives its objects: a short type prefix and a
/// 26-character ULID-shaped body (48-bit millisecond time stamp, 12 bits of the millisecond's fraction, 68 random bits
/// drawn afresh for every identifier, Crockford base32, lower case),
/// for example <c>cpn_01jdx3k9v2m7q8r4s5t6w7x8y9</c>.
/// </summary>
/// <remarks>
/// Identifiers are never sequential integers, so they reveal neither volume nor neighbours, and the 68 random bits,
/// drawn for each identifier, make them impractical to guess, from nothing or from another identifier. The time stamp
/// first makes them sort in creation order, which keeps B-tree inserts local and lets lists page by identifier.
/// </remarks>
public static class EntityIds
{
    /// <summary>Prefix of tenant identifiers.</summary>
    public const string TenantPrefix = "tnt";
    /// <summary>Prefix of operator identifiers.</summary>
    public const string OperatorPrefix = "opr";
    /// <summary>Prefix of member identifiers.</summary>
    public const string MemberPrefix = "mem";
    /// <summary>Prefix of store identifiers.</summary>
    public const string StorePrefix = "sto";
    /// <summary>Prefix of coupon identifiers.</summary>
    public const string CouponPrefix = "cpn";
    /// <summary>Prefix of ticket identifiers.</summary>
    public const string TicketPrefix = "tkt";
    /// <summary>Prefix of redemption identifiers.</summary>
    public const string RedemptionPrefix = "red";
    /// <summary>Prefix of audit entry identifiers.</summary>
    public const string AuditEntryPrefix = "aud";
    /// <summary>Prefix of background job identifiers.</summary>
    public const string JobPrefix = "job";
    /// <summary>Prefix of maintenance notice identifiers.</summary>
    public const string NoticePrefix = "mnt";
    /// <summary>Prefix of incident identifiers.</summary>
    public const string IncidentPrefix = "inc";
    /// <summary>Prefix of recorded outage identifiers.</summary>
    public const string OutagePrefix = "out";
    /// <summary>Prefix of outbox message identifiers.</summary>
    public const string MessagePrefix = "msg";

    private const string Crockford = "0123456789abcdefghjkmnpqrstvwxyz";

    /// <summary>Creates a new identifier with the given prefix, time-stamped with <paramref name="now"/>.</summary>
    /// <param name="prefix">A short lower-case type prefix such as <see cref="CouponPrefix"/>.</param>
    /// <param name="now">The current instant, normally from <see cref="TimeProvider"/>.</param>
    public static string New(string prefix, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        var value = NextValue(now);

        // 128 bits in 26 base32 digits: the first digit carries the top 3 bits.
        Span<char> body = stackalloc char[26];
        for (var i = 25; i >= 0; i--)
        {
            body[i] = Crockford[(int)(value & 31)];
            value >>= 5;
        }
        return string.Concat(prefix, "_", body);
    }

    // Every identifier draws 68 fresh random bits, so none can be derived from another: the ULID specification's
    // monotonic mode (the previous identifier plus one within a millisecond) made a tenant's first administrator the
    // tenant's identifier plus one. Order comes from the time stamp instead, refined below the millisecond (UUIDv7's
    // "increased clock precision"): 48 bits of milliseconds and 12 bits of the millisecond's fraction, which never
    // repeat or step back within the process (a stamp not after the last one is the last one plus one step of
    // 1/4096 ms), so identifiers still sort in creation order, even within a millisecond or when the clock steps back.
    private const int RandomBits = 68;
    private static readonly Lock Gate = new();
    private static ulong _lastStamp;

    private static UInt128 NextValue(DateTimeOffset now)
    {
        var millis = (ulong)Math.Max(0, now.ToUnixTimeMilliseconds());
        var fraction = (ulong)(Math.Max(0, now.UtcTicks % TimeSpan.TicksPerMillisecond) * 4096 / TimeSpan.TicksPerMillisecond);
        var stamp = ((millis & 0xFFFF_FFFF_FFFF) << 12) | fraction;
        lock (Gate)
        {
            stamp = stamp > _lastStamp ? stamp : _lastStamp + 1;
            _lastStamp = stamp;
        }
        Span<byte> random = stackalloc byte[16];
        RandomNumberGenerator.Fill(random);
        var bits = BinaryPrimitives.ReadUInt128BigEndian(random) & ((UInt128.One << RandomBits) - 1);
        return ((UInt128)stamp << RandomBits) | bits;
    }

    /// <summary>
    /// Tells whether <paramref name="id"/> has the shape of an identifier with the given prefix. A shape check
    /// only: whether the object exists, and in which tenant, is for the store to say.
    /// </summary>
    public static bool HasShape(string? id, string prefix)
    {
        if (id is null || prefix is null || id.Length != prefix.Length + 27)
        {
            return false;
        }
        if (!id.StartsWith(prefix, StringComparison.Ordinal) || id[prefix.Length] != '_')
        {
            return false;
        }
        for (var i = prefix.Length + 1; i < id.Length; i++)
        {
            if (!Crockford.Contains(id[i], StringComparison.Ordinal))
            {
                return false;
            }
        }
        return true;
    }
}
