using SmartECoupon.Coupons;
using SmartECoupon.Redemptions;
using SmartECoupon.Stores;
using SmartECoupon.Tenancy;
using SmartECoupon.Validation;

namespace SmartECoupon.Storage.Specification;

/// <summary>Coupons, their lifecycle and plan limit, tickets and one-time codes.</summary>
public abstract class CouponConformance(IStorageHarness harness) : ConformanceTest(harness)
{
    [SkippableFact]
    public async Task A_ticket_s_page_shows_its_coupon_shops_and_state_as_the_rules_decide()
    {
        var tenant = await NewTenantAsync();
        Store first, second;
        using (In(tenant))
        {
            first = (await Get<StoreService>().CreateAsync("渋谷店", tenant.Admin)).Value!;
            second = (await Get<StoreService>().CreateAsync("新宿店", tenant.Admin)).Value!;
            Assert.True((await Get<StoreService>().CreateAsync("池袋店（このクーポンは使えない）", tenant.Admin)).Succeeded);
        }
        var coupon = await PublishedCouponAsync(tenant, perUserLimit: 1, storeIds: [second.Id, first.Id]);
        var ticket = await TicketAsync(tenant, coupon.Id, "page-user");
        using (In(tenant))
        {
            var tickets = Get<TicketService>();
            Assert.Null(await tickets.GetPageAsync("no-such-token"));

            var fresh = (await tickets.GetPageAsync(ticket.Token))!;
            Assert.Equal((TicketPageState.Unused, true, 1, (DateTimeOffset?)null), (fresh.State, fresh.CanConfirm, fresh.UsesLeft, fresh.LastUsedAt));
            Assert.Equal([second.Id, first.Id], fresh.Stores.Select(s => s.Id));
            Assert.Equal((ticket.Id, coupon.Id), (fresh.Ticket.Id, fresh.Coupon.Id));

            var used = (await Get<RedemptionService>().RedeemAsync(RedemptionRequest.ForTicketToken(ticket.Token, second.Id), tenant.Admin, RedemptionChannel.Api)).Value!;
            var afterUse = (await tickets.GetPageAsync(ticket.Token))!;
            Assert.Equal((TicketPageState.Used, false, used.RedeemedAt), (afterUse.State, afterUse.CanConfirm, afterUse.LastUsedAt));

            Assert.True((await Get<RedemptionService>().VoidAsync(used.Id, tenant.Admin)).Succeeded);
            Assert.Equal((TicketPageState.Unused, (DateTimeOffset?)null), ((await tickets.GetPageAsync(ticket.Token))!.State, (await tickets.GetPageAsync(ticket.Token))!.LastUsedAt));

            Assert.True((await Get<CouponService>().PauseAsync(coupon.Id, tenant.Admin)).Succeeded);
            var paused = (await tickets.GetPageAsync(ticket.Token))!;
            Assert.Equal((TicketPageState.Unavailable, RedemptionRefusal.CouponNotActive, false), (paused.State, paused.Refusal, paused.CanConfirm));
        }
    }

    [SkippableFact]
    public async Task A_coupon_round_trips_every_field_exactly()
    {
        var tenant = await NewTenantAsync();
        using (In(tenant))
        {
            var store = (await Get<StoreService>().CreateAsync("新宿店", tenant.Admin)).Value!;
            var service = Get<CouponService>();
            var created = await service.CreateAsync(new CouponDraft
            {
                Title = "𠮷野家 👨‍👩‍👧‍👦 秋",
                Benefit = "ｶﾞ 10%OFF",
                Description = "一行目\n二行目",
                ValidFrom = ValidityBound.FromInstant(new DateTimeOffset(2026, 12, 1, 10, 0, 0, 123, 456, TimeSpan.FromHours(9))),
                ValidUntil = ValidityBound.FromDate(new DateOnly(2026, 12, 31)),
                TotalLimit = 500,
                PerUserLimit = 3,
                StoreIds = [store.Id],
                SharedCode = "Autumn-2026",
            }, tenant.Admin);
            Assert.True(created.Succeeded);

            var stored = await service.FindAsync(created.Value.Id);

            Assert.NotNull(stored);
            Assert.Equal(created.Value with { StoreIds = stored.StoreIds }, stored);
            Assert.Equal([store.Id], stored.StoreIds);
            Assert.Equal(CouponStatus.Draft, stored.Status);
            Assert.Equal(new DateTimeOffset(2026, 12, 1, 1, 0, 0, 123, 456, TimeSpan.Zero), stored.ValidFrom);
            Assert.Equal(new DateTimeOffset(2026, 12, 31, 23, 59, 59, 999, 999, TimeSpan.FromHours(9)), stored.ValidUntil);
            Assert.Equal(("AUTUMN2026", 1), (stored.SharedCodeKey, stored.Version));
        }
    }

    [SkippableFact]
    public async Task A_shared_code_is_unique_in_the_tenant_whatever_its_case_and_width()
    {
        var tenant = await NewTenantAsync();
        var other = await NewTenantAsync();
        await PublishedCouponAsync(tenant, sharedCode: "WELCOME10");

        using (In(tenant))
        {
            var duplicate = await Get<CouponService>().CreateAsync(new CouponDraft { Title = "t", Benefit = "b", SharedCode = "ｗｅｌｃｏｍｅ－１０" }, tenant.Admin);
            Assert.Equal(FailureCodes.ValidationFailed, duplicate.Failure?.Code);
            Assert.Equal(("sharedCode", FailureCodes.AlreadyExists), (duplicate.Failure!.Errors[0].Field, duplicate.Failure.Errors[0].Code));
        }
        // Another tenant may use the same shared code.
        await PublishedCouponAsync(other, sharedCode: "welcome10");
    }

    [SkippableFact]
    public async Task A_coupon_naming_unknown_stores_is_refused()
    {
        var tenant = await NewTenantAsync();
        using (In(tenant))
        {
            var result = await Get<CouponService>().CreateAsync(new CouponDraft
            {
                Title = "t",
                Benefit = "b",
                StoreIds = [EntityIds.New(EntityIds.StorePrefix, DateTimeOffset.UtcNow)],
            }, tenant.Admin);

            Assert.Equal(("storeIds", FailureCodes.NotFound), (result.Failure!.Errors[0].Field, result.Failure.Errors[0].Code));
        }
    }

    [SkippableFact]
    public async Task Changes_raise_the_version_and_cannot_cut_the_total_limit_below_live_uses()
    {
        var tenant = await NewTenantAsync();
        var coupon = await PublishedCouponAsync(tenant, totalLimit: 10, perUserLimit: null, sharedCode: "CHANGE1");
        for (var i = 0; i < 4; i++)
        {
            await RedeemAsync(tenant, RedemptionRequest(i));
        }
        using (In(tenant))
        {
            var service = Get<CouponService>();
            var changed = await service.UpdateAsync(coupon.Id, d => d with { Title = "新タイトル", TotalLimit = 4 }, tenant.Admin);
            Assert.True(changed.Succeeded);
            Assert.Equal(("新タイトル", 4, coupon.Version + 1, 4), (changed.Value.Title, changed.Value.TotalLimit, changed.Value.Version, changed.Value.RedeemedCount));

            var tooLow = await service.UpdateAsync(coupon.Id, d => d with { TotalLimit = 3 }, tenant.Admin);
            Assert.Equal(("totalLimit", FailureCodes.OutOfRange), (tooLow.Failure!.Errors[0].Field, tooLow.Failure.Errors[0].Code));

            Assert.True((await service.ArchiveAsync(coupon.Id, tenant.Admin)).Succeeded);
            Assert.Equal(FailureCodes.InvalidStatusTransition, (await service.UpdateAsync(coupon.Id, d => d with { Title = "x" }, tenant.Admin)).Failure?.Code);
            Assert.Equal(FailureCodes.NotFound, (await service.UpdateAsync("cpn_00000000000000000000000000", d => d, tenant.Admin)).Failure?.Code);
        }

        static Redemptions.RedemptionRequest RedemptionRequest(int user) => Redemptions.RedemptionRequest.ForSharedCode("CHANGE1", $"user-{user}");
    }

    [SkippableFact]
    public async Task Concurrent_changes_of_one_coupon_are_all_applied_not_lost()
    {
        var tenant = await NewTenantAsync();
        var coupon = await PublishedCouponAsync(tenant, totalLimit: 1000);
        var results = await RaceAsync(4, 4, async i =>
        {
            using (In(tenant))
            {
                return await Get<CouponService>().UpdateAsync(coupon.Id, d => d with { TotalLimit = d.TotalLimit + 1 }, tenant.Admin);
            }
        });

        Assert.All(results, r => Assert.True(r.Succeeded, r.Failure?.Code));
        using (In(tenant))
        {
            var stored = await Get<CouponService>().FindAsync(coupon.Id);
            Assert.Equal((1004, coupon.Version + 4), (stored!.TotalLimit, stored.Version));
        }
    }

    [SkippableFact]
    public async Task Status_changes_follow_the_lifecycle_and_publishing_respects_the_plan()
    {
        var tenant = await NewTenantAsync(TenantPlan.Free); // 3 published coupons
        using (In(tenant))
        {
            var service = Get<CouponService>();
            var drafts = new List<Coupon>();
            for (var i = 0; i < 6; i++)
            {
                drafts.Add((await service.CreateAsync(new CouponDraft { Title = $"c{i}", Benefit = "b" }, tenant.Admin)).Value!);
            }
            var published = await RaceAsync(6, 6, async i =>
            {
                using (In(tenant))
                {
                    return await Get<CouponService>().PublishAsync(drafts[i].Id, tenant.Admin);
                }
            });
            Assert.Equal(3, published.Count(r => r.Succeeded));
            Assert.All(published.Where(r => !r.Succeeded), r => Assert.Equal(FailureCodes.PlanLimitReached, r.Failure!.Code));
            Assert.Equal(3, await CountAsync(StoredRows.PublishedCoupons, tenant));

            var live = published.First(r => r.Succeeded).Value!;
            Assert.Equal(FailureCodes.InvalidStatusTransition, (await service.PublishAsync(live.Id, tenant.Admin)).Failure?.Code);
            var paused = await service.PauseAsync(live.Id, tenant.Admin);
            Assert.Equal(CouponStatus.Paused, paused.Value!.Status);
            Assert.Equal(FailureCodes.InvalidStatusTransition, (await service.PauseAsync(live.Id, tenant.Admin)).Failure?.Code);

            var waiting = published.Select((r, i) => (r, i)).First(x => !x.r.Succeeded).i;
            Assert.True((await service.PublishAsync(drafts[waiting].Id, tenant.Admin)).Succeeded);
            Assert.Equal(FailureCodes.PlanLimitReached, (await service.PublishAsync(live.Id, tenant.Admin)).Failure?.Code);
            Assert.True((await service.ArchiveAsync(drafts[waiting].Id, tenant.Admin)).Succeeded);
            Assert.True((await service.PublishAsync(live.Id, tenant.Admin)).Succeeded);
            Assert.Equal(FailureCodes.NotFound, (await service.PublishAsync("cpn_00000000000000000000000000", tenant.Admin)).Failure?.Code);
        }
    }

    [SkippableFact]
    public async Task A_user_has_one_ticket_per_coupon_even_when_asking_many_times_at_once()
    {
        var tenant = await NewTenantAsync();
        var coupon = await PublishedCouponAsync(tenant);
        var issued = await RaceAsync(20, 8, async _ =>
        {
            using (In(tenant))
            {
                return await Get<TicketService>().IssueAsync(coupon.Id, "visitor-42", tenant.Admin);
            }
        });

        Assert.All(issued, r => Assert.True(r.Succeeded));
        Assert.Single(issued.Select(r => r.Value!.Ticket.Id).Distinct());
        Assert.Single(issued, r => r.Value!.Created);
        Assert.Equal(1, await CountAsync(StoredRows.Tickets, tenant, coupon.Id));

        var other = await TicketAsync(tenant, coupon.Id, "visitor-43");
        var first = issued[0].Value!.Ticket;
        Assert.NotEqual((first.Token, first.Code), (other.Token, other.Code));
        Assert.True(TicketTokens.HasShape(first.Token));
        Assert.True(CouponCodes.IsInAlphabet(first.Code));
        using (In(tenant))
        {
            Assert.Equal(2, (await Get<CouponService>().FindAsync(coupon.Id))!.IssuedCount);
            Assert.Equal(first, await Get<ITicketRepository>().FindByTokenAsync(first.Token));
            Assert.Equal(FailureCodes.NotFound, (await Get<TicketService>().IssueAsync("cpn_00000000000000000000000000", "u", tenant.Admin)).Failure?.Code);
            Assert.Equal(FailureCodes.ValidationFailed, (await Get<TicketService>().IssueAsync(coupon.Id, "bad\u0000key", tenant.Admin)).Failure?.Code);

            // The user key goes through its policy: typed in full width on a phone, it is the same user.
            var fullWidth = await Get<TicketService>().IssueAsync(coupon.Id, "ｖｉｓｉｔｏｒ－４２", tenant.Admin);
            Assert.Equal((first.Id, "visitor-42", false), (fullWidth.Value!.Ticket.Id, fullWidth.Value.Ticket.UserKey, fullWidth.Value.Created));
            var kana = await Get<TicketService>().IssueAsync(coupon.Id, "やまだ", tenant.Admin);
            var error = Assert.Single(kana.Failure!.Errors);
            Assert.Equal(("userKey", FailureCodes.InvalidCharacters), (error.Field, error.Code));
        }
    }

    [SkippableFact]
    public async Task Generated_one_time_codes_are_unique_counted_and_listed_in_pages()
    {
        var tenant = await NewTenantAsync();
        var coupon = await PublishedCouponAsync(tenant);
        using (In(tenant))
        {
            var generated = await Get<OneTimeCodeService>().GenerateAsync(coupon.Id, 5_000, tenant.Admin);

            Assert.Equal(5_000, generated.Value);
            Assert.Equal(5_000, await CountAsync(StoredRows.OneTimeCodes, tenant, coupon.Id));
            Assert.Equal(5_000, (await Get<CouponService>().FindAsync(coupon.Id))!.IssuedCount);
            var listed = new List<string>();
            string? cursor = null;
            do
            {
                var page = await Get<IOneTimeCodeRepository>().ListAsync(coupon.Id, new PageRequest(200, cursor));
                listed.AddRange(page.Items.Select(c => c.Code));
                cursor = page.NextCursor;
            }
            while (cursor is not null);
            Assert.Equal(5_000, listed.Distinct(StringComparer.Ordinal).Count());
            Assert.All(listed.Take(100), c => Assert.True(CouponCodes.IsInAlphabet(c)));
            Assert.Equal(FailureCodes.ValidationFailed, (await Get<OneTimeCodeService>().GenerateAsync(coupon.Id, 0, tenant.Admin)).Failure?.Code);
        }
    }

    [SkippableFact]
    public async Task The_database_keeps_codes_unique_across_tickets_and_one_time_codes()
    {
        var tenant = await NewTenantAsync();
        var coupon = await PublishedCouponAsync(tenant);
        var ticket = await TicketAsync(tenant, coupon.Id, "user-1");
        using (In(tenant))
        {
            var codes = Get<IOneTimeCodeRepository>();
            // The store skips a code the tenant already has (here a ticket's) and one already generated, and says so.
            Assert.Equal(1, await codes.AddBatchAsync(coupon.Id, [ticket.Code, "ZZZZZZZZZZ"], Harness.Time.GetUtcNow(), null));
            Assert.Equal(0, await codes.AddBatchAsync(coupon.Id, ["ZZZZZZZZZZ"], Harness.Time.GetUtcNow(), null));
            Assert.Null(await codes.FindAsync(ticket.Code));
            Assert.NotNull(await codes.FindAsync("ZZZZZZZZZZ"));
        }
        Assert.Equal(1, await CountAsync(StoredRows.OneTimeCodes, tenant, coupon.Id));
    }
}
