using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using SmartECoupon;
using SmartECoupon.Auditing;
using SmartECoupon.Idempotency;
using SmartECoupon.Redemptions;
using SmartECoupon.Storage;
using SmartECoupon.Storage.EfCore;
using SmartECoupon.Tenancy;

/// <summary>
/// <c>--breakdown</c>: where one redemption's time goes, one at a time: the raw baseline, the library as the host calls
/// it, the service without an idempotency key, and the store's two calls alone (the snapshot read, the guarded write).
/// Three rounds over many coupons, so that the first (still compiling) can be told from the others, then one on one hot
/// coupon.
/// </summary>
internal static class Breakdown
{
    private const int Operations = 1_500;

    public static async Task RunAsync(BenchDatabase database, StorageProvider provider)
    {
        var fixture = await RedemptionFixture.CreateAsync(database, provider, 10_000, 10_000);
        var repository = database.Services.GetRequiredService<IRedemptionRepository>();
        var service = database.Services.GetRequiredService<RedemptionService>();
        var tenantContext = database.Services.GetRequiredService<ITenantContext>();
        var library = new LibraryRedeemer(database.Services, fixture.ApiKey);
        var actor = Actor.Member(fixture.MemberId);
        using var queue = new SemaphoreSlim(1, 1);
        await using var raw = await RawRedeemer.OpenAsync(provider, database.ConnectionString, fixture.TenantId, fixture.MemberId, queue);
        var next = 0;
        var targets = fixture.Spread;
        RedemptionTarget Next() => targets[(next++ * 37) % targets.Length];

        for (var round = 1; round <= 4; round++)
        {
            // The last round redeems tickets of one hot coupon.
            targets = round == 4 ? fixture.Hot : fixture.Spread;
            Console.WriteLine($"{provider}, round {round}{(round == 4 ? ", one hot coupon" : "")}:");
            await TimeAsync("raw SQL", async () => await raw.RedeemAsync(Next()));
            await TimeAsync("library", async () => await library.RedeemAsync(Next()));
            using (tenantContext.BeginScope(fixture.TenantId))
            {
                await TimeAsync("service, no key", async () => await service.RedeemAsync(RedemptionRequest.ForTicketToken(Next().Token), actor, RedemptionChannel.Api));
                await TimeAsync("snapshot read", async () => await repository.FindSnapshotAsync(new RedemptionLookup(RedemptionLookupKind.TicketToken, Next().Token, null)));
                await TimeAsync("guarded write", async () => await repository.TryRedeemAsync(Write(fixture, Next(), actor)));
            }
        }
    }

    private static RedemptionWrite Write(RedemptionFixture fixture, RedemptionTarget target, Actor actor)
    {
        var now = Instants.Now(TimeProvider.System);
        var redemption = new Redemption
        {
            TenantId = fixture.TenantId, Id = EntityIds.New(EntityIds.RedemptionPrefix, now), CouponId = target.CouponId, TicketId = target.TicketId,
            UserKey = target.UserKey, Channel = RedemptionChannel.Api, RedeemedAt = now, RedeemedBy = fixture.MemberId,
        };
        IdempotencyKey.TryCreate(Guid.NewGuid().ToString("N"), out var key);
        return new RedemptionWrite
        {
            Redemption = redemption,
            Method = RedemptionMethod.Ticket,
            Audit = AuditEntry.Create(fixture.TenantId, actor, AuditActions.Redeemed, AuditTargets.Redemption, redemption.Id, now),
            Idempotency = IdempotencyPolicy.Completed(fixture.TenantId, key, RequestFingerprint.Compute("POST", RedemptionBenchmark.RedeemPath, "{}"u8),
                new IdempotentAnswer(IdempotentAnswer.Succeeded, "application/json", "{}"), now, new IdempotencyOptions()),
        };
    }

    private static async Task TimeAsync(string name, Func<Task> operation)
    {
        for (var i = 0; i < 100; i++)
        {
            await operation();
        }
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < Operations; i++)
        {
            await operation();
        }
        watch.Stop();
        var used = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        Console.WriteLine($"  {name,-16} {watch.Elapsed.TotalMicroseconds / Operations,6:F0} µs each, process CPU {used.TotalMicroseconds / Operations,6:F0} µs");
    }
}
