using Microsoft.Extensions.DependencyInjection;
using SmartECoupon.Auditing;
using SmartECoupon.Coupons;
using SmartECoupon.Redemptions;
using SmartECoupon.Storage.EfCore;
using SmartECoupon.Tenancy;

// SmartECoupon on its embedded SQLite storage; the schema is created (or brought up to date) at start.
var services = new ServiceCollection();
services.AddSmartECoupon().AddEntityFrameworkCoreStores(o => o.ConnectionString = "Data Source=quickstart.db");
await using var provider = services.BuildServiceProvider();
await provider.GetRequiredService<SmartECouponStorage>().MigrateAsync();

// A tenant (a business) with its first administrator; everything below happens inside that tenant.
var tenant = (await provider.GetRequiredService<TenantService>()
    .CreateAsync("さくらカフェ", TenantPlan.Standard, "山田 花子", Actor.System("quickstart"))).Value!;
using var scope = provider.GetRequiredService<ITenantContext>().BeginScope(tenant.Tenant.Id);
var admin = Actor.Member(tenant.Admin.Id);

// A coupon: at most 100 uses, one per customer, valid through the last day of 2099 in Tokyo.
var coupons = provider.GetRequiredService<CouponService>();
var coupon = (await coupons.CreateAsync(new CouponDraft
{
    Title = "秋のドリンクフェア",
    Benefit = "ドリンク1杯無料",
    ValidUntil = ValidityBound.FromDate(new DateOnly(2099, 12, 31)),
    TotalLimit = 100,
}, admin)).Value!;
await coupons.PublishAsync(coupon.Id, admin);

// A customer receives a ticket; at the counter, staff type its code (any case or width). A second use is refused.
var ticket = (await provider.GetRequiredService<TicketService>().IssueAsync(coupon.Id, "customer-1", admin)).Value!.Ticket;
var redemptions = provider.GetRequiredService<RedemptionService>();
var first = await redemptions.RedeemAsync(RedemptionRequest.ForCode(ticket.Code.ToLowerInvariant()), admin, RedemptionChannel.Api);
var second = await redemptions.RedeemAsync(RedemptionRequest.ForCode(ticket.Code), admin, RedemptionChannel.Api);
Console.WriteLine($"ticket {ticket.Code}: first use {(first.Succeeded ? "redeemed" : first.Failure.Code)}, second use {second.Failure?.Code}");
