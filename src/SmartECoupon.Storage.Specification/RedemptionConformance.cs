using System.Text;
using SmartECoupon.Auditing;
using SmartECoupon.Coupons;
using SmartECoupon.Idempotency;
using SmartECoupon.Redemptions;
using SmartECoupon.Stores;

namespace SmartECoupon.Storage.Specification;

/// <summary>Redemption, validation, voids and idempotency, through the services and the store.</summary>
public abstract class RedemptionConformance(IStorageHarness harness) : ConformanceTest(harness)
{
    [SkippableFact]
    public async Task A_ticket_is_used_by_its_token_or_by_its_code_as_staff_type_it()
    {
        var tenant = await NewTenantAsync();
        var coupon = await PublishedCouponAsync(tenant, perUserLimit: 2);
        var ticket = await TicketAsync(tenant, coupon.Id, "user-1");
        var typed = string.Concat(ticket.Code.ToLowerInvariant().Select(c => (char)(c + 0xFEE0))).Insert(4, "ー");

        var byToken = await RedeemAsync(tenant, RedemptionRequest.ForTicketToken(ticket.Token));
        var byCode = await RedeemAsync(tenant, RedemptionRequest.ForCode(typed));
        var third = await RedeemAsync(tenant, RedemptionRequest.ForCode(ticket.Code));

        Assert.True(byToken.Succeeded);
        Assert.True(byCode.Succeeded);
        Assert.Equal(FailureCodes.TicketAlreadyUsed, third.Failure?.Code);
        var redemption = byToken.Value!;
        Assert.Equal((coupon.Id, ticket.Id, "user-1", RedemptionChannel.Api, tenant.Admin.Id), (redemption.CouponId, redemption.TicketId, redemption.UserKey, redemption.Channel, redemption.RedeemedBy));
        using (In(tenant))
        {
            Assert.Equal(redemption, await Get<RedemptionService>().FindAsync(redemption.Id));
            Assert.Equal(2, (await Get<CouponService>().FindAsync(coupon.Id))!.RedeemedCount);
            Assert.Equal(2, (await Get<ITicketRepository>().FindAsync(ticket.Id))!.UsedCount);
        }
        Assert.Equal(2, await CountAsync(StoredRows.LiveRedemptions, tenant, coupon.Id));
    }

    [SkippableFact]
    public async Task A_one_time_code_is_used_once()
    {
        var tenant = await NewTenantAsync();
        var coupon = await PublishedCouponAsync(tenant);
        var code = await OneTimeCodeAsync(tenant, coupon.Id, 3);

        var first = await RedeemAsync(tenant, RedemptionRequest.ForCode(code.ToLowerInvariant()));
        var second = await RedeemAsync(tenant, RedemptionRequest.ForCode(code));

        Assert.True(first.Succeeded);
        Assert.Equal((code, (string?)null, (string?)null), (first.Value!.OneTimeCode, first.Value.UserKey, first.Value.TicketId));
        Assert.Equal(FailureCodes.TicketAlreadyUsed, second.Failure?.Code);
    }

    [SkippableFact]
    public async Task A_shared_code_counts_per_user_and_issues_the_users_ticket_on_first_use()
    {
        var tenant = await NewTenantAsync();
        var coupon = await PublishedCouponAsync(tenant, perUserLimit: 2, sharedCode: "WELCOME10");

        var outcomes = new List<Result<Redemption>>();
        for (var i = 0; i < 3; i++)
        {
            outcomes.Add(await RedeemAsync(tenant, RedemptionRequest.ForSharedCode("ｗｅｌｃｏｍｅ１０", "member-7")));
        }
        var otherUser = await RedeemAsync(tenant, RedemptionRequest.ForSharedCode("welcome10", "member-8"));

        Assert.Equal([true, true, false], outcomes.Select(o => o.Succeeded));
        Assert.Equal(FailureCodes.PerUserLimitReached, outcomes[2].Failure?.Code);
        Assert.True(otherUser.Succeeded);
        Assert.Equal(2, await CountAsync(StoredRows.Tickets, tenant, coupon.Id));
        using (In(tenant))
        {
            var ticket = await Get<ITicketRepository>().FindByUserAsync(coupon.Id, "member-7");
            Assert.Equal((2, TicketStatus.Used), (ticket!.UsedCount, ticket.StatusUnder(coupon.PerUserLimit)));
            // The user's ticket now refuses a use too: one count per user, whatever the channel.
            Assert.Equal(FailureCodes.TicketAlreadyUsed, (await Get<RedemptionService>().ValidateAsync(RedemptionRequest.ForTicketToken(ticket.Token))).Failure?.Code);
        }
    }

    [SkippableFact]
    public async Task Unknown_tokens_and_codes_are_not_found_and_malformed_requests_are_invalid()
    {
        var tenant = await NewTenantAsync();
        await PublishedCouponAsync(tenant, sharedCode: "KNOWN1");

        foreach (var request in new[]
        {
            RedemptionRequest.ForTicketToken(TicketTokens.New()),
            RedemptionRequest.ForTicketToken("not a token"),
            RedemptionRequest.ForCode("ABCDEFGHJK"),
            RedemptionRequest.ForCode("#!?"),
            RedemptionRequest.ForSharedCode("UNKNOWN1", "u"),
        })
        {
            Assert.Equal(FailureCodes.NotFound, (await RedeemAsync(tenant, request)).Failure?.Code);
        }
        using (In(tenant))
        {
            var service = Get<RedemptionService>();
            Assert.Equal("ticketToken", (await service.RedeemAsync(new RedemptionRequest(), tenant.Admin, RedemptionChannel.Api)).Failure!.Errors[0].Field);
            Assert.Equal("userKey", (await service.RedeemAsync(new RedemptionRequest { SharedCode = "KNOWN1" }, tenant.Admin, RedemptionChannel.Api)).Failure!.Errors[0].Field);
            Assert.Equal("storeId", (await service.RedeemAsync(RedemptionRequest.ForSharedCode("KNOWN1", "u", "sto_00000000000000000000000000"), tenant.Admin, RedemptionChannel.Api)).Failure!.Errors[0].Field);
            Assert.Equal("userKey", (await service.RedeemAsync(RedemptionRequest.ForSharedCode("KNOWN1", "u\u202Ex"), tenant.Admin, RedemptionChannel.Api)).Failure!.Errors[0].Field);
        }
    }

    [SkippableFact]
    public async Task Each_rule_refuses_through_the_store_with_its_code()
    {
        var tenant = await NewTenantAsync();
        Store store;
        using (In(tenant))
        {
            store = (await Get<StoreService>().CreateAsync("梅田店", tenant.Admin)).Value!;
        }
        var now = Harness.Time.GetUtcNow();

        var paused = await PublishedCouponAsync(tenant, sharedCode: "PAUSED1");
        using (In(tenant))
        {
            await Get<CouponService>().PauseAsync(paused.Id, tenant.Admin);
        }
        Assert.Equal(FailureCodes.CouponNotActive, (await RedeemAsync(tenant, RedemptionRequest.ForSharedCode("PAUSED1", "u"))).Failure?.Code);

        await WindowedCouponAsync("FUTURE1", now.AddDays(1), null);
        Assert.Equal(FailureCodes.NotYetValid, (await RedeemAsync(tenant, RedemptionRequest.ForSharedCode("FUTURE1", "u"))).Failure?.Code);

        await WindowedCouponAsync("PAST1", null, now.AddDays(-1));
        Assert.Equal(FailureCodes.Expired, (await RedeemAsync(tenant, RedemptionRequest.ForSharedCode("PAST1", "u"))).Failure?.Code);

        await PublishedCouponAsync(tenant, sharedCode: "STORE1", storeIds: [store.Id]);
        Assert.Equal(FailureCodes.StoreNotAllowed, (await RedeemAsync(tenant, RedemptionRequest.ForSharedCode("STORE1", "u"))).Failure?.Code);
        Assert.True((await RedeemAsync(tenant, RedemptionRequest.ForSharedCode("STORE1", "u", store.Id))).Succeeded);

        await PublishedCouponAsync(tenant, totalLimit: 1, sharedCode: "ONCE1");
        Assert.True((await RedeemAsync(tenant, RedemptionRequest.ForSharedCode("ONCE1", "a"))).Succeeded);
        Assert.Equal(FailureCodes.TotalLimitReached, (await RedeemAsync(tenant, RedemptionRequest.ForSharedCode("ONCE1", "b"))).Failure?.Code);

        async Task WindowedCouponAsync(string shared, DateTimeOffset? from, DateTimeOffset? until)
        {
            using (In(tenant))
            {
                var created = await Get<CouponService>().CreateAsync(new CouponDraft
                {
                    Title = shared,
                    Benefit = "b",
                    SharedCode = shared,
                    ValidFrom = from is { } f ? ValidityBound.FromInstant(f) : null,
                    ValidUntil = until is { } u ? ValidityBound.FromInstant(u) : null,
                }, tenant.Admin);
                await Get<CouponService>().PublishAsync(created.Value!.Id, tenant.Admin);
            }
        }
    }

    [SkippableFact]
    public async Task The_window_is_read_at_the_moment_of_use()
    {
        var tenant = await NewTenantAsync();
        var start = Harness.Time.GetUtcNow().AddHours(1);
        using (In(tenant))
        {
            var created = await Get<CouponService>().CreateAsync(new CouponDraft
            {
                Title = "タイムセール",
                Benefit = "半額",
                SharedCode = "SALE1",
                ValidFrom = ValidityBound.FromInstant(start),
                ValidUntil = ValidityBound.FromInstant(start.AddHours(1)),
            }, tenant.Admin);
            await Get<CouponService>().PublishAsync(created.Value!.Id, tenant.Admin);
        }
        Assert.Equal(FailureCodes.NotYetValid, (await RedeemAsync(tenant, RedemptionRequest.ForSharedCode("SALE1", "u1"))).Failure?.Code);
        Harness.Time.Advance(TimeSpan.FromHours(1));
        Assert.True((await RedeemAsync(tenant, RedemptionRequest.ForSharedCode("SALE1", "u2"))).Succeeded);
        Harness.Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(FailureCodes.Expired, (await RedeemAsync(tenant, RedemptionRequest.ForSharedCode("SALE1", "u3"))).Failure?.Code);
    }

    [SkippableFact]
    public async Task Validation_answers_like_redemption_and_changes_nothing()
    {
        var tenant = await NewTenantAsync();
        var coupon = await PublishedCouponAsync(tenant, totalLimit: 1);
        var ticket = await TicketAsync(tenant, coupon.Id, "user-1");
        using (In(tenant))
        {
            var service = Get<RedemptionService>();
            for (var i = 0; i < 3; i++)
            {
                Assert.True((await service.ValidateAsync(RedemptionRequest.ForTicketToken(ticket.Token))).Succeeded);
            }
            Assert.Equal(FailureCodes.NotFound, (await service.ValidateAsync(RedemptionRequest.ForCode("NOPE"))).Failure?.Code);
        }
        Assert.Equal(0, await CountAsync(StoredRows.Redemptions, tenant, coupon.Id));
        await RedeemAsync(tenant, RedemptionRequest.ForTicketToken(ticket.Token));
        using (In(tenant))
        {
            Assert.Equal(FailureCodes.TicketAlreadyUsed, (await Get<RedemptionService>().ValidateAsync(RedemptionRequest.ForTicketToken(ticket.Token))).Failure?.Code);
        }
    }

    [SkippableFact]
    public async Task A_void_gives_back_one_slot_and_one_use_once()
    {
        var tenant = await NewTenantAsync();
        var coupon = await PublishedCouponAsync(tenant, totalLimit: 1);
        var ticket = await TicketAsync(tenant, coupon.Id, "user-1");
        var used = (await RedeemAsync(tenant, RedemptionRequest.ForTicketToken(ticket.Token))).Value!;

        using (In(tenant))
        {
            var service = Get<RedemptionService>();
            var voided = await service.VoidAsync(used.Id, tenant.Admin);
            Assert.True(voided.Succeeded);
            Assert.Equal(tenant.Admin.Id, voided.Value.VoidedBy);
            Assert.NotNull(voided.Value.VoidedAt);
            Assert.Equal(FailureCodes.AlreadyVoided, (await service.VoidAsync(used.Id, tenant.Admin)).Failure?.Code);
            Assert.Equal(FailureCodes.NotFound, (await service.VoidAsync("red_00000000000000000000000000", tenant.Admin)).Failure?.Code);
            Assert.Equal(0, (await Get<CouponService>().FindAsync(coupon.Id))!.RedeemedCount);
            Assert.Equal(0, (await Get<ITicketRepository>().FindAsync(ticket.Id))!.UsedCount);
        }
        Assert.True((await RedeemAsync(tenant, RedemptionRequest.ForTicketToken(ticket.Token))).Succeeded);
        Assert.Equal((1, 2), (await CountAsync(StoredRows.LiveRedemptions, tenant, coupon.Id), await CountAsync(StoredRows.Redemptions, tenant, coupon.Id)));
    }

    [SkippableFact]
    public async Task A_voided_one_time_code_can_be_used_again()
    {
        var tenant = await NewTenantAsync();
        var coupon = await PublishedCouponAsync(tenant);
        var code = await OneTimeCodeAsync(tenant, coupon.Id, 1);
        var first = (await RedeemAsync(tenant, RedemptionRequest.ForCode(code))).Value!;
        using (In(tenant))
        {
            Assert.True((await Get<RedemptionService>().VoidAsync(first.Id, tenant.Admin)).Succeeded);
        }
        Assert.True((await RedeemAsync(tenant, RedemptionRequest.ForCode(code))).Succeeded);
    }

    [SkippableFact]
    public async Task A_retry_with_the_same_key_replays_the_first_answer_and_runs_nothing_again()
    {
        var tenant = await NewTenantAsync();
        var coupon = await PublishedCouponAsync(tenant, totalLimit: 5, sharedCode: "IDEM1");
        var request = RedemptionRequest.ForSharedCode("IDEM1", "user-1");
        var idempotent = TestIdempotency.Request("key-1", """{"sharedCode":"IDEM1","userKey":"user-1"}""");

        var first = await RedeemIdempotentlyAsync(tenant, request, idempotent);
        var retry = await RedeemIdempotentlyAsync(tenant, request, idempotent);

        Assert.Equal(IdempotencyDecision.Proceed, first.Decision);
        Assert.Equal(IdempotentAnswer.Succeeded, first.Answer!.OutcomeCode);
        Assert.Equal(IdempotencyDecision.Replay, retry.Decision);
        Assert.Equal(first.Answer, retry.Answer);
        Assert.Contains(await OnlyRedemptionIdAsync(tenant), retry.Answer!.Payload, StringComparison.Ordinal);
        Assert.Equal(1, await CountAsync(StoredRows.Redemptions, tenant, coupon.Id));

        var reused = await RedeemIdempotentlyAsync(tenant, RedemptionRequest.ForSharedCode("IDEM1", "user-2"), TestIdempotency.Request("key-1", """{"sharedCode":"IDEM1","userKey":"user-2"}"""));
        Assert.Equal(IdempotencyDecision.KeyReused, reused.Decision);
        Assert.Equal(1, await CountAsync(StoredRows.Redemptions, tenant, coupon.Id));
    }

    [SkippableFact]
    public async Task Refusals_and_misses_are_stored_and_replayed_too()
    {
        var tenant = await NewTenantAsync();
        await PublishedCouponAsync(tenant, totalLimit: 1, sharedCode: "ONE1");
        await RedeemAsync(tenant, RedemptionRequest.ForSharedCode("ONE1", "first"));

        var refused = await RedeemIdempotentlyAsync(tenant, RedemptionRequest.ForSharedCode("ONE1", "late"), TestIdempotency.Request("k-refused", "{}"));
        var replayed = await RedeemIdempotentlyAsync(tenant, RedemptionRequest.ForSharedCode("ONE1", "late"), TestIdempotency.Request("k-refused", "{}"));
        var missing = await RedeemIdempotentlyAsync(tenant, RedemptionRequest.ForCode("NOSUCHCODE"), TestIdempotency.Request("k-missing", "{}"));
        var missingAgain = await RedeemIdempotentlyAsync(tenant, RedemptionRequest.ForCode("NOSUCHCODE"), TestIdempotency.Request("k-missing", "{}"));

        Assert.Equal(FailureCodes.TotalLimitReached, refused.Answer!.OutcomeCode);
        Assert.Equal((IdempotencyDecision.Replay, refused.Answer), (replayed.Decision, replayed.Answer));
        Assert.Equal(FailureCodes.NotFound, missing.Answer!.OutcomeCode);
        Assert.Equal((IdempotencyDecision.Replay, missing.Answer), (missingAgain.Decision, missingAgain.Answer));
    }

    [SkippableFact]
    public async Task A_request_that_was_not_acceptable_stores_nothing_and_its_key_runs_once_fixed()
    {
        var tenant = await NewTenantAsync();
        var coupon = await PublishedCouponAsync(tenant, sharedCode: "FIX1");
        var idempotent = TestIdempotency.Request("k-fix", "{}");
        using (In(tenant))
        {
            var invalid = await Get<RedemptionService>().RedeemIdempotentlyAsync(new RedemptionRequest { SharedCode = "FIX1" }, tenant.Admin, RedemptionChannel.Api, idempotent);
            Assert.Equal(FailureCodes.ValidationFailed, invalid.Failure?.Code);
        }

        var fixedRequest = await RedeemIdempotentlyAsync(tenant, RedemptionRequest.ForSharedCode("FIX1", "u"), idempotent);

        Assert.Equal((IdempotencyDecision.Proceed, IdempotentAnswer.Succeeded), (fixedRequest.Decision, fixedRequest.Answer!.OutcomeCode));
        Assert.Equal(1, await CountAsync(StoredRows.Redemptions, tenant, coupon.Id));
    }

    [SkippableFact]
    public async Task A_member_who_misses_twenty_look_ups_a_minute_waits_and_others_do_not()
    {
        var tenant = await NewTenantAsync();
        await PublishedCouponAsync(tenant, sharedCode: "GUARD1");
        var guesser = Actor.Member("mem_guesser" + Guid.NewGuid().ToString("N")[..8]);
        using (In(tenant))
        {
            var service = Get<RedemptionService>();
            for (var i = 0; i < 20; i++)
            {
                Assert.Equal(FailureCodes.NotFound, (await service.RedeemAsync(RedemptionRequest.ForCode($"ZZZZZZZZ{i:D2}"), guesser, RedemptionChannel.Api)).Failure?.Code);
            }

            var blocked = (await service.RedeemAsync(RedemptionRequest.ForSharedCode("GUARD1", "u1"), guesser, RedemptionChannel.Api)).Failure;
            Assert.Equal((FailureCodes.TooManyAttempts, FailureKind.TooManyRequests), (blocked?.Code, blocked?.Kind));
            Assert.InRange(blocked!.RetryAfter!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
            Assert.True((await service.RedeemAsync(RedemptionRequest.ForSharedCode("GUARD1", "u2"), tenant.Admin, RedemptionChannel.Api)).Succeeded);

            Harness.Time.Advance(TimeSpan.FromMinutes(1));
            Assert.True((await service.RedeemAsync(RedemptionRequest.ForSharedCode("GUARD1", "u3"), guesser, RedemptionChannel.Api)).Succeeded);
        }
    }

    [SkippableFact]
    public async Task Sixty_guesses_at_once_by_one_member_reach_the_look_up_twenty_times_and_finds_give_their_attempt_back()
    {
        var tenant = await NewTenantAsync();
        await PublishedCouponAsync(tenant, perUserLimit: null, sharedCode: "GUARD2");
        var guesser = Actor.Member("mem_guesser" + Guid.NewGuid().ToString("N")[..8]);
        using (In(tenant))
        {
            var service = Get<RedemptionService>();
            // Found look-ups give their attempt back: forty uses by one member, ten at a time, are never held up.
            for (var round = 0; round < 4; round++)
            {
                var found = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
                    service.RedeemAsync(RedemptionRequest.ForSharedCode("GUARD2", $"found-{round}-{i}"), guesser, RedemptionChannel.Api)));
                Assert.All(found, r => Assert.True(r.Succeeded, r.Failure?.Code));
            }

            // Sixty misses at once: the attempt is taken before the look-up, so exactly twenty look and the rest wait.
            var guesses = await Task.WhenAll(Enumerable.Range(0, 60).Select(i =>
                service.RedeemAsync(RedemptionRequest.ForCode($"QQQQQQQQ{i:D2}"), guesser, RedemptionChannel.Api)));
            Assert.Equal(20, guesses.Count(r => r.Failure?.Code == FailureCodes.NotFound));
            Assert.Equal(40, guesses.Count(r => r.Failure?.Code == FailureCodes.TooManyAttempts));
        }
    }

    [SkippableFact]
    public async Task Keys_are_scoped_to_the_tenant()
    {
        var a = await NewTenantAsync();
        var b = await NewTenantAsync();
        await PublishedCouponAsync(a, sharedCode: "SCOPE1");
        await PublishedCouponAsync(b, sharedCode: "SCOPE1");
        var idempotent = TestIdempotency.Request("shared-key", "{}");

        var inA = await RedeemIdempotentlyAsync(a, RedemptionRequest.ForSharedCode("SCOPE1", "u"), idempotent);
        var inB = await RedeemIdempotentlyAsync(b, RedemptionRequest.ForSharedCode("SCOPE1", "u"), idempotent);

        Assert.Equal((IdempotencyDecision.Proceed, IdempotencyDecision.Proceed), (inA.Decision, inB.Decision));
        Assert.NotEqual(inA.Answer, inB.Answer);
    }

    [SkippableFact]
    public async Task A_request_while_the_first_runs_is_in_flight_and_an_abandoned_claim_is_taken_over_after_its_lease()
    {
        var tenant = await NewTenantAsync();
        var coupon = await PublishedCouponAsync(tenant, sharedCode: "LEASE1");
        var idempotent = TestIdempotency.Request("key-lease", "{}");
        using (In(tenant))
        {
            // A first request claimed the key and its process died before answering.
            var now = Harness.Time.GetUtcNow();
            var claim = new IdempotencyRecord
            {
                TenantId = tenant.Id, Key = idempotent.Key.Value, Fingerprint = idempotent.Fingerprint.Value, State = IdempotencyRecordState.InFlight,
                CreatedAt = now, LockedUntil = now + new IdempotencyOptions().InFlightLease, ExpiresAt = now + TimeSpan.FromHours(24),
            };
            Assert.True(await Get<IIdempotencyRepository>().TryAddAsync(claim));
        }

        var meanwhile = await RedeemIdempotentlyAsync(tenant, RedemptionRequest.ForSharedCode("LEASE1", "u"), idempotent);
        Harness.Time.Advance(TimeSpan.FromSeconds(31));
        var afterLease = await RedeemIdempotentlyAsync(tenant, RedemptionRequest.ForSharedCode("LEASE1", "u"), idempotent);

        Assert.Equal(IdempotencyDecision.InFlight, meanwhile.Decision);
        Assert.Equal(IdempotencyDecision.Proceed, afterLease.Decision);
        Assert.Equal(IdempotentAnswer.Succeeded, afterLease.Answer!.OutcomeCode);
        Assert.Equal(1, await CountAsync(StoredRows.Redemptions, tenant, coupon.Id));
    }

    [SkippableFact]
    public async Task Expired_records_are_swept_and_the_key_runs_again()
    {
        var tenant = await NewTenantAsync();
        var coupon = await PublishedCouponAsync(tenant, perUserLimit: null, sharedCode: "SWEEP1");
        var idempotent = TestIdempotency.Request("key-sweep", "{}");
        await RedeemIdempotentlyAsync(tenant, RedemptionRequest.ForSharedCode("SWEEP1", "u"), idempotent);

        Harness.Time.Advance(TimeSpan.FromHours(24));
        Assert.True(await Get<IIdempotencyRepository>().RemoveExpiredAsync(Harness.Time.GetUtcNow()) >= 1);
        var again = await RedeemIdempotentlyAsync(tenant, RedemptionRequest.ForSharedCode("SWEEP1", "u"), idempotent);

        Assert.Equal(IdempotencyDecision.Proceed, again.Decision);
        Assert.Equal(2, await CountAsync(StoredRows.Redemptions, tenant, coupon.Id));
    }

    /// <summary>The identifier of the tenant's only redemption.</summary>
    private async Task<string> OnlyRedemptionIdAsync(TestTenant tenant)
    {
        using (In(tenant))
        {
            return Assert.Single((await Get<RedemptionService>().ListAsync(new PageRequest(10))).Items).Id;
        }
    }

    /// <summary>Redeems with an idempotency key in the tenant.</summary>
    protected async Task<IdempotentAttempt> RedeemIdempotentlyAsync(TestTenant tenant, RedemptionRequest request, IdempotentRequest idempotent)
    {
        using (In(tenant))
        {
            return TestIdempotency.Attempt(await Get<RedemptionService>().RedeemIdempotentlyAsync(request, tenant.Admin, RedemptionChannel.Api, idempotent));
        }
    }
}
