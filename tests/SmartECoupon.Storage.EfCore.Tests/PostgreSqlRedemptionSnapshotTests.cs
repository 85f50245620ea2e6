using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SmartECoupon.Coupons;
using SmartECoupon.Storage.EfCore.Repositories;
using SmartECoupon.Storage.EfCore.Rows;
using SmartECoupon.Storage.Specification;
using SmartECoupon.Stores;
using SmartECoupon.Tenancy;

namespace SmartECoupon.Storage.EfCore.Tests;

/// <summary>
/// PostgreSQL reads a redemption's rows through <c>smartecoupon_redemption_snapshot</c>, as JSON, rather than through EF:
/// every property of every row it answers must equal what EF reads from the same tables, for each kind of look-up, and a
/// look-up in another tenant must find nothing.
/// </summary>
public sealed class PostgreSqlRedemptionSnapshotTests(PostgreSqlHarness harness) : ConformanceTest(harness), IClassFixture<PostgreSqlHarness>
{
    [SkippableFact]
    public async Task The_function_answers_exactly_the_rows_ef_reads_for_every_kind_of_look_up()
    {
        var tenant = await NewTenantAsync();
        var other = await NewTenantAsync();
        string storeId;
        using (In(tenant))
        {
            storeId = (await Get<StoreService>().CreateAsync("梅田店", tenant.Admin)).Value!.Id;
        }
        var coupon = await PublishedCouponAsync(tenant, totalLimit: 100, perUserLimit: 3, sharedCode: "SNAPSHOT1", storeIds: [storeId]);
        var ticket = await TicketAsync(tenant, coupon.Id, "user-1");
        var oneTimeCode = await OneTimeCodeAsync(tenant, coupon.Id);

        using (In(tenant))
        {
            var db = Get<SmartECouponDbContextFactory>().ForTenant();
            await using (db)
            {
                var couponRow = await db.Coupons.AsNoTracking().SingleAsync(c => c.Id == coupon.Id);
                var ticketRow = await db.Tickets.AsNoTracking().SingleAsync(t => t.Id == ticket.Id);
                var codeRow = await db.Codes.AsNoTracking().SingleAsync(c => c.Code == oneTimeCode);
                var ticketCodeRow = await db.Codes.AsNoTracking().SingleAsync(c => c.TicketId == ticket.Id);
                Assert.Equal([storeId], couponRow.StoreIds);

                var byToken = await PostgreSqlRedemptionSnapshot.FindAsync(db, tenant.Id, PostgreSqlRedemptionSnapshot.ByTicketToken, ticketRow.Token, null, default);
                AssertSame(couponRow, byToken!.Coupon);
                AssertSame(ticketRow, byToken.Ticket);

                var byCode = await PostgreSqlRedemptionSnapshot.FindAsync(db, tenant.Id, PostgreSqlRedemptionSnapshot.ByCode, oneTimeCode, null, default);
                AssertSame(couponRow, byCode!.Coupon);
                AssertSame(codeRow, byCode.Code);
                Assert.Null(byCode.Ticket);

                var byTicketCode = await PostgreSqlRedemptionSnapshot.FindAsync(db, tenant.Id, PostgreSqlRedemptionSnapshot.ByCode, ticketCodeRow.Code, null, default);
                AssertSame(ticketCodeRow, byTicketCode!.Code);
                AssertSame(ticketRow, byTicketCode.Ticket);

                var byShared = await PostgreSqlRedemptionSnapshot.FindAsync(db, tenant.Id, PostgreSqlRedemptionSnapshot.BySharedCode, couponRow.SharedCodeKey!, "user-1", default);
                AssertSame(couponRow, byShared!.Coupon);
                AssertSame(ticketRow, byShared.Ticket);
                var sharedNewUser = await PostgreSqlRedemptionSnapshot.FindAsync(db, tenant.Id, PostgreSqlRedemptionSnapshot.BySharedCode, couponRow.SharedCodeKey!, "user-2", default);
                AssertSame(couponRow, sharedNewUser!.Coupon);
                Assert.Null(sharedNewUser.Ticket);

                Assert.Null(await PostgreSqlRedemptionSnapshot.FindAsync(db, tenant.Id, PostgreSqlRedemptionSnapshot.ByTicketToken, "no-such-token", null, default));
            }
        }

        // Asked in another tenant's session, even naming the first tenant, row-level security answers nothing.
        using (In(other))
        {
            var db = Get<SmartECouponDbContextFactory>().ForTenant();
            await using (db)
            {
                var ticketToken = ticket.Token;
                Assert.Null(await PostgreSqlRedemptionSnapshot.FindAsync(db, other.Id, PostgreSqlRedemptionSnapshot.ByTicketToken, ticketToken, null, default));
                Assert.Null(await PostgreSqlRedemptionSnapshot.FindAsync(db, tenant.Id, PostgreSqlRedemptionSnapshot.ByTicketToken, ticketToken, null, default));
            }
        }
    }

    // Every property, by serialising both rows the same way.
    private static void AssertSame<T>(T expected, T? actual)
        where T : class
    {
        Assert.NotNull(actual);
        Assert.Equal(JsonSerializer.Serialize(expected), JsonSerializer.Serialize(actual));
    }
}
