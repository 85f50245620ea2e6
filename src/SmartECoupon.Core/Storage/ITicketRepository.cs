using SmartECoupon.Auditing;
using SmartECoupon.Coupons;

namespace SmartECoupon.Storage;

/// <summary>What became of a ticket request.</summary>
public enum TicketIssueStatus
{
    /// <summary>A new ticket was issued.</summary>
    Created,
    /// <summary>The user already had a ticket for the coupon; it is returned.</summary>
    Existing,
    /// <summary>The candidate's code is already taken in the tenant; try again with another code.</summary>
    CodeTaken,
}

/// <summary>The result of a ticket request.</summary>
/// <param name="Status">What happened.</param>
/// <param name="Ticket">The ticket (new or existing); <see langword="null"/> for <see cref="TicketIssueStatus.CodeTaken"/>.</param>
public sealed class TicketIssue(TicketIssueStatus Status, Ticket? Ticket)
{
    /// <summary>What happened.</summary>
    public TicketIssueStatus Status { get; } = Status;

    /// <summary>The ticket (new or existing); <see langword="null"/> for <see cref="TicketIssueStatus.CodeTaken"/>.</summary>
    public Ticket? Ticket { get; } = Ticket;
}

/// <summary>Everything a ticket's page shows, read together: the ticket, its coupon, the coupon's shops and the last use.</summary>
public sealed class TicketPageSnapshot
{
    /// <summary>The ticket.</summary>
    public required Ticket Ticket { get; init; }

    /// <summary>Its coupon.</summary>
    public required Coupon Coupon { get; init; }

    /// <summary>The shops the coupon names that exist, in the coupon's order (none: usable anywhere).</summary>
    public IReadOnlyList<Stores.Store> Stores { get; init; } = [];

    /// <summary>When the ticket was last used (its latest redemption that is not voided), if ever.</summary>
    public DateTimeOffset? LastUsedAt { get; init; }
}

/// <summary>The current tenant's tickets.</summary>
public interface ITicketRepository
{
    /// <summary>
    /// Issues <paramref name="candidate"/> unless its user already has a ticket for the coupon, in which case that one is
    /// returned (one ticket per user and coupon, whoever asks at the same time). Raises the coupon's issued count for a
    /// new ticket.
    /// </summary>
    Task<TicketIssue> GetOrAddAsync(Ticket candidate, AuditEntry audit, CancellationToken cancellationToken = default);

    /// <summary>Finds a ticket.</summary>
    Task<Ticket?> FindAsync(string ticketId, CancellationToken cancellationToken = default);

    /// <summary>Finds a ticket by its page token.</summary>
    Task<Ticket?> FindByTokenAsync(string token, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads what a ticket's page shows, found by the page token, in one query (one round trip, whatever the number of
    /// shops); <see langword="null"/> when the tenant has no such ticket.
    /// </summary>
    Task<TicketPageSnapshot?> FindPageAsync(string token, CancellationToken cancellationToken = default);

    /// <summary>Finds a user's ticket for a coupon.</summary>
    Task<Ticket?> FindByUserAsync(string couponId, string userKey, CancellationToken cancellationToken = default);
}
