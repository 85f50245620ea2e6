using SmartECoupon.Auditing;
using SmartECoupon.Coupons;
using SmartECoupon.Redemptions;
using SmartECoupon.Stores;
using SmartECoupon.Tenancy;

namespace SmartECoupon.Storage.Specification;

/// <summary>Tenants, members and their keys, stores, plan limits and the audit trail.</summary>
public abstract class TenancyConformance(IStorageHarness harness) : ConformanceTest(harness)
{
    [SkippableFact]
    public async Task A_new_tenant_has_its_administrator_whose_key_authenticates_into_it()
    {
        var created = await Get<TenantService>().CreateAsync("さくらカフェ", TenantPlan.Standard, "山田 花子", Operator);

        Assert.True(created.Succeeded);
        var stored = await Get<TenantService>().FindAsync(created.Value.Tenant.Id);
        Assert.Equal(("さくらカフェ", TenantPlan.Standard, TenantStatus.Active, "Asia/Tokyo"), (stored!.Name, stored.Plan, stored.Status, stored.TimeZoneId));
        var auth = await Get<ApiKeyAuthenticator>().AuthenticateAsync(created.Value.AdminApiKey);
        Assert.NotNull(auth);
        Assert.Equal((PrincipalRole.Admin, created.Value.Admin.Id, created.Value.Tenant.Id), (auth.Principal.Role, auth.Principal.Id, auth.Principal.TenantId));
        Assert.Equal(1, await Harness.CountAsync(StoredRows.Members, created.Value.Tenant.Id));
    }

    [SkippableFact]
    public async Task Invalid_tenant_input_is_refused_with_every_field_named()
    {
        var created = await Get<TenantService>().CreateAsync("  ", (TenantPlan)42, "a\tb", Operator);

        Assert.False(created.Succeeded);
        Assert.Equal(["name", "adminName", "plan"], created.Failure.Errors.Select(e => e.Field));
        Assert.Equal(["required", "invalid_characters", "invalid_format"], created.Failure.Errors.Select(e => e.Code));
    }

    [SkippableFact]
    public async Task Keys_that_are_garbage_forged_or_of_unknown_people_do_not_authenticate()
    {
        var tenant = await NewTenantAsync();
        var other = await NewTenantAsync();
        var authenticator = Get<ApiKeyAuthenticator>();

        Assert.Null(await authenticator.AuthenticateAsync(null));
        Assert.Null(await authenticator.AuthenticateAsync("Bearer nonsense"));
        Assert.Null(await authenticator.AuthenticateAsync(tenant.AdminKey[..^1] + (tenant.AdminKey[^1] == 'A' ? 'B' : 'A')));
        Assert.Null(await authenticator.AuthenticateAsync(tenant.AdminKey.Replace(tenant.Id, other.Id, StringComparison.Ordinal)));
        Assert.Null(await authenticator.AuthenticateAsync(ApiKeys.Issue(tenant.Id).Key));
        Assert.Null(await authenticator.AuthenticateAsync(ApiKeys.Issue(EntityIds.New(EntityIds.TenantPrefix, DateTimeOffset.UtcNow)).Key));
    }

    [SkippableFact]
    public async Task A_member_signs_in_by_id_across_tenants_and_is_locked_out_after_five_failures()
    {
        var tenant = await NewTenantAsync();
        var signIn = Get<MemberSignInService>();
        Member staff;
        using (In(tenant))
        {
            staff = (await Get<MemberService>().CreateAsync("受付", MemberRole.Staff, tenant.Admin)).Value!.Person;
            Assert.True((await signIn.SetPasswordHashAsync(staff.Id, "HASH-1", tenant.Admin)).Succeeded);
        }

        using (NoTenant())
        {
            var candidate = await signIn.FindAsync(staff.Id);
            Assert.NotNull(candidate);
            Assert.Equal((tenant.Id, "HASH-1"), (candidate.Tenant.Id, candidate.Member.PasswordHash));
            Assert.Null(await signIn.FindAsync("mem_00000000000000000000000000"));
            Assert.Null(await signIn.FindAsync("not an id"));

            for (var i = 1; i < 5; i++)
            {
                Assert.Null(await signIn.RecordFailureAsync(candidate));
            }
            var lockedUntil = await signIn.RecordFailureAsync(candidate);
            Assert.NotNull(lockedUntil);
            Assert.Equal(lockedUntil, signIn.LockedUntil((await signIn.FindAsync(staff.Id))!));

            await signIn.RecordSuccessAsync(candidate);
            Assert.Null(signIn.LockedUntil((await signIn.FindAsync(staff.Id))!));
        }
        Assert.Equal(1, await CountAsync(StoredRows.AuditEntries, tenant) - 3); // tenant, member and password before the sign-in

        using (In(tenant))
        {
            Assert.True((await Get<MemberService>().RemoveAsync(staff.Id, tenant.Admin)).Succeeded);
        }
        using (NoTenant())
        {
            Assert.Null(await signIn.FindAsync(staff.Id));
        }
    }

    [SkippableFact]
    public async Task A_member_gets_a_key_of_their_own_which_stops_working_when_removed_or_rotated()
    {
        var tenant = await NewTenantAsync();
        var authenticator = Get<ApiKeyAuthenticator>();
        PersonCreation<Member> staff;
        using (In(tenant))
        {
            var created = await Get<MemberService>().CreateAsync("受付 太郎", MemberRole.Staff, tenant.Admin);
            Assert.True(created.Succeeded);
            staff = created.Value;
        }
        var auth = await authenticator.AuthenticateAsync(staff.ApiKey);
        Assert.Equal(PrincipalRole.Staff, auth!.Principal.Role);

        string rotated;
        using (In(tenant))
        {
            var rotation = await Get<MemberService>().RotateKeyAsync(staff.Person.Id, tenant.Admin);
            Assert.True(rotation.Succeeded);
            rotated = rotation.Value;
        }
        Assert.Null(await authenticator.AuthenticateAsync(staff.ApiKey));
        Assert.NotNull(await authenticator.AuthenticateAsync(rotated));

        using (In(tenant))
        {
            Assert.True((await Get<MemberService>().RemoveAsync(staff.Person.Id, tenant.Admin)).Succeeded);
            Assert.Equal(FailureCodes.NotFound, (await Get<MemberService>().RemoveAsync(staff.Person.Id, tenant.Admin)).Failure?.Code);
        }
        Assert.Null(await authenticator.AuthenticateAsync(rotated));
        Assert.Equal(1, await CountAsync(StoredRows.Members, tenant));
    }

    [SkippableFact]
    public async Task A_checked_key_is_remembered_for_the_cache_duration_but_never_with_another_secret()
    {
        var tenant = await NewTenantAsync();
        var authenticator = Get<ApiKeyAuthenticator>();
        Assert.NotNull(await authenticator.AuthenticateAsync(tenant.AdminKey));

        // The key replaced behind the library's back, as another process of the deployment would: remembered here
        // until the cache duration (10 seconds) has passed, then refused.
        var replacement = ApiKeys.Issue(tenant.Id);
        using (In(tenant))
        {
            Assert.True(await Get<IMemberRepository>().ReplaceKeyAsync(tenant.Admin.Id, replacement.KeyId, replacement.Hash,
                AuditEntry.Create(tenant.Id, tenant.Admin, AuditActions.MemberKeyRotated, AuditTargets.Member, tenant.Admin.Id, Harness.Time.GetUtcNow())));
        }
        Assert.NotNull(await authenticator.AuthenticateAsync(tenant.AdminKey));
        var forged = tenant.AdminKey[..^1] + (tenant.AdminKey[^1] == 'A' ? 'B' : 'A');
        Assert.Null(await authenticator.AuthenticateAsync(forged));
        Harness.Time.Advance(TimeSpan.FromSeconds(10));
        Assert.Null(await authenticator.AuthenticateAsync(tenant.AdminKey));
        Assert.NotNull(await authenticator.AuthenticateAsync(replacement.Key));
    }

    [SkippableFact]
    public async Task A_cancellation_reaches_a_remembered_key_at_once()
    {
        var tenant = await NewTenantAsync();
        var authenticator = Get<ApiKeyAuthenticator>();
        var today = TenantTimeZones.DateIn(Harness.Time.GetUtcNow(), TenantTimeZones.Find(TenantTimeZones.Default));
        Assert.True((await authenticator.AuthenticateAsync(tenant.AdminKey))!.CanWriteOn(today));

        Assert.True((await Get<TenantService>().CancelAsync(tenant.Id, today, Operator)).Succeeded);

        var after = await authenticator.AuthenticateAsync(tenant.AdminKey);
        Assert.NotNull(after);
        Assert.False(after.CanWriteOn(today));
    }

    [SkippableFact]
    public async Task Racing_member_creations_never_pass_the_plan_limit_and_a_removal_frees_a_slot()
    {
        var tenant = await NewTenantAsync(TenantPlan.Free); // 3 members, the administrator included

        var results = await RaceAsync(20, 8, async i =>
        {
            using (In(tenant))
            {
                return await Get<MemberService>().CreateAsync($"staff {i}", MemberRole.Staff, tenant.Admin);
            }
        });

        Assert.Equal(2, results.Count(r => r.Succeeded));
        Assert.All(results.Where(r => !r.Succeeded), r => Assert.Equal(FailureCodes.PlanLimitReached, r.Failure!.Code));
        Assert.Equal(3, await CountAsync(StoredRows.Members, tenant));
        using (In(tenant))
        {
            var first = results.First(r => r.Succeeded).Value!.Person;
            Assert.True((await Get<MemberService>().RemoveAsync(first.Id, tenant.Admin)).Succeeded);
            Assert.True((await Get<MemberService>().CreateAsync("後任", MemberRole.Staff, tenant.Admin)).Succeeded);
            Assert.False((await Get<MemberService>().CreateAsync("超過", MemberRole.Staff, tenant.Admin)).Succeeded);
        }
    }

    [SkippableFact]
    public async Task Racing_store_creations_never_pass_the_plan_limit()
    {
        var tenant = await NewTenantAsync(TenantPlan.Free); // 1 store

        var results = await RaceAsync(10, 8, async i =>
        {
            using (In(tenant))
            {
                return await Get<StoreService>().CreateAsync($"店舗 {i}", tenant.Admin);
            }
        });

        Assert.Single(results, r => r.Succeeded);
        Assert.Equal(1, await CountAsync(StoredRows.Stores, tenant));
    }

    [SkippableFact]
    public async Task Stores_round_trip_and_list_in_pages()
    {
        var tenant = await NewTenantAsync();
        using (In(tenant))
        {
            var service = Get<StoreService>();
            var created = new List<Store>();
            for (var i = 0; i < 5; i++)
            {
                created.Add((await service.CreateAsync($" 渋谷店 {i} ", tenant.Admin)).Value!);
            }
            Assert.Equal("渋谷店 0", created[0].Name);
            Assert.Equal(created[2], await service.FindAsync(created[2].Id));

            var seen = new List<string>();
            string? cursor = null;
            do
            {
                var page = await service.ListAsync(new PageRequest(2, cursor));
                Assert.InRange(page.Items.Count, 1, 2);
                seen.AddRange(page.Items.Select(s => s.Id));
                cursor = page.NextCursor;
            }
            while (cursor is not null);
            Assert.Equal(created.Select(s => s.Id).Order(StringComparer.Ordinal), seen);
            await Assert.ThrowsAsync<ArgumentException>(() => service.ListAsync(new PageRequest(2, "not-a-cursor")));
        }
    }

    [SkippableFact]
    public async Task Every_write_leaves_one_audit_entry_naming_the_person()
    {
        var tenant = await NewTenantAsync();
        var coupon = await PublishedCouponAsync(tenant, totalLimit: 10);
        var ticket = await TicketAsync(tenant, coupon.Id, "user-1");
        var redeemed = await RedeemAsync(tenant, RedemptionRequest.ForTicketToken(ticket.Token));
        using (In(tenant))
        {
            Assert.True((await Get<RedemptionService>().VoidAsync(redeemed.Value!.Id, tenant.Admin)).Succeeded);
            var entries = new List<AuditEntry>();
            string? cursor = null;
            do
            {
                var page = await Get<IAuditLog>().ListAsync(new PageRequest(200, cursor));
                entries.AddRange(page.Items);
                cursor = page.NextCursor;
            }
            while (cursor is not null);

            Assert.Equal(
                [AuditActions.TenantCreated, AuditActions.CouponCreated, AuditActions.CouponPublished, AuditActions.TicketIssued, AuditActions.Redeemed, AuditActions.Voided],
                entries.Select(e => e.Action));
            Assert.Equal(Operator.Id, entries[0].ActorId);
            Assert.All(entries.Skip(1), e => Assert.Equal((ActorKind.Member, tenant.Admin.Id), (e.ActorKind, e.ActorId)));
            Assert.All(entries, e => Assert.Equal(tenant.Id, e.TenantId));
            Assert.Equal(redeemed.Value.Id, entries[4].TargetId);
        }
        Assert.Equal(6, await CountAsync(StoredRows.AuditEntries, tenant));
    }
}

/// <summary>The platform's operators. A class of its own: operators are global, so these tests need a database of their own.</summary>
public abstract class OperatorConformance(IStorageHarness harness) : ConformanceTest(harness)
{
    [SkippableFact]
    public async Task The_bootstrap_operator_is_created_once_and_the_last_operator_stays()
    {
        var service = Get<OperatorService>();
        var authenticator = Get<ApiKeyAuthenticator>();

        // Several instances starting at once create one operator between them, and only the winner's key is shown.
        var keys = await RaceAsync(8, 8, _ => service.EnsureBootstrapOperatorAsync(null));
        var shown = Assert.Single(keys, k => k is not null);
        var bootstrap = await authenticator.AuthenticateAsync(shown);
        Assert.Equal((PrincipalRole.Operator, OperatorService.BootstrapOperatorId), (bootstrap!.Principal.Role, bootstrap.Principal.Id));
        Assert.Null(await service.EnsureBootstrapOperatorAsync(null));

        var second = (await service.CreateAsync("運用 二郎")).Value!;
        Assert.NotNull(await authenticator.AuthenticateAsync(second.ApiKey));
        Assert.Equal(FailureCodes.NotFound, (await service.RemoveAsync("opr_00000000000000000000000009")).Failure?.Code);

        // Two removals racing with two operators left: one goes through, the last stays.
        var removals = await RaceAsync(2, 2, i => service.RemoveAsync(i == 0 ? OperatorService.BootstrapOperatorId : second.Person.Id));
        Assert.Single(removals, r => r.Succeeded);
        Assert.Single(removals, r => r.Failure?.Code == FailureCodes.LastOperator);
    }
}
