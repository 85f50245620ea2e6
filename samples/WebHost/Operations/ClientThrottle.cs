using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace SmartECoupon.WebHost.Operations;

/// <summary>Limits per client address (section <c>Host:Throttling</c>), for what costs the server and helps an attacker.</summary>
internal sealed class ThrottlingOptions
{
    public const string SectionName = "Host:Throttling";

    /// <summary>API requests with a key that fails, per client address and minute, before that address gets 429. Default 30.</summary>
    public int FailedAuthenticationsPerMinute { get; set; } = 30;

    /// <summary>New visitors given a ticket by one coupon's distribution link, per client address and minute. Default 20.</summary>
    public int TicketsPerCouponAndClientPerMinute { get; set; } = 20;

    /// <summary>Failed admin sign-ins, per member and client address, before that address waits. Default 5.</summary>
    public int SignInFailuresPerMemberAndClient { get; set; } = 5;

    /// <summary>How long a client address that failed too often waits before it may try that member again. Default 15 minutes.</summary>
    public TimeSpan SignInPause { get; set; } = TimeSpan.FromMinutes(15);
}

/// <summary>
/// Counts, per client address, what an attacker would repeat: API keys that fail (each costs look-ups), tickets minted
/// by a distribution link without a visitor cookie, and failed sign-ins to one member. The client is slowed, never the
/// member or the coupon: someone else's failures cannot lock a member out. The counts live in this instance (a few
/// hundred bytes per active address, forgotten after their window): behind several instances each enforces its own,
/// which bounds an attacker to the limit times the instances.
/// </summary>
internal sealed class ClientThrottle : IDisposable
{
    private readonly PartitionedRateLimiter<string> _failedAuthentications;
    private readonly PartitionedRateLimiter<string> _tickets;
    private readonly PartitionedRateLimiter<string> _signInFailures;

    public ClientThrottle(IOptions<ThrottlingOptions> options)
    {
        var settings = options.Value;
        _failedAuthentications = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, _ =>
            new FixedWindowRateLimiterOptions { PermitLimit = settings.FailedAuthenticationsPerMinute, Window = TimeSpan.FromMinutes(1) }));
        _tickets = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, _ =>
            new FixedWindowRateLimiterOptions { PermitLimit = settings.TicketsPerCouponAndClientPerMinute, Window = TimeSpan.FromMinutes(1) }));
        _signInFailures = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, _ =>
            new FixedWindowRateLimiterOptions { PermitLimit = settings.SignInFailuresPerMemberAndClient, Window = settings.SignInPause }));
    }

    /// <summary>The address a request comes from (the proxy's, unless the host trusts forwarded headers).</summary>
    public static string ClientOf(HttpContext context) => context.Connection.RemoteIpAddress is { } address
        ? (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString()
        : IPAddress.None.ToString();

    /// <summary>Whether the client may present an API key now; if not, how long it waits.</summary>
    public TimeSpan? AuthenticationPause(HttpContext context) => Pause(_failedAuthentications, ClientOf(context));

    /// <summary>Counts a key that failed.</summary>
    public void AuthenticationFailed(HttpContext context) => _ = Take(_failedAuthentications, ClientOf(context));

    /// <summary>Counts a ticket minted for a new visitor of <paramref name="couponId"/>; returns the wait when over the limit.</summary>
    public TimeSpan? TicketMinted(HttpContext context, string couponId) =>
        Take(_tickets, couponId + "|" + ClientOf(context));

    /// <summary>Whether the client may try to sign in as <paramref name="memberId"/> now; if not, how long it waits.</summary>
    public TimeSpan? SignInPause(HttpContext context, string memberId) => Pause(_signInFailures, memberId + "|" + ClientOf(context));

    /// <summary>Counts a failed sign-in as <paramref name="memberId"/> from this client.</summary>
    public void SignInFailed(HttpContext context, string memberId) => _ = Take(_signInFailures, memberId + "|" + ClientOf(context));

    public void Dispose()
    {
        _failedAuthentications.Dispose();
        _tickets.Dispose();
        _signInFailures.Dispose();
    }

    // Asking for no permit tells whether any is left, without spending one.
    private static TimeSpan? Pause(PartitionedRateLimiter<string> limiter, string key)
    {
        using var lease = limiter.AttemptAcquire(key, 0);
        return lease.IsAcquired ? null : RetryAfter(lease);
    }

    private static TimeSpan? Take(PartitionedRateLimiter<string> limiter, string key)
    {
        using var lease = limiter.AttemptAcquire(key);
        return lease.IsAcquired ? null : RetryAfter(lease);
    }

    /// <summary>The wait a refused lease names, or a minute when it names none.</summary>
    public static TimeSpan RetryAfter(RateLimitLease lease) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) && wait > TimeSpan.Zero ? wait : TimeSpan.FromMinutes(1);
}
