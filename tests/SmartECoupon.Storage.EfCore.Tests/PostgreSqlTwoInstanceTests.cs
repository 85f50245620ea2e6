using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SmartECoupon.Auditing;
using SmartECoupon.Storage.EfCore.Tenancy;
using SmartECoupon.Storage.Specification;
using SmartECoupon.Tenancy;

namespace SmartECoupon.Storage.EfCore.Tests;

/// <summary>
/// Two instances on one PostgreSQL database (two service providers, each with its caches and its listener): a change
/// made through one is refused by the other within a second, a listener that lost its connection drops every cache
/// when it is back, an image stored through one is served by the other, and the guessing guard counts for both. The harness's clock does not move, so no cache expires on its own: only the feed can explain a refusal.
/// </summary>
public sealed class PostgreSqlTwoInstanceTests(PostgreSqlHarness harness) : ConformanceTest(harness), IClassFixture<PostgreSqlHarness>
{
    private static readonly TimeSpan Promise = TimeSpan.FromSeconds(1);

    private static Task ListeningAsync(IServiceProvider instance) => EfHarness.ListeningAsync(instance);

    /// <summary>How long until <paramref name="refused"/> holds on the other instance; fails past <paramref name="limit"/>.</summary>
    private static async Task<TimeSpan> UntilAsync(Func<Task<bool>> refused, TimeSpan limit)
    {
        var watch = Stopwatch.StartNew();
        while (!await refused())
        {
            Assert.True(watch.Elapsed < limit, $"not seen on the other instance after {watch.Elapsed.TotalMilliseconds:F0} ms");
            await Task.Delay(5);
        }
        return watch.Elapsed;
    }

    [SkippableFact]
    public async Task A_rotated_key_a_removed_member_and_a_cancelled_tenant_are_refused_on_the_other_instance_within_a_second()
    {
        var tenant = await NewTenantAsync();
        Member staff;
        string staffKey;
        using (In(tenant))
        {
            var created = (await Get<MemberService>().CreateAsync("staff", MemberRole.Staff, tenant.Admin)).Value!;
            (staff, staffKey) = (created.Person, created.ApiKey);
        }
        await using var other = harness.BuildServices(harness.ConnectionString!);
        var elsewhere = other.GetRequiredService<TenantSessionResolver>();
        // Remembered on the other instance once its listener is up (connecting drops every cache).
        await ListeningAsync(other);
        Assert.NotNull(await elsewhere.ResolveAsync(TenantCredential.ApiKey(tenant.AdminKey)));
        Assert.NotNull(await elsewhere.ResolveAsync(TenantCredential.ApiKey(staffKey)));

        string rotated;
        using (In(tenant))
        {
            rotated = (await Get<MemberService>().RotateKeyAsync(tenant.Admin.Id, tenant.Admin)).Value!;
        }
        var rotation = await UntilAsync(async () => await elsewhere.ResolveAsync(TenantCredential.ApiKey(tenant.AdminKey)) is null, Promise);
        Assert.NotNull(await elsewhere.ResolveAsync(TenantCredential.ApiKey(rotated)));

        using (In(tenant))
        {
            Assert.True((await Get<MemberService>().RemoveAsync(staff.Id, tenant.Admin)).Succeeded);
        }
        var removal = await UntilAsync(async () => await elsewhere.ResolveAsync(TenantCredential.ApiKey(staffKey)) is null, Promise);

        Assert.True((await Get<TenantService>().CancelAsync(tenant.Id, null, Operator)).Succeeded);
        var cancellation = await UntilAsync(async () => (await elsewhere.ResolveAsync(TenantCredential.ApiKey(rotated)))?.AcceptsWrites == false, Promise);

        Report($"{Harness.Name}: across two instances, a rotated key refused after {rotation.TotalMilliseconds:F0} ms, a removed member's key after {removal.TotalMilliseconds:F0} ms, a cancelled tenant read-only after {cancellation.TotalMilliseconds:F0} ms (promise: 1 s)");
    }

    [SkippableFact]
    public async Task A_listener_that_lost_its_connection_forgets_everything_when_it_is_back()
    {
        var tenant = await NewTenantAsync();
        await using var other = harness.BuildServices(harness.ConnectionString!);
        var elsewhere = other.GetRequiredService<TenantSessionResolver>();
        await ListeningAsync(other);
        Assert.NotNull(await elsewhere.ResolveAsync(TenantCredential.ApiKey(tenant.AdminKey)));

        // The key replaced without a notification (as a change sent while the listener was away would be lost)...
        var replacement = ApiKeys.Issue(tenant.Id);
        using (In(tenant))
        {
            Assert.True(await Get<IMemberRepository>().ReplaceKeyAsync(tenant.Admin.Id, replacement.KeyId, replacement.Hash,
                AuditEntry.Create(tenant.Id, tenant.Admin, AuditActions.MemberKeyRotated, AuditTargets.Member, tenant.Admin.Id, Harness.Time.GetUtcNow())));
        }
        Assert.NotNull(await elsewhere.ResolveAsync(TenantCredential.ApiKey(tenant.AdminKey)));

        // ...and the listeners' connections cut: once back, nothing remembered is trusted.
        await using (var owner = new NpgsqlConnection(harness.ConnectionString))
        {
            await owner.OpenAsync();
            await using var kill = new NpgsqlCommand("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'smartecoupon-listen' AND datname = current_database()", owner);
            Assert.True((long)(await kill.ExecuteScalarAsync())! >= 1);
        }
        var back = await UntilAsync(async () => await elsewhere.ResolveAsync(TenantCredential.ApiKey(tenant.AdminKey)) is null, TimeSpan.FromSeconds(10));
        Assert.NotNull(await elsewhere.ResolveAsync(TenantCredential.ApiKey(replacement.Key)));
        Report($"{Harness.Name}: a listener cut off was back and had dropped its caches after {back.TotalMilliseconds:F0} ms");
    }

    [SkippableFact]
    public async Task An_image_stored_through_one_instance_is_served_by_the_other()
    {
        var tenant = await NewTenantAsync();
        var coupon = await PublishedCouponAsync(tenant);
        await using var other = harness.BuildServices(harness.ConnectionString!);
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3];
        using (In(tenant))
        {
            await Get<SmartECoupon.Coupons.ICouponImageStorage>().SaveAsync(tenant.Id, coupon.Id, png);
        }
        using (other.GetRequiredService<ITenantContext>().BeginScope(tenant.Id))
        {
            await using var served = await other.GetRequiredService<SmartECoupon.Coupons.ICouponImageStorage>().OpenAsync(tenant.Id, coupon.Id);
            Assert.NotNull(served);
            using var read = new MemoryStream();
            await served.CopyToAsync(read);
            Assert.Equal(png, read.ToArray());
        }
    }

    [SkippableFact]
    public async Task Guesses_spread_over_two_instances_reach_the_look_up_twenty_times_in_all()
    {
        var tenant = await NewTenantAsync();
        await using var other = harness.BuildServices(harness.ConnectionString!);
        var guesser = SmartECoupon.Auditing.Actor.Member("mem_guesser" + Guid.NewGuid().ToString("N")[..8]);
        async Task<SmartECoupon.Result<SmartECoupon.Redemptions.Redemption>> GuessAsync(IServiceProvider instance, int i)
        {
            using (instance.GetRequiredService<ITenantContext>().BeginScope(tenant.Id))
            {
                return await instance.GetRequiredService<SmartECoupon.Redemptions.RedemptionService>()
                    .RedeemAsync(SmartECoupon.Redemptions.RedemptionRequest.ForCode($"QQQQQQQQ{i:D2}"), guesser, SmartECoupon.Redemptions.RedemptionChannel.Api);
            }
        }

        var guesses = await Task.WhenAll(Enumerable.Range(0, 60).Select(i => GuessAsync(i % 2 == 0 ? Harness.Services : other, i)));

        Assert.Equal(20, guesses.Count(r => r.Failure?.Code == SmartECoupon.FailureCodes.NotFound));
        Assert.Equal(40, guesses.Count(r => r.Failure?.Code == SmartECoupon.FailureCodes.TooManyAttempts));
    }

    [SkippableFact]
    public async Task Two_instances_hold_a_plans_concurrent_requests_together()
    {
        var tenant = await NewTenantAsync(TenantPlan.Standard);
        await using var other = harness.BuildServices(harness.ConnectionString!);
        await ListeningAsync(other);
        var instances = new[] { Harness.Services, (IServiceProvider)other };
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (instances.Any(i => i.GetRequiredService<IRunningInstances>().Count != 2))
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), "the instances did not count each other");
            await Task.Delay(50);
        }
        var limit = Get<Microsoft.Extensions.Options.IOptionsMonitor<SmartECouponOptions>>().CurrentValue.Plans.For(TenantPlan.Standard).ConcurrentRequests;

        // Each instance takes slots until it is refused; together they take exactly the plan's limit.
        var held = new List<IDisposable>();
        var taken = 0;
        foreach (var instance in instances)
        {
            var resolver = instance.GetRequiredService<TenantSessionResolver>();
            var session = (await resolver.ResolveAsync(TenantCredential.ApiKey(tenant.AdminKey)))!;
            for (var i = 0; i < limit; i++)
            {
                var entered = resolver.Enter(session);
                if (!entered.Succeeded)
                {
                    Assert.Equal(SmartECoupon.FailureCodes.TooManyConcurrentRequests, entered.Failure.Code);
                    break;
                }
                held.Add(entered.Value);
                taken++;
            }
        }
        foreach (var lease in held)
        {
            lease.Dispose();
        }

        Assert.Equal(limit, taken);
    }
}
