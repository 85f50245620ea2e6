using SmartECoupon.Auditing;
using SmartECoupon.Coupons;
using SmartECoupon.Redemptions;
using SmartECoupon.Stores;
using SmartECoupon.Tenancy;

namespace SmartECoupon.Storage.Specification;

/// <summary>
/// Everything tenant A writes is invisible to tenant B through every store method, B cannot change any of it, and a
/// call with no tenant at all fails closed. Each check is made against a sibling whose data must not move.
/// </summary>
public abstract class IsolationConformance(IStorageHarness harness) : ConformanceTest(harness)
{
    private sealed record TenantAData(TestTenant Tenant, Coupon Coupon, Ticket Ticket, string OneTimeCode, Redemption Redemption, Member Staff, Store Store);

    private async Task<TenantAData> SeedAsync()
    {
        var a = await NewTenantAsync();
        Store store;
        Member staff;
        using (In(a))
        {
            store = (await Get<StoreService>().CreateAsync("A店", a.Admin)).Value!;
            staff = (await Get<MemberService>().CreateAsync("A staff", MemberRole.Staff, a.Admin)).Value!.Person;
        }
        var coupon = await PublishedCouponAsync(a, totalLimit: 10, sharedCode: "ISOLATE1", storeIds: [store.Id]);
        var ticket = await TicketAsync(a, coupon.Id, "a-user");
        var code = await OneTimeCodeAsync(a, coupon.Id, 5);
        var redemption = (await RedeemAsync(a, RedemptionRequest.ForTicketToken(ticket.Token, store.Id))).Value!;
        return new TenantAData(a, coupon, ticket, code, redemption, staff, store);
    }

    private async Task<(long, long, long, long, long)> FootprintAsync(TestTenant tenant, string couponId) => (
        await CountAsync(StoredRows.LiveRedemptions, tenant, couponId),
        await CountAsync(StoredRows.Tickets, tenant, couponId),
        await CountAsync(StoredRows.OneTimeCodes, tenant, couponId),
        await CountAsync(StoredRows.Members, tenant),
        await CountAsync(StoredRows.AuditEntries, tenant));

    [SkippableFact]
    public async Task Another_tenant_reads_nothing_of_A_through_any_store()
    {
        var a = await SeedAsync();
        var b = await NewTenantAsync();
        using (In(b))
        {
            Assert.Null(await Get<ICouponRepository>().FindAsync(a.Coupon.Id));
            Assert.Null(await Get<ICouponRepository>().FindBySharedCodeAsync("ISOLATE1"));
            Assert.Empty((await Get<ICouponRepository>().ListAsync(new PageRequest(200))).Items);
            Assert.Null(await Get<ITicketRepository>().FindAsync(a.Ticket.Id));
            Assert.Null(await Get<ITicketRepository>().FindByTokenAsync(a.Ticket.Token));
            Assert.Null(await Get<ITicketRepository>().FindByUserAsync(a.Coupon.Id, "a-user"));
            Assert.Null(await Get<IOneTimeCodeRepository>().FindAsync(a.OneTimeCode));
            Assert.Empty((await Get<IOneTimeCodeRepository>().ListAsync(a.Coupon.Id, new PageRequest(200))).Items);
            Assert.Null(await Get<IRedemptionRepository>().FindAsync(a.Redemption.Id));
            Assert.Empty((await Get<IRedemptionRepository>().ListAsync(new PageRequest(200))).Items);
            Assert.Null(await Get<IMemberRepository>().FindAsync(a.Staff.Id));
            Assert.Null(await Get<IMemberRepository>().FindByKeyIdAsync(a.Staff.ApiKeyId));
            Assert.DoesNotContain((await Get<IMemberRepository>().ListAsync(new PageRequest(200))).Items, m => m.TenantId == a.Tenant.Id);
            Assert.Null(await Get<IStoreRepository>().FindAsync(a.Store.Id));
            Assert.Empty((await Get<IStoreRepository>().ListAsync(new PageRequest(200))).Items);
            Assert.Empty(await Get<IStoreRepository>().FindExistingAsync([a.Store.Id]));
            Assert.All((await Get<IAuditLog>().ListAsync(new PageRequest(200))).Items, e => Assert.Equal(b.Id, e.TenantId));
            foreach (var lookup in new[]
            {
                new RedemptionLookup(RedemptionLookupKind.TicketToken, a.Ticket.Token, null),
                new RedemptionLookup(RedemptionLookupKind.Code, a.Ticket.Code, null),
                new RedemptionLookup(RedemptionLookupKind.Code, a.OneTimeCode, null),
                new RedemptionLookup(RedemptionLookupKind.SharedCode, "ISOLATE1", "a-user"),
            })
            {
                Assert.Null(await Get<IRedemptionRepository>().FindSnapshotAsync(lookup));
            }
        }
    }

    [SkippableFact]
    public async Task Another_tenant_changes_nothing_of_A_through_any_service()
    {
        var a = await SeedAsync();
        var b = await NewTenantAsync();
        var before = await FootprintAsync(a.Tenant, a.Coupon.Id);
        using (In(b))
        {
            var coupons = Get<CouponService>();
            var redemptions = Get<RedemptionService>();
            Assert.Equal(FailureCodes.NotFound, (await coupons.UpdateAsync(a.Coupon.Id, d => d with { Title = "乗っ取り" }, b.Admin)).Failure?.Code);
            Assert.Equal(FailureCodes.NotFound, (await coupons.PauseAsync(a.Coupon.Id, b.Admin)).Failure?.Code);
            Assert.Equal(FailureCodes.NotFound, (await coupons.ArchiveAsync(a.Coupon.Id, b.Admin)).Failure?.Code);
            Assert.Equal(FailureCodes.NotFound, (await Get<TicketService>().IssueAsync(a.Coupon.Id, "b-user", b.Admin)).Failure?.Code);
            Assert.Equal(FailureCodes.NotFound, (await Get<OneTimeCodeService>().GenerateAsync(a.Coupon.Id, 10, b.Admin)).Failure?.Code);
            Assert.Equal(FailureCodes.NotFound, (await redemptions.VoidAsync(a.Redemption.Id, b.Admin)).Failure?.Code);
            Assert.Equal(FailureCodes.NotFound, (await Get<MemberService>().RemoveAsync(a.Staff.Id, b.Admin)).Failure?.Code);
            Assert.Equal(FailureCodes.NotFound, (await Get<MemberService>().RotateKeyAsync(a.Staff.Id, b.Admin)).Failure?.Code);
            foreach (var request in new[]
            {
                RedemptionRequest.ForTicketToken(a.Ticket.Token),
                RedemptionRequest.ForCode(a.Ticket.Code),
                RedemptionRequest.ForCode(a.OneTimeCode),
                RedemptionRequest.ForSharedCode("ISOLATE1", "b-user"),
            })
            {
                Assert.Equal(FailureCodes.NotFound, (await redemptions.RedeemAsync(request, b.Admin, RedemptionChannel.Api)).Failure?.Code);
                Assert.Equal(FailureCodes.NotFound, (await redemptions.ValidateAsync(request)).Failure?.Code);
            }
            // A's store id is unknown in B as well.
            Assert.Equal("storeId", (await redemptions.RedeemAsync(RedemptionRequest.ForSharedCode("X", "u", a.Store.Id), b.Admin, RedemptionChannel.Api)).Failure!.Errors[0].Field);
            Assert.Equal("storeIds", (await coupons.CreateAsync(new CouponDraft { Title = "t", Benefit = "b", StoreIds = [a.Store.Id] }, b.Admin)).Failure!.Errors[0].Field);
        }
        Assert.Equal(before, await FootprintAsync(a.Tenant, a.Coupon.Id));
        using (In(a.Tenant))
        {
            var coupon = await Get<CouponService>().FindAsync(a.Coupon.Id);
            Assert.Equal((a.Coupon.Title, CouponStatus.Published, 1), (coupon!.Title, coupon.Status, coupon.RedeemedCount));
            Assert.Null((await Get<IRedemptionRepository>().FindAsync(a.Redemption.Id))!.VoidedAt);
        }
        Assert.NotNull(await Get<ApiKeyAuthenticator>().AuthenticateAsync(a.Tenant.AdminKey));
    }

    [SkippableFact]
    public async Task Without_a_tenant_reads_see_nothing_and_writes_throw()
    {
        var a = await SeedAsync();
        using (NoTenant())
        {
            Assert.Null(await Get<ICouponRepository>().FindAsync(a.Coupon.Id));
            Assert.Empty((await Get<IRedemptionRepository>().ListAsync(new PageRequest(200))).Items);
            Assert.Null(await Get<ITicketRepository>().FindByTokenAsync(a.Ticket.Token));
            var now = Harness.Time.GetUtcNow();
            var audit = AuditEntry.Create(a.Tenant.Id, a.Tenant.Admin, AuditActions.StoreCreated, AuditTargets.Store, "sto_x", now);
            await Assert.ThrowsAsync<TenantNotSetException>(() => Get<IStoreRepository>().TryAddAsync(
                new Store { TenantId = a.Tenant.Id, Id = EntityIds.New(EntityIds.StorePrefix, now), Name = "x", CreatedAt = now }, null, audit));
            await Assert.ThrowsAsync<TenantNotSetException>(() => Get<IAuditLog>().AppendAsync(audit));
            await Assert.ThrowsAsync<TenantNotSetException>(() => Get<CouponService>().CreateAsync(new CouponDraft { Title = "t", Benefit = "b" }, a.Tenant.Admin));
            await Assert.ThrowsAsync<TenantNotSetException>(() => Get<RedemptionService>().RedeemAsync(RedemptionRequest.ForTicketToken(a.Ticket.Token), a.Tenant.Admin, RedemptionChannel.Api));
        }
    }

    [SkippableFact]
    public async Task A_row_stamped_with_another_tenant_cannot_be_written_in_this_one()
    {
        var a = await SeedAsync();
        var b = await NewTenantAsync();
        var before = await CountAsync(StoredRows.AuditEntries, a.Tenant);
        using (In(b))
        {
            var now = Harness.Time.GetUtcNow();
            // Written in B's session but claiming to be A's: refused, and nothing lands in A.
            var forged = AuditEntry.Create(a.Tenant.Id, b.Admin, AuditActions.StoreCreated, AuditTargets.Store, "sto_forged", now);
            await Assert.ThrowsAsync<TenantMismatchException>(() => Get<IAuditLog>().AppendAsync(forged));
        }
        Assert.Equal(before, await CountAsync(StoredRows.AuditEntries, a.Tenant));
    }

    [SkippableFact]
    public async Task The_anonymous_directory_reveals_a_tenant_id_and_nothing_else()
    {
        var a = await SeedAsync();
        var directory = Get<ITenantDirectory>();
        using (NoTenant())
        {
            Assert.Equal(a.Tenant.Id, await directory.FindTenantOfTicketTokenAsync(a.Ticket.Token));
            Assert.Equal(a.Tenant.Id, await directory.FindTenantOfCouponAsync(a.Coupon.Id));
            Assert.Null(await directory.FindTenantOfTicketTokenAsync(TicketTokens.New()));
            Assert.Null(await directory.FindTenantOfCouponAsync("cpn_00000000000000000000000000"));
            // A coupon id is not a ticket token, and the other way round.
            Assert.Null(await directory.FindTenantOfTicketTokenAsync(a.Coupon.Id));
            Assert.Null(await directory.FindTenantOfCouponAsync(a.Ticket.Token));
        }
    }
}
