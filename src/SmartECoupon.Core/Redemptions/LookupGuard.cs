using Microsoft.Extensions.Options;
using SmartECoupon.Storage;

namespace SmartECoupon.Redemptions;

/// <summary>The brute-force guard on code look-ups.</summary>
public sealed class LookupGuardOptions
{
    /// <summary>
    /// How many look-ups of codes one member may have missed, or have running, in one <see cref="Window"/>. Default 20.
    /// A key that an integration drives with more code look-ups at the same moment gets <c>too_many_attempts</c> with a
    /// one-second wait for those beyond it.
    /// </summary>
    public int MaxFailures { get; set; } = 20;

    /// <summary>The window misses are counted in (windows start at whole multiples of it, UTC). Default one minute.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>An attempt taken before a look-up, which ends as found or as missed.</summary>
internal sealed record LookupAttempt(string MemberId, DateTimeOffset WindowStart);

/// <summary>
/// Makes guessing codes slow: a member takes an attempt before every look-up of a typed or shared code
/// (<see cref="ILookupAttemptStore"/>, one guarded step), which ends as found (no longer counted) or missed (counted for
/// the window). While the member's running and missed look-ups fill <see cref="LookupGuardOptions.MaxFailures"/>, more
/// wait: 60 guesses at once reach the look-up 20 times, not 60. Ticket tokens are not guarded (128 random bits: guessing
/// one is hopeless), so a busy integration redeeming tickets is never held up. With a store every instance shares,
/// instances count together.
/// </summary>
internal sealed class LookupGuard(ILookupAttemptStore store, TimeProvider time, IOptionsMonitor<SmartECouponOptions> options)
{
    private static readonly TimeSpan BusyRetryAfter = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Takes an attempt for <paramref name="memberId"/> before looking up <paramref name="lookup"/>: nothing to take without
    /// a member (the coupon page's look-ups are by a resolved ticket) or for a ticket token. Returns the attempt, or the
    /// failure to answer instead of looking.
    /// </summary>
    public async Task<(LookupAttempt? Attempt, Failure? Refused)> TakeAsync(string? memberId, RedemptionLookup? lookup, CancellationToken cancellationToken)
    {
        if (memberId is null || lookup?.Kind == RedemptionLookupKind.TicketToken)
        {
            return (null, null);
        }
        var settings = options.CurrentValue.LookupGuard;
        var now = Instants.Now(time);
        var windowStart = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % settings.Window.Ticks), TimeSpan.Zero);
        return await store.TryTakeAsync(memberId, windowStart, settings.MaxFailures, cancellationToken).ConfigureAwait(false) switch
        {
            LookupAttemptTake.Taken => (new LookupAttempt(memberId, windowStart), null),
            LookupAttemptTake.Busy => (null, Failure.TooManyAttempts(BusyRetryAfter)),
            _ => (null, Failure.TooManyAttempts(windowStart + settings.Window - now)),
        };
    }

    /// <summary>Ends the attempt: a miss counts for the window, anything else does not.</summary>
    public Task EndAsync(LookupAttempt? attempt, bool missed, CancellationToken cancellationToken) => attempt switch
    {
        null => Task.CompletedTask,
        _ when missed => store.MissedAsync(attempt.MemberId, attempt.WindowStart, cancellationToken),
        _ => store.FoundAsync(attempt.MemberId, attempt.WindowStart, cancellationToken),
    };
}
