using SmartECoupon.Coupons;
using SmartECoupon.Redemptions;
using Snapshooter.Xunit;

namespace SmartECoupon.Core.Tests.Redemptions;

public class RedemptionRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 10, 12, 0, 0, TimeSpan.FromHours(9));
    private const string StoreA = "sto_a";
    private const string StoreB = "sto_b";

    private static Coupon LiveCoupon() => new()
    {
        TenantId = "tnt_a",
        Id = "cpn_a",
        Title = "t",
        Benefit = "b",
        Status = CouponStatus.Published,
        ValidFrom = Now.AddDays(-1),
        ValidUntil = Now.AddDays(1),
        TotalLimit = 10,
        PerUserLimit = 2,
        RedeemedCount = 0,
    };

    private static Ticket TicketWith(int used) => new()
    {
        TenantId = "tnt_a",
        Id = "tkt_a",
        CouponId = "cpn_a",
        UserKey = "user-1",
        Token = "token",
        Code = "CODE",
        UsedCount = used,
    };

    private static RedemptionSnapshot ByTicket(Coupon coupon, int used = 0) =>
        new() { Coupon = coupon, Method = RedemptionMethod.Ticket, Ticket = TicketWith(used), UserKey = "user-1" };

    [Fact]
    public void A_live_coupon_with_room_left_is_redeemable_by_every_method()
    {
        var coupon = LiveCoupon();

        Assert.Null(RedemptionRules.Evaluate(ByTicket(coupon), null, Now));
        Assert.Null(RedemptionRules.Evaluate(new RedemptionSnapshot { Coupon = coupon, Method = RedemptionMethod.SharedCode, UserKey = "new-user" }, null, Now));
        Assert.Null(RedemptionRules.Evaluate(new RedemptionSnapshot
        {
            Coupon = coupon,
            Method = RedemptionMethod.OneTimeCode,
            OneTimeCode = new OneTimeCode { TenantId = "tnt_a", Code = "X", CouponId = "cpn_a" },
        }, null, Now));
    }

    [Theory]
    [InlineData(CouponStatus.Draft)]
    [InlineData(CouponStatus.Paused)]
    [InlineData(CouponStatus.Archived)]
    public void Only_a_published_coupon_can_be_used(CouponStatus status)
    {
        Assert.Equal(RedemptionRefusal.CouponNotActive, RedemptionRules.Evaluate(ByTicket(LiveCoupon() with { Status = status }), null, Now));
    }

    [Fact]
    public void Validity_is_inclusive_at_both_ends_to_the_microsecond()
    {
        var coupon = LiveCoupon() with { ValidFrom = Now, ValidUntil = Now.AddHours(1) };
        var micro = TimeSpan.FromTicks(10);

        Assert.Null(RedemptionRules.Evaluate(ByTicket(coupon), null, Now));
        Assert.Null(RedemptionRules.Evaluate(ByTicket(coupon), null, Now.AddHours(1)));
        // Sub-microsecond differences are below the stored precision and do not move the boundary.
        Assert.Null(RedemptionRules.Evaluate(ByTicket(coupon), null, Now.AddHours(1).AddTicks(9)));
        Assert.Equal(RedemptionRefusal.NotYetValid, RedemptionRules.Evaluate(ByTicket(coupon), null, Now - micro));
        Assert.Equal(RedemptionRefusal.Expired, RedemptionRules.Evaluate(ByTicket(coupon), null, Now.AddHours(1) + micro));
    }

    [Fact]
    public void An_open_window_never_refuses_on_time()
    {
        var coupon = LiveCoupon() with { ValidFrom = null, ValidUntil = null };

        Assert.Null(RedemptionRules.Evaluate(ByTicket(coupon), null, DateTimeOffset.MinValue.AddYears(1)));
        Assert.Null(RedemptionRules.Evaluate(ByTicket(coupon), null, DateTimeOffset.MaxValue.AddYears(-1)));
    }

    [Fact]
    public void A_coupon_that_names_stores_needs_one_of_them()
    {
        var coupon = LiveCoupon() with { StoreIds = [StoreA] };

        Assert.Null(RedemptionRules.Evaluate(ByTicket(coupon), StoreA, Now));
        Assert.Equal(RedemptionRefusal.StoreNotAllowed, RedemptionRules.Evaluate(ByTicket(coupon), StoreB, Now));
        Assert.Equal(RedemptionRefusal.StoreNotAllowed, RedemptionRules.Evaluate(ByTicket(coupon), null, Now));
        Assert.Null(RedemptionRules.Evaluate(ByTicket(LiveCoupon()), StoreB, Now));
    }

    [Fact]
    public void A_ticket_without_uses_left_is_already_used()
    {
        Assert.Null(RedemptionRules.Evaluate(ByTicket(LiveCoupon(), used: 1), null, Now));
        Assert.Equal(RedemptionRefusal.TicketAlreadyUsed, RedemptionRules.Evaluate(ByTicket(LiveCoupon(), used: 2), null, Now));
        Assert.Null(RedemptionRules.Evaluate(ByTicket(LiveCoupon() with { PerUserLimit = null }, used: 1000), null, Now));
    }

    [Fact]
    public void A_used_one_time_code_is_already_used()
    {
        var snapshot = new RedemptionSnapshot
        {
            Coupon = LiveCoupon(),
            Method = RedemptionMethod.OneTimeCode,
            OneTimeCode = new OneTimeCode { TenantId = "tnt_a", Code = "X", CouponId = "cpn_a", RedemptionId = "red_a" },
        };

        Assert.Equal(RedemptionRefusal.TicketAlreadyUsed, RedemptionRules.Evaluate(snapshot, null, Now));
    }

    [Fact]
    public void A_shared_code_user_at_the_limit_reaches_the_per_user_limit()
    {
        var snapshot = new RedemptionSnapshot { Coupon = LiveCoupon(), Method = RedemptionMethod.SharedCode, Ticket = TicketWith(2), UserKey = "user-1" };

        Assert.Equal(RedemptionRefusal.PerUserLimitReached, RedemptionRules.Evaluate(snapshot, null, Now));
        Assert.Null(RedemptionRules.Evaluate(snapshot with { Ticket = TicketWith(1) }, null, Now));
    }

    [Fact]
    public void The_total_limit_counts_live_redemptions()
    {
        Assert.Null(RedemptionRules.Evaluate(ByTicket(LiveCoupon() with { RedeemedCount = 9 }), null, Now));
        Assert.Equal(RedemptionRefusal.TotalLimitReached, RedemptionRules.Evaluate(ByTicket(LiveCoupon() with { RedeemedCount = 10 }), null, Now));
        Assert.Null(RedemptionRules.Evaluate(ByTicket(LiveCoupon() with { TotalLimit = null, RedeemedCount = int.MaxValue }), null, Now));
    }

    public static TheoryData<int> RuleIndexes() => [0, 1, 2, 3, 4, 5, 6];

    [Theory]
    [MemberData(nameof(RuleIndexes))]
    public void When_several_rules_fail_the_first_in_the_contracts_order_answers(int firstFailing)
    {
        // Break rule `firstFailing` and every rule after it; the answer must be that rule. For the two per-user
        // rules (ticket used, per-user limit) the method decides which one can apply, so each is built on its own.
        var order = RedemptionRefusals.InOrder;
        var expected = order[firstFailing];
        var coupon = LiveCoupon();
        var method = expected == RedemptionRefusal.PerUserLimitReached ? RedemptionMethod.SharedCode : RedemptionMethod.Ticket;
        var ticketUsed = 0;
        string? store = null;
        foreach (var rule in order.Skip(firstFailing))
        {
            switch (rule)
            {
                case RedemptionRefusal.CouponNotActive:
                    coupon = coupon with { Status = CouponStatus.Paused };
                    break;
                case RedemptionRefusal.NotYetValid:
                    coupon = coupon with { ValidFrom = Now.AddDays(1), ValidUntil = rule == expected ? Now.AddDays(2) : coupon.ValidUntil };
                    break;
                case RedemptionRefusal.Expired:
                    coupon = coupon with { ValidUntil = Now.AddDays(-1), ValidFrom = expected == RedemptionRefusal.Expired ? Now.AddDays(-2) : coupon.ValidFrom };
                    break;
                case RedemptionRefusal.StoreNotAllowed:
                    coupon = coupon with { StoreIds = [StoreA] };
                    store = StoreB;
                    break;
                case RedemptionRefusal.TicketAlreadyUsed:
                case RedemptionRefusal.PerUserLimitReached:
                    ticketUsed = 2;
                    break;
                case RedemptionRefusal.TotalLimitReached:
                    coupon = coupon with { RedeemedCount = 10 };
                    break;
            }
        }
        var snapshot = new RedemptionSnapshot { Coupon = coupon, Method = method, Ticket = TicketWith(ticketUsed), UserKey = "user-1" };

        Assert.Equal(expected, RedemptionRules.Evaluate(snapshot, store, Now));
    }

    [Fact]
    public void Refusal_codes_are_the_contracts_and_in_its_order()
    {
        Snapshot.Match(RedemptionRefusals.InOrder.Select(r => r.ToCode()).ToList());
        Assert.Equal(
            ["coupon_not_active", "not_yet_valid", "expired", "store_not_allowed", "ticket_already_used", "per_user_limit_reached", "total_limit_reached"],
            RedemptionRefusals.InOrder.Select(r => r.ToCode()));
    }

    [Fact]
    public void Refusal_codes_parse_back_and_unknown_codes_do_not()
    {
        foreach (var refusal in RedemptionRefusals.InOrder)
        {
            Assert.True(RedemptionRefusals.TryParse(refusal.ToCode(), out var parsed));
            Assert.Equal(refusal, parsed);
        }
        Assert.False(RedemptionRefusals.TryParse("", out _));
        Assert.False(RedemptionRefusals.TryParse("Expired", out _));
        Assert.False(RedemptionRefusals.TryParse(null, out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => ((RedemptionRefusal)0).ToCode());
    }

    [Fact]
    public void A_refusal_is_a_conflict_with_its_code_and_message()
    {
        foreach (var refusal in RedemptionRefusals.InOrder)
        {
            var failure = Failure.Refused(refusal);
            Assert.Equal((FailureKind.Conflict, refusal.ToCode(), refusal.MessageOf()), (failure.Kind, failure.Code, failure.Message));
        }
        Result redeemable = Result.Success;
        Result refused = Failure.Refused(RedemptionRefusal.Expired);
        Assert.True(redeemable.Succeeded);
        Assert.Equal(FailureCodes.Expired, refused.Failure?.Code);
    }

    [Theory]
    [InlineData("tok", null, null, null, true, null)]
    [InlineData(null, "CODE", null, null, true, null)]
    [InlineData(null, null, "SHARED", "user", true, null)]
    [InlineData(null, null, null, null, false, "ticketToken")]
    [InlineData("tok", "CODE", null, null, false, "code")]
    [InlineData(null, null, "SHARED", null, false, "userKey")]
    [InlineData("tok", null, null, "user", false, "userKey")]
    public void A_request_names_the_coupon_exactly_one_way(string? token, string? code, string? shared, string? user, bool wellFormed, string? problem)
    {
        var request = new RedemptionRequest { TicketToken = token, Code = code, SharedCode = shared, UserKey = user };

        Assert.Equal(wellFormed, request.IsWellFormed(out var field));
        Assert.Equal(problem, field);
    }
}
