using SmartECoupon.Redemptions;
using SmartECoupon.Storage;

namespace SmartECoupon.Coupons;

/// <summary>What a ticket's page tells the customer and the staff at the counter.</summary>
public enum TicketPageState
{
    /// <summary>The ticket can be used now (<see cref="TicketPage.UsesLeft"/> says how often, when more than once).</summary>
    Unused,
    /// <summary>The ticket has no use left (<see cref="TicketPage.LastUsedAt"/> says when it was last used).</summary>
    Used,
    /// <summary>The coupon cannot be used now (<see cref="TicketPage.Refusal"/> says why).</summary>
    Unavailable,
}

/// <summary>
/// A ticket's page, decided by the library so that every host shows the same thing: the ticket, its coupon and shops,
/// and whether staff may confirm a use now. Read in one query (<see cref="ITicketRepository.FindPageAsync"/>).
/// </summary>
public sealed class TicketPage
{
    internal TicketPage(TicketPageSnapshot snapshot, TicketPageState state, RedemptionRefusal? refusal, int? usesLeft)
    {
        Ticket = snapshot.Ticket;
        Coupon = snapshot.Coupon;
        Stores = snapshot.Stores;
        LastUsedAt = snapshot.LastUsedAt;
        State = state;
        Refusal = refusal;
        UsesLeft = usesLeft;
    }

    /// <summary>The ticket.</summary>
    public Ticket Ticket { get; }

    /// <summary>Its coupon.</summary>
    public Coupon Coupon { get; }

    /// <summary>The shops where the coupon may be used, in the coupon's order (none: anywhere).</summary>
    public IReadOnlyList<Stores.Store> Stores { get; }

    /// <summary>What the page shows.</summary>
    public TicketPageState State { get; }

    /// <summary>Why the coupon cannot be used now, for <see cref="TicketPageState.Unavailable"/>.</summary>
    public RedemptionRefusal? Refusal { get; }

    /// <summary>How many uses the ticket has left; <see langword="null"/> when the coupon has no per-user limit.</summary>
    public int? UsesLeft { get; }

    /// <summary>When the ticket was last used, if ever.</summary>
    public DateTimeOffset? LastUsedAt { get; }

    /// <summary>Whether staff may confirm a use on the page now.</summary>
    public bool CanConfirm => State == TicketPageState.Unused;

    /// <summary>
    /// Decides the page: used when no use is left; unavailable when a rule refuses a use now (checked at the coupon's
    /// first shop, as the page offers it) or the tenant no longer accepts writes; unused otherwise.
    /// </summary>
    internal static TicketPage Decide(TicketPageSnapshot snapshot, bool acceptsWrites, DateTimeOffset now)
    {
        var usesLeft = snapshot.Ticket.UsesLeft(snapshot.Coupon.PerUserLimit);
        if (usesLeft == 0)
        {
            return new TicketPage(snapshot, TicketPageState.Used, null, usesLeft);
        }
        var use = new RedemptionSnapshot { Coupon = snapshot.Coupon, Method = RedemptionMethod.Ticket, Ticket = snapshot.Ticket, UserKey = snapshot.Ticket.UserKey };
        var refusal = RedemptionRules.Evaluate(use, snapshot.Stores.Count > 0 ? snapshot.Stores[0].Id : null, now)
            ?? (acceptsWrites ? null : RedemptionRefusal.CouponNotActive);
        return refusal is null
            ? new TicketPage(snapshot, TicketPageState.Unused, null, usesLeft)
            : new TicketPage(snapshot, TicketPageState.Unavailable, refusal, usesLeft);
    }
}
