using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SmartECoupon.Auditing;
using SmartECoupon.Coupons;
using SmartECoupon.Idempotency;
using SmartECoupon.Redemptions;
using SmartECoupon.Tenancy;

namespace SmartECoupon.Storage.Specification;

/// <summary>Rows the suite counts in the database itself, bypassing the stores, to prove what the stores claim.</summary>
public enum StoredRows
{
    /// <summary>Redemptions of a coupon that are not voided.</summary>
    LiveRedemptions,
    /// <summary>Every redemption of a coupon.</summary>
    Redemptions,
    /// <summary>Tickets of a coupon.</summary>
    Tickets,
    /// <summary>One-time codes of a coupon.</summary>
    OneTimeCodes,
    /// <summary>Members of the tenant.</summary>
    Members,
    /// <summary>Stores of the tenant.</summary>
    Stores,
    /// <summary>Published coupons of the tenant.</summary>
    PublishedCoupons,
    /// <summary>Audit entries of the tenant.</summary>
    AuditEntries,
}

/// <summary>What an adapter's test project provides to run the suite on its storage.</summary>
public interface IStorageHarness
{
    /// <summary>A name for messages ("SQLite", "PostgreSQL").</summary>
    string Name { get; }

    /// <summary>
    /// The services as a host registers them (<c>AddSmartECoupon</c> plus the adapter) on a migrated database of the
    /// harness's own, with <see cref="Time"/> as the <see cref="TimeProvider"/>. Throws Xunit's <c>SkipException</c> when the
    /// database cannot run here and skipping is allowed.
    /// </summary>
    IServiceProvider Services { get; }

    /// <summary>The clock every service uses; it moves one microsecond at each reading.</summary>
    FakeTimeProvider Time { get; }

    /// <summary>Counts rows with SQL on the database itself, not through the stores.</summary>
    Task<long> CountAsync(StoredRows rows, string tenantId, string? couponId = null);

    /// <summary>
    /// Every place the tenant's id still appears: each table the database's catalogue lists, each text column, any row
    /// whose value contains the id; as "table.column: rows". Asked of the catalogue, not of a list of known tables.
    /// </summary>
    Task<IReadOnlyList<string>> FindTenantTracesAsync(string tenantId);

    /// <summary>
    /// Every row a backup file holds, one line per row (<c>table|value|value…</c>), read from the file itself (for a
    /// compressed format, from what its restore tool writes): to look for a tenant in a backup and compare the others.
    /// </summary>
    Task<IReadOnlyList<string>> ReadBackupRowsAsync(string path);

    /// <summary>The harness's own folder, which the services use for backups, the purge ledger and uploads.</summary>
    string WorkFolder { get; }

    /// <summary>
    /// Inserts <paramref name="count"/> redemptions of a coupon with one SQL statement on the database itself, for volume
    /// tests (the rows are well formed but bypass the rules: their coupon's counts do not move).
    /// </summary>
    Task SeedRedemptionsAsync(string tenantId, string couponId, int count);
}

/// <summary>A tenant made for one test, with its first administrator.</summary>
/// <param name="Id">The tenant id.</param>
/// <param name="Admin">The administrator as an actor.</param>
/// <param name="AdminKey">The administrator's key.</param>
public sealed record TestTenant(string Id, Actor Admin, string AdminKey);

/// <summary>Helpers every conformance class shares. Each test makes tenants of its own, so tests never see each other's data.</summary>
public abstract class ConformanceTest(IStorageHarness harness)
{
    /// <summary>The harness.</summary>
    protected IStorageHarness Harness { get; } = harness;

    /// <summary>The operator every test acts as when it needs one.</summary>
    protected static Actor Operator { get; } = Actor.Operator("opr_test");

    /// <summary>A service of the harness.</summary>
    protected T Get<T>()
        where T : notnull => Harness.Services.GetRequiredService<T>();

    /// <summary>Runs the rest of a block in <paramref name="tenant"/>'s scope.</summary>
    protected IDisposable In(TestTenant tenant) => Get<ITenantContext>().BeginScope(tenant.Id);

    /// <summary>Runs the rest of a block with no tenant at all.</summary>
    protected IDisposable NoTenant() => Get<ITenantContext>().BeginScope(null);

    /// <summary>Creates a tenant.</summary>
    protected async Task<TestTenant> NewTenantAsync(TenantPlan plan = TenantPlan.Premium)
    {
        var created = await Get<TenantService>().CreateAsync($"テスト店舗 {Guid.NewGuid():N}"[..20], plan, "管理者", Operator);
        Assert.True(created.Succeeded, created.Failure?.Code);
        return new TestTenant(created.Value.Tenant.Id, Actor.Member(created.Value.Admin.Id), created.Value.AdminApiKey);
    }

    /// <summary>Creates and publishes a coupon in the current tenant.</summary>
    protected async Task<Coupon> PublishedCouponAsync(TestTenant tenant, int? totalLimit = null, int? perUserLimit = 1, string? sharedCode = null, IReadOnlyList<string>? storeIds = null)
    {
        using (In(tenant))
        {
            var service = Get<CouponService>();
            var created = await service.CreateAsync(new CouponDraft
            {
                Title = "秋のドリンクフェア",
                Benefit = "1杯無料",
                TotalLimit = totalLimit,
                PerUserLimit = perUserLimit,
                SharedCode = sharedCode,
                StoreIds = storeIds,
            }, tenant.Admin);
            Assert.True(created.Succeeded, created.Failure?.Code + " " + string.Join(",", created.Failure?.Errors.Select(e => e.Field + ":" + e.Code) ?? []));
            var published = await service.PublishAsync(created.Value.Id, tenant.Admin);
            Assert.True(published.Succeeded, published.Failure?.Code);
            return published.Value;
        }
    }

    /// <summary>Issues a ticket in the current tenant.</summary>
    protected async Task<Ticket> TicketAsync(TestTenant tenant, string couponId, string userKey)
    {
        using (In(tenant))
        {
            var issued = await Get<TicketService>().IssueAsync(couponId, userKey, tenant.Admin);
            Assert.True(issued.Succeeded, issued.Failure?.Code);
            return issued.Value.Ticket;
        }
    }

    /// <summary>Generates <paramref name="count"/> one-time codes for a coupon and returns the first, in code order.</summary>
    protected async Task<string> OneTimeCodeAsync(TestTenant tenant, string couponId, int count = 1)
    {
        using (In(tenant))
        {
            Assert.Equal(count, (await Get<OneTimeCodeService>().GenerateAsync(couponId, count, tenant.Admin)).Value);
            return (await Get<IOneTimeCodeRepository>().ListAsync(couponId, new PageRequest(1))).Items[0].Code;
        }
    }

    /// <summary>Redeems in the tenant and returns the result: the redemption, or the refusal or miss as a failure.</summary>
    protected async Task<Result<Redemption>> RedeemAsync(TestTenant tenant, RedemptionRequest request)
    {
        using (In(tenant))
        {
            return await Get<RedemptionService>().RedeemAsync(request, tenant.Admin, RedemptionChannel.Api);
        }
    }

    private static readonly Lock ReportLock = new();

    /// <summary>
    /// Records a figure ("what: rows counted", "export: MB"). When <c>SMARTECOUPON_REPORT_FILE</c> names a file, the
    /// line is appended there, so a CI run prints the figures of the races and volumes it ran.
    /// </summary>
    protected static void Report(string line)
    {
        if (Environment.GetEnvironmentVariable("SMARTECOUPON_REPORT_FILE") is { Length: > 0 } path)
        {
            lock (ReportLock)
            {
                File.AppendAllText(path, line + Environment.NewLine);
            }
        }
    }

    /// <summary>Counts rows in the database itself.</summary>
    protected Task<long> CountAsync(StoredRows rows, TestTenant tenant, string? couponId = null) => Harness.CountAsync(rows, tenant.Id, couponId);

    /// <summary>Runs <paramref name="count"/> operations on <paramref name="workers"/> parallel workers, released together.</summary>
    protected static async Task<List<T>> RaceAsync<T>(int count, int workers, Func<int, Task<T>> operation)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var next = -1;
        var results = new T[count];
        var tasks = Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            await start.Task;
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                results[i] = await operation(i);
            }
        })).ToList();
        start.SetResult();
        await Task.WhenAll(tasks);
        return [.. results];
    }
}

/// <summary>Idempotent requests as a host makes them, with a host-like rendering of outcomes.</summary>
public static class TestIdempotency
{
    /// <summary>An idempotent redemption request with key <paramref name="key"/> and JSON body <paramref name="body"/>.</summary>
    public static IdempotentRequest Request(string key, string body)
    {
        Assert.True(IdempotencyKey.TryCreate(key, out var parsed));
        Assert.True(RequestFingerprint.TryComputeForJson("POST", "/api/v1/redemptions", Encoding.UTF8.GetBytes(body), out var fingerprint));
        return new IdempotentRequest(parsed, fingerprint, Render);
    }

    /// <summary>Represents a result as a JSON body, as a host would.</summary>
    public static ValueTask<IdempotentPayload> Render(Result<Redemption> result, CancellationToken cancellationToken) => ValueTask.FromResult(result.Succeeded
        ? new IdempotentPayload("application/json", $$"""{"id":"{{result.Value.Id}}","redeemedAt":"{{result.Value.RedeemedAt:O}}"}""")
        : new IdempotentPayload("application/problem+json", $$"""{"code":"{{result.Failure.Code}}"}"""));

    /// <summary>What an idempotent redemption came to, in the contract's terms.</summary>
    public static IdempotentAttempt Attempt(Result<IdempotentReply> result) => result switch
    {
        { Succeeded: true } => new IdempotentAttempt(result.Value.Replayed ? IdempotencyDecision.Replay : IdempotencyDecision.Proceed, result.Value.Answer),
        { Failure.Code: FailureCodes.IdempotencyKeyReused } => new IdempotentAttempt(IdempotencyDecision.KeyReused, null),
        { Failure.Code: FailureCodes.IdempotencyKeyInFlight } => new IdempotentAttempt(IdempotencyDecision.InFlight, null),
        _ => throw new Xunit.Sdk.XunitException("Unexpected failure " + result.Failure!.Code),
    };
}

/// <summary>What an idempotent redemption came to: what the key decided, and the answer given (now, or replayed).</summary>
/// <param name="Decision">Ran now, replayed, refused as a reused key, or told the first request still runs.</param>
/// <param name="Answer">The answer, when there is one.</param>
public sealed record IdempotentAttempt(IdempotencyDecision Decision, IdempotentAnswer? Answer);
