using Microsoft.Extensions.Options;
using SmartECoupon.Auditing;
using SmartECoupon.Storage;
using SmartECoupon.Tenancy;
using SmartECoupon.Validation;

namespace SmartECoupon.Coupons;

/// <summary>A ticket handed to a user, and whether it was new.</summary>
/// <param name="Ticket">The ticket.</param>
/// <param name="Coupon">Its coupon.</param>
/// <param name="Created">Whether the ticket was issued now (<see langword="false"/>: the user already had it).</param>
public sealed class TicketIssuance(Ticket Ticket, Coupon Coupon, bool Created)
{
    /// <summary>The ticket.</summary>
    public Ticket Ticket { get; } = Ticket;

    /// <summary>Its coupon.</summary>
    public Coupon Coupon { get; } = Coupon;

    /// <summary>Whether the ticket was issued now (<see langword="false"/>: the user already had it).</summary>
    public bool Created { get; } = Created;
}

/// <summary>Hands the current tenant's customers their tickets (one per user and coupon) and finds a ticket by its page token.</summary>
public sealed class TicketService(
    ICouponRepository coupons,
    ITicketRepository tickets,
    TenantWriteGate gate,
    CouponCodeGenerator codeGenerator,
    TimeProvider time,
    IOptionsMonitor<SmartECouponOptions> options)
{
    private const int MaxAttempts = 5;

    /// <summary>
    /// The page of the ticket with page token <paramref name="token"/>: the ticket, its coupon and shops, and what the page
    /// shows, decided here and read in one query; <see langword="null"/> when the tenant has no such ticket.
    /// </summary>
    public async Task<TicketPage?> GetPageAsync(string token, CancellationToken cancellationToken = default)
    {
        var snapshot = await tickets.FindPageAsync(token, cancellationToken).ConfigureAwait(false);
        return snapshot is null
            ? null
            : TicketPage.Decide(snapshot, await gate.RefusalAsync(cancellationToken).ConfigureAwait(false) is null, Instants.Now(time));
    }

    /// <summary>Finds a ticket of the current tenant by its page token.</summary>
    public Task<Ticket?> FindByTokenAsync(string token, CancellationToken cancellationToken = default) => tickets.FindByTokenAsync(token, cancellationToken);

    /// <summary>
    /// Hands a user their ticket for a coupon: a new one, or the one they already have (one ticket per user and coupon,
    /// even when the same user asks twice at the same moment).
    /// </summary>
    public async Task<Result<TicketIssuance>> IssueAsync(string couponId, string? userKey, Actor actor, CancellationToken cancellationToken = default)
    {
        if (await gate.RefusalAsync(cancellationToken).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }
        var errors = new List<ValidationError>();
        var user = options.CurrentValue.Fields.UserKey.Apply("userKey", userKey, errors);
        if (errors.Count > 0)
        {
            return Failure.Invalid(errors);
        }
        var coupon = await coupons.FindAsync(couponId, cancellationToken).ConfigureAwait(false);
        if (coupon is null)
        {
            return Failure.NotFound;
        }
        var issued = await GetOrIssueAsync(coupon, user!, actor, cancellationToken).ConfigureAwait(false);
        return new TicketIssuance(issued.Ticket!, issued.Status == TicketIssueStatus.Created ? coupon with { IssuedCount = coupon.IssuedCount + 1 } : coupon, issued.Status == TicketIssueStatus.Created);
    }

    /// <summary>Issues (or finds) a user's ticket; used by redemption with a shared code too.</summary>
    internal async Task<TicketIssue> GetOrIssueAsync(Coupon coupon, string userKey, Actor actor, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var now = Instants.Now(time);
            var candidate = new Ticket
            {
                TenantId = coupon.TenantId,
                Id = EntityIds.New(EntityIds.TicketPrefix, now),
                CouponId = coupon.Id,
                UserKey = userKey,
                Token = TicketTokens.New(),
                Code = codeGenerator.Next(),
                CreatedAt = now,
            };
            var issue = await tickets.GetOrAddAsync(candidate, AuditEntry.Create(coupon.TenantId, actor, AuditActions.TicketIssued, AuditTargets.Ticket, candidate.Id, now), cancellationToken).ConfigureAwait(false);
            if (issue.Status != TicketIssueStatus.CodeTaken)
            {
                return issue;
            }
        }
        throw new InvalidOperationException("No free ticket code was found in several attempts; the code length is too short for the codes in use.");
    }
}
