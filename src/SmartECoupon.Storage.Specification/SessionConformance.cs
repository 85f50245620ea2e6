using System.Reflection;
using System.Text;
using SmartECoupon.Auditing;
using SmartECoupon.Coupons;
using SmartECoupon.Portability;
using SmartECoupon.Redemptions;
using SmartECoupon.Stores;
using SmartECoupon.Tenancy;

namespace SmartECoupon.Storage.Specification;

/// <summary>
/// The tenant session, from resolution to write: <see cref="TenantSessionResolver"/> finds the tenant from what a request
/// presents and records whether it accepts writes, and every service that changes tenant data refuses a cancelled
/// tenant with <c>tenant_cancelled</c>, changing nothing, in any host.
/// </summary>
public abstract class SessionConformance(IStorageHarness harness) : ConformanceTest(harness)
{
    private TenantSessionResolver Sessions => Get<TenantSessionResolver>();

    [SkippableFact]
    public async Task Each_credential_resolves_to_its_tenant_and_who_acts_and_nothing_else_resolves()
    {
        var tenant = await NewTenantAsync();
        var coupon = await PublishedCouponAsync(tenant);
        var ticket = await TicketAsync(tenant, coupon.Id, "user-1");

        var byKey = await Sessions.ResolveAsync(TenantCredential.ApiKey(tenant.AdminKey));
        Assert.Equal((tenant.Id, tenant.Admin, PrincipalRole.Admin, TenantSessionSource.ApiKey, (bool?)true),
            (byKey?.TenantId, byKey?.Actor, byKey?.Role, byKey?.Source, byKey?.AcceptsWrites));
        var byToken = await Sessions.ResolveAsync(TenantCredential.TicketToken(ticket.Token));
        Assert.Equal((tenant.Id, Actor.Page, (PrincipalRole?)null, TenantSessionSource.TicketToken), (byToken?.TenantId, byToken?.Actor, byToken?.Role, byToken?.Source));
        var byCoupon = await Sessions.ResolveAsync(TenantCredential.CouponHandle(coupon.Id));
        Assert.Equal((tenant.Id, Actor.Page, TenantSessionSource.CouponHandle), (byCoupon?.TenantId, byCoupon?.Actor, byCoupon?.Source));

        // Unknown, malformed and another tenant's values resolve to nothing.
        Assert.Null(await Sessions.ResolveAsync(TenantCredential.ApiKey(tenant.AdminKey + "x")));
        Assert.Null(await Sessions.ResolveAsync(TenantCredential.TicketToken(ticket.Token[..^1] + (ticket.Token[^1] == 'A' ? 'B' : 'A'))));
        Assert.Null(await Sessions.ResolveAsync(TenantCredential.TicketToken("../../etc")));
        Assert.Null(await Sessions.ResolveAsync(TenantCredential.CouponHandle("cpn_00000000000000000000000000")));
        Assert.Null(await Sessions.ResolveAsync(TenantCredential.MemberSignIn(tenant.Id, tenant.Admin.Id, "wrong-stamp")));
        var other = await NewTenantAsync();
        Assert.Null(await Sessions.ResolveAsync(TenantCredential.MemberSignIn(other.Id, tenant.Admin.Id, "")));
    }

    [SkippableFact]
    public async Task A_sign_in_session_ends_when_the_password_changes()
    {
        var tenant = await NewTenantAsync();
        Member member;
        using (In(tenant))
        {
            Assert.True((await Get<MemberSignInService>().SetPasswordHashAsync(tenant.Admin.Id, "hash-1", tenant.Admin)).Succeeded);
            member = (await Get<MemberService>().FindAsync(tenant.Admin.Id))!;
        }
        var stamp = MemberSignInService.SessionStampOf(member);
        var session = await Sessions.ResolveAsync(TenantCredential.MemberSignIn(tenant.Id, member.Id, stamp));
        Assert.Equal((TenantSessionSource.MemberSignIn, tenant.Admin, PrincipalRole.Admin), (session?.Source, session?.Actor, session?.Role));

        using (In(tenant))
        {
            Assert.True((await Get<MemberSignInService>().SetPasswordHashAsync(tenant.Admin.Id, "hash-2", tenant.Admin)).Succeeded);
        }
        Assert.Null(await Sessions.ResolveAsync(TenantCredential.MemberSignIn(tenant.Id, member.Id, stamp)));
    }

    [SkippableFact]
    public async Task Signing_out_ends_every_session_of_the_member_and_a_new_sign_in_works()
    {
        var tenant = await NewTenantAsync();
        Member member;
        using (In(tenant))
        {
            Assert.True((await Get<MemberSignInService>().SetPasswordHashAsync(tenant.Admin.Id, "hash-1", tenant.Admin)).Succeeded);
            member = (await Get<MemberService>().FindAsync(tenant.Admin.Id))!;
        }
        // A session (a cookie) made before the sign-out, perhaps copied to another browser.
        var before = MemberSignInService.SessionStampOf(member);
        Assert.NotNull(await Sessions.ResolveAsync(TenantCredential.MemberSignIn(tenant.Id, member.Id, before)));

        using (In(tenant))
        {
            Assert.True((await Get<MemberSignInService>().EndSessionsAsync(member.Id, tenant.Admin)).Succeeded);
            member = (await Get<MemberService>().FindAsync(tenant.Admin.Id))!;
            Assert.Contains((await Get<AuditLogService>().ListAsync(new PageRequest(100))).Items, a => a.Action == AuditActions.MemberSignedOut && a.TargetId == member.Id);
        }

        Assert.Null(await Sessions.ResolveAsync(TenantCredential.MemberSignIn(tenant.Id, member.Id, before)));
        var after = MemberSignInService.SessionStampOf(member);
        Assert.NotEqual(before, after);
        Assert.NotNull(await Sessions.ResolveAsync(TenantCredential.MemberSignIn(tenant.Id, member.Id, after)));
    }

    [SkippableFact]
    public async Task Remembered_keys_and_tenants_are_forgotten_by_the_changes_the_feed_carries()
    {
        var tenant = await NewTenantAsync();
        Assert.NotNull(await Sessions.ResolveAsync(TenantCredential.ApiKey(tenant.AdminKey)));

        // The key replaced behind the library's back (as another instance would): still remembered...
        var replacement = ApiKeys.Issue(tenant.Id);
        using (In(tenant))
        {
            Assert.True(await Get<IMemberRepository>().ReplaceKeyAsync(tenant.Admin.Id, replacement.KeyId, replacement.Hash,
                AuditEntry.Create(tenant.Id, tenant.Admin, AuditActions.MemberKeyRotated, AuditTargets.Member, tenant.Admin.Id, Harness.Time.GetUtcNow())));
        }
        Assert.NotNull(await Sessions.ResolveAsync(TenantCredential.ApiKey(tenant.AdminKey)));
        // ...until the change arrives on the feed, as that instance publishes it: refused at once, the new key works.
        Get<ITenancyChangeFeed>().Publish(new TenancyChange.MemberChanged(tenant.Id, tenant.Admin.Id));
        Assert.Null(await Sessions.ResolveAsync(TenantCredential.ApiKey(tenant.AdminKey)));
        Assert.NotNull(await Sessions.ResolveAsync(TenantCredential.ApiKey(replacement.Key)));

        // A rotation through the library publishes its own change: the rotated key is refused at once.
        string rotated;
        using (In(tenant))
        {
            rotated = (await Get<MemberService>().RotateKeyAsync(tenant.Admin.Id, tenant.Admin)).Value!;
        }
        Assert.Null(await Sessions.ResolveAsync(TenantCredential.ApiKey(replacement.Key)));
        Assert.NotNull(await Sessions.ResolveAsync(TenantCredential.ApiKey(rotated)));

        // A tenant's change reaches its remembered record: a cancellation through the library is seen at once.
        Assert.True((await Get<TenantService>().CancelAsync(tenant.Id, null, Operator)).Succeeded);
        Assert.False((await Sessions.ResolveAsync(TenantCredential.ApiKey(rotated)))!.AcceptsWrites);
    }

    [SkippableFact]
    public async Task Entering_a_session_sets_the_tenant_and_leaving_restores_the_outer_one()
    {
        var tenant = await NewTenantAsync();
        var session = (await Sessions.ResolveAsync(TenantCredential.ApiKey(tenant.AdminKey)))!;
        var context = Get<ITenantContext>();
        Assert.Null(context.TenantId);
        using (Sessions.Enter(session).Value)
        {
            Assert.Same(session, context.Session);
            Assert.Equal(tenant.Id, context.RequireTenantId());
        }
        Assert.Null(context.Session);
    }

    [SkippableFact]
    public async Task Every_service_that_changes_tenant_data_refuses_a_cancelled_tenant_and_changes_nothing()
    {
        var tenant = await NewTenantAsync();
        var coupon = await PublishedCouponAsync(tenant, totalLimit: 10, sharedCode: "GATE1");
        var ticket = await TicketAsync(tenant, coupon.Id, "user-1");
        var redemption = (await RedeemAsync(tenant, RedemptionRequest.ForTicketToken(ticket.Token))).Value!;
        string draftId, memberId;
        using (In(tenant))
        {
            draftId = (await Get<CouponService>().CreateAsync(new CouponDraft { Title = "下書き", Benefit = "b" }, tenant.Admin)).Value!.Id;
            memberId = (await Get<MemberService>().CreateAsync("店員", MemberRole.Staff, tenant.Admin)).Value!.Person.Id;
        }
        Assert.True((await Get<TenantService>().CancelAsync(tenant.Id, null, Operator)).Succeeded);
        var counts = await CountsAsync(tenant, coupon.Id);

        // As a host runs it: the session resolved from the administrator's key knows the tenant is read-only today.
        var session = (await Sessions.ResolveAsync(TenantCredential.ApiKey(tenant.AdminKey)))!;
        Assert.False(session.AcceptsWrites);
        using (Sessions.Enter(session).Value)
        {
            await AssertEveryWriteRefusedAsync(tenant, coupon, ticket, redemption, draftId, memberId);
        }
        // As background work runs it: a scope begun by tenant id reads the tenant before the write.
        using (In(tenant))
        {
            await AssertEveryWriteRefusedAsync(tenant, coupon, ticket, redemption, draftId, memberId);
            // Reading still works, so the tenant can take its data.
            Assert.NotNull(await Get<CouponService>().FindAsync(coupon.Id));
            // (The look-up runs and finds no such one-time code: not refused.)
            Assert.Equal(FailureCodes.NotFound, (await Get<RedemptionService>().ValidateAsync(RedemptionRequest.ForCode("GATE1"))).Failure?.Code);
        }
        Assert.Equal(counts, await CountsAsync(tenant, coupon.Id));
    }

    [SkippableFact]
    public async Task A_code_job_stops_at_its_first_batch_after_the_cancellation()
    {
        var tenant = await NewTenantAsync();
        var coupon = await PublishedCouponAsync(tenant);
        CodeJob job;
        using (In(tenant))
        {
            job = (await Get<CodeJobService>().EnqueueAsync(coupon.Id, 3, tenant.Admin)).Value!;
        }
        Assert.True((await Get<TenantService>().CancelAsync(tenant.Id, null, Operator)).Succeeded);

        // Workers serve every tenant: run jobs until this one has been taken.
        CodeJob? after = null;
        for (var i = 0; i < 50 && after?.Status is null or CodeJobStatus.Queued or CodeJobStatus.Running; i++)
        {
            Assert.True(await Get<CodeJobService>().RunNextAsync("worker-1"));
            using (In(tenant))
            {
                after = await Get<CodeJobService>().FindAsync(job.Id);
            }
        }
        Assert.Equal((CodeJobStatus.Failed, 0), (after!.Status, after.Generated));
        Assert.Equal(0, await CountAsync(StoredRows.OneTimeCodes, tenant, coupon.Id));
    }

    [SkippableFact]
    public async Task The_outbox_sends_nothing_more_to_a_cancelled_tenant()
    {
        var active = await NewTenantAsync();
        var cancelled = await NewTenantAsync();
        Assert.True((await Get<TenantService>().CancelAsync(cancelled.Id, null, Operator)).Succeeded);
        var startsAt = Harness.Time.GetUtcNow().AddDays(8);
        var notice = await Get<SmartECoupon.Operations.MaintenanceService>().CreateAsync(new SmartECoupon.Operations.MaintenanceNoticeDraft
        {
            Title = "定期メンテナンス",
            StartsAt = startsAt,
            EndsAt = startsAt.AddHours(1),
        });
        Assert.True(notice.Succeeded, notice.Failure?.Code);

        var sent = new List<SmartECoupon.Operations.OutboxMessage>();
        var withheld = 0;
        SmartECoupon.Operations.OutboxRound round;
        do
        {
            round = await Get<SmartECoupon.Operations.OutboxDispatcher>().DispatchAsync("sender-1", (m, _) =>
            {
                sent.Add(m);
                return Task.CompletedTask;
            }, max: 500);
            withheld += round.Withheld;
        }
        while (round.Sent + round.Withheld + round.Failed > 0);

        Assert.Contains(sent, m => m.TenantId == active.Id && m.MemberId == active.Admin.Id);
        Assert.DoesNotContain(sent, m => m.TenantId == cancelled.Id);
        Assert.True(withheld >= 1);
    }

    [SkippableFact]
    public void The_refused_calls_cover_every_public_method_of_a_service_that_changes_tenant_data()
    {
        // A method that returns a Result and whose name does not say it only reads is a write; operator-wide services
        // (tenants, operators, the platform's notices) work outside any tenant's session and are not gated.
        string[] operatorWide = [nameof(TenantService), nameof(OperatorService), "MaintenanceService", "IncidentService", "OutageService"];
        string[] reads = ["Find", "List", "Validate", "Export", "Report", "Check", "Open", "Get"];
        var writes = typeof(TenantSession).Assembly.GetExportedTypes()
            .Where(t => t.IsClass && (t.Name.EndsWith("Service", StringComparison.Ordinal) || t.Name.EndsWith("Importer", StringComparison.Ordinal)) && !operatorWide.Contains(t.Name))
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly).Select(m => (Type: t, Method: m)))
            .Where(x => x.Method.ReturnType.IsGenericType && x.Method.ReturnType.GetGenericTypeDefinition() == typeof(Task<>)
                && x.Method.ReturnType.GetGenericArguments()[0] is var result
                && (result == typeof(Result) || (result.IsGenericType && result.GetGenericTypeDefinition() == typeof(Result<>)))
                && !reads.Any(r => x.Method.Name.StartsWith(r, StringComparison.Ordinal)))
            .Select(x => $"{x.Type.Name}.{x.Method.Name}")
            .ToHashSet(StringComparer.Ordinal);
        // Ending one's own sessions changes no tenant data, and a cancelled tenant's members must be able to sign out.
        string[] allowedWhenCancelled = ["MemberSignInService.EndSessionsAsync"];
        Assert.Equal(writes.Except(allowedWhenCancelled).Order(StringComparer.Ordinal), GatedCalls.Order(StringComparer.Ordinal));
    }

    /// <summary>The calls <see cref="AssertEveryWriteRefusedAsync"/> makes, by service and method.</summary>
    private static readonly string[] GatedCalls =
    [
        "CouponService.CreateAsync", "CouponService.UpdateAsync", "CouponService.SetImageAsync", "CouponService.PublishAsync",
        "CouponService.PauseAsync", "CouponService.ArchiveAsync", "TicketService.IssueAsync", "OneTimeCodeService.GenerateAsync",
        "CodeJobService.EnqueueAsync", "RedemptionService.RedeemAsync", "RedemptionService.RedeemIdempotentlyAsync", "RedemptionService.VoidAsync",
        "MemberService.CreateAsync", "MemberService.RemoveAsync", "MemberService.RotateKeyAsync", "MemberSignInService.SetPasswordHashAsync",
        "StoreService.CreateAsync", "ThemeService.UpdateAsync", "CouponCsvImporter.ImportAsync",
    ];

    private async Task AssertEveryWriteRefusedAsync(TestTenant tenant, Coupon coupon, Ticket ticket, Redemption redemption, string draftId, string memberId)
    {
        var coupons = Get<CouponService>();
        var members = Get<MemberService>();
        var actor = tenant.Admin;
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0];
        var refusals = new Dictionary<string, Failure?>
        {
            ["CouponService.CreateAsync"] = Refusal(await coupons.CreateAsync(new CouponDraft { Title = "新しい", Benefit = "b" }, actor)),
            ["CouponService.UpdateAsync"] = Refusal(await coupons.UpdateAsync(coupon.Id, d => d with { Title = "変更" }, actor)),
            ["CouponService.SetImageAsync"] = Refusal(await coupons.SetImageAsync(coupon.Id, png, actor)),
            ["CouponService.PublishAsync"] = Refusal(await coupons.PublishAsync(draftId, actor)),
            ["CouponService.PauseAsync"] = Refusal(await coupons.PauseAsync(coupon.Id, actor)),
            ["CouponService.ArchiveAsync"] = Refusal(await coupons.ArchiveAsync(coupon.Id, actor)),
            ["TicketService.IssueAsync"] = Refusal(await Get<TicketService>().IssueAsync(coupon.Id, "user-2", actor)),
            ["OneTimeCodeService.GenerateAsync"] = Refusal(await Get<OneTimeCodeService>().GenerateAsync(coupon.Id, 5, actor)),
            ["CodeJobService.EnqueueAsync"] = Refusal(await Get<CodeJobService>().EnqueueAsync(coupon.Id, 20_000, actor)),
            ["RedemptionService.RedeemAsync"] = Refusal(await Get<RedemptionService>().RedeemAsync(RedemptionRequest.ForSharedCode("GATE1", "user-3"), actor, RedemptionChannel.Api)),
            ["RedemptionService.RedeemIdempotentlyAsync"] = Refusal(await Get<RedemptionService>().RedeemIdempotentlyAsync(RedemptionRequest.ForSharedCode("GATE1", "user-4"), actor, RedemptionChannel.Api, TestIdempotency.Request("gate-key", "{}"))),
            ["RedemptionService.VoidAsync"] = Refusal(await Get<RedemptionService>().VoidAsync(redemption.Id, actor)),
            ["MemberService.CreateAsync"] = Refusal(await members.CreateAsync("新人", MemberRole.Staff, actor)),
            ["MemberService.RemoveAsync"] = Refusal(await members.RemoveAsync(memberId, actor)),
            ["MemberService.RotateKeyAsync"] = Refusal(await members.RotateKeyAsync(memberId, actor)),
            ["MemberSignInService.SetPasswordHashAsync"] = Refusal(await Get<MemberSignInService>().SetPasswordHashAsync(memberId, "hash", actor)),
            ["StoreService.CreateAsync"] = Refusal(await Get<StoreService>().CreateAsync("二号店", actor)),
            ["ThemeService.UpdateAsync"] = Refusal(await Get<ThemeService>().UpdateAsync(new TenantThemeDraft { PrimaryColor = "#000000", BackgroundColor = "#FFFFFF", TextColor = "#000000" }, actor)),
            ["CouponCsvImporter.ImportAsync"] = Refusal(await Get<CouponCsvImporter>().ImportAsync(new MemoryStream(Encoding.UTF8.GetBytes("title,benefit\r\nx,y\r\n")), actor)),
        };
        Assert.Equal(GatedCalls.Order(StringComparer.Ordinal), refusals.Keys.Order(StringComparer.Ordinal));
        Assert.All(refusals, r => Assert.True(r.Value?.Code == FailureCodes.TenantCancelled && r.Value.Kind == FailureKind.Forbidden, $"{r.Key}: {r.Value?.Code ?? "succeeded"}"));
        Assert.Equal(ticket.Id, (await Get<RedemptionService>().FindAsync(redemption.Id))?.TicketId);
    }

    private static Failure? Refusal<T>(Result<T> result) => result.Succeeded ? null : result.Failure;

    private static Failure? Refusal(Result result) => result.Failure;

    private async Task<string> CountsAsync(TestTenant tenant, string couponId)
    {
        var rows = new List<long>();
        foreach (var kind in Enum.GetValues<StoredRows>())
        {
            rows.Add(await CountAsync(kind, tenant, couponId));
        }
        return string.Join(",", rows);
    }
}
