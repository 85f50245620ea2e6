using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using SmartECoupon;
using SmartECoupon.Auditing;
using SmartECoupon.Idempotency;
using SmartECoupon.Redemptions;
using SmartECoupon.Storage.EfCore;
using SmartECoupon.Storage.EfCore.Tenancy;
using SmartECoupon.Tenancy;
using SmartECoupon.Tests;

/// <summary>
/// Redemption throughput and latency: raw SQL (the baseline), the library (<see cref="RedemptionService"/>, with an
/// idempotency key as the host sends one) and the sample host over HTTP on Kestrel, on one database, for a spread of
/// coupons and for one hot coupon, with 1, 8 and 32 concurrent workers.
/// </summary>
internal static class RedemptionBenchmark
{
    public const string RedeemPath = "/api/v1/redemptions";

    public static async Task RunAsync(BenchDatabase database, StorageProvider provider, BenchSettings settings, BenchReport report)
    {
        var fixture = await RedemptionFixture.CreateAsync(database, provider, settings.SpreadCoupons, settings.HotTickets);
        long succeeded = 0;
        using var sqliteWriterQueue = new SemaphoreSlim(1, 1);
        var library = new LibraryRedeemer(database.Services, fixture.ApiKey);
        await using var host = settings.Http ? await StartHostAsync(database, provider) : null;
        using var client = host is null ? null : new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
        {
            BaseAddress = host.Address,
            Timeout = TimeSpan.FromSeconds(60),
        };
        if (client is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", fixture.ApiKey);
            // A fresh process runs unoptimised code until tiered compilation has recompiled its hot paths (a few
            // seconds of load): without this, the first cases would measure the JIT, not the host.
            await LoadRunner.RunAsync(8, TimeSpan.Zero, settings.HostWarmUp, w =>
            {
                var pick = Picker(fixture.Spread, RedemptionShapes.Spread, w);
                return async () => Count(await HttpRedeemAsync(client, pick()), ref succeeded);
            });
        }

        // The three variants of a case run back to back, each on a tidied database, so that they meet the same data.
        foreach (var shape in settings.Shapes)
        {
            var targets = fixture.For(shape);
            foreach (var workers in settings.Workers)
            {
                await RedemptionFixture.TidyAsync(provider, database.ConnectionString);
                var raws = new List<RawRedeemer>();
                var raw = await LoadRunner.RunAsync(workers, settings.WarmUp, settings.Window, w =>
                {
                    var redeemer = RawRedeemer.OpenAsync(provider, database.ConnectionString, fixture.TenantId, fixture.MemberId, sqliteWriterQueue).GetAwaiter().GetResult();
                    lock (raws)
                    {
                        raws.Add(redeemer);
                    }
                    var pick = Picker(targets, shape, w);
                    return async () => Count(await redeemer.RedeemAsync(pick()), ref succeeded);
                });
                foreach (var redeemer in raws)
                {
                    await redeemer.DisposeAsync();
                }
                Add(report, provider, shape, "raw SQL", raw, null, null);

                await RedemptionFixture.TidyAsync(provider, database.ConnectionString);
                // The baseline opens as many connections as it has workers; the library's pool starts empty too, rather
                // than with the connections an earlier case with more workers left (see docs/benchmarks.md).
                ClearLibraryPool(database, provider);
                var measured = await LoadRunner.RunAsync(workers, settings.WarmUp, settings.Window, w =>
                {
                    var pick = Picker(targets, shape, w);
                    return async () => Count(await library.RedeemAsync(pick()), ref succeeded);
                });
                Add(report, provider, shape, "library", measured, raw, 0.70);

                if (database.PoolerServices is { } pooled)
                {
                    // The same library calls through PgBouncer in transaction mode, against the direct connection just
                    // measured: what the pooler costs (each transaction carries its session; nothing is prepared).
                    await RedemptionFixture.TidyAsync(provider, database.ConnectionString);
                    pooled.GetRequiredService<PostgreSqlConnections>().Clear();
                    var throughPooler = new LibraryRedeemer(pooled, fixture.ApiKey);
                    var viaPooler = await LoadRunner.RunAsync(workers, settings.WarmUp, settings.Window, w =>
                    {
                        var pick = Picker(targets, shape, w);
                        return async () => Count(await throughPooler.RedeemAsync(pick()), ref succeeded);
                    });
                    Add(report, provider, shape, "library via PgBouncer", viaPooler, measured, 0.90, "library direct");
                }

                if (client is not null)
                {
                    await RedemptionFixture.TidyAsync(provider, database.ConnectionString);
                    var overHttp = await LoadRunner.RunAsync(workers, settings.WarmUp, settings.Window, w =>
                    {
                        var pick = Picker(targets, shape, w);
                        return async () => Count(await HttpRedeemAsync(client, pick()), ref succeeded);
                    });
                    Add(report, provider, shape, "HTTP (Kestrel)", overHttp, raw, 0.40);
                }
            }
        }

        // Every redemption the harness counted is a row, and no row exists that it did not count.
        var stored = await CountRedemptionsAsync(database, provider, fixture.TenantId);
        if (stored != Interlocked.Read(ref succeeded))
        {
            throw new InvalidOperationException($"{provider}: {stored} redemptions stored, {succeeded} reported as redeemed.");
        }
    }

    /// <summary>
    /// <c>--trace-sql</c>: library redemptions one at a time (the time per redemption), then one more with EF Core's
    /// command log on, to see which statements a redemption sends and how long each takes.
    /// </summary>
    public static async Task TraceAsync(BenchDatabase database, StorageProvider provider, SqlTraceLoggerProvider trace)
    {
        const int Iterations = 200;
        var fixture = await RedemptionFixture.CreateAsync(database, provider, 10_000, 100);
        var library = new LibraryRedeemer(database.Services, fixture.ApiKey);
        for (var i = 0; i < Iterations / 4; i++)
        {
            await library.RedeemAsync(fixture.Spread[i]);
        }
        var watch = System.Diagnostics.Stopwatch.StartNew();
        for (var i = Iterations / 4; i < Iterations; i++)
        {
            await library.RedeemAsync(fixture.Spread[i]);
        }
        Console.WriteLine($"{provider}: {watch.Elapsed.TotalMilliseconds / (Iterations * 3 / 4):F2} ms per library redemption, one at a time");
        // EF Core re-reads whether command logging is on about once a second.
        trace.Enabled = true;
        await Task.Delay(1100);
        Console.WriteLine($"{provider}: one redemption");
        await library.RedeemAsync(fixture.Spread[Iterations]);
        trace.Enabled = false;
    }

    private static void ClearLibraryPool(BenchDatabase database, StorageProvider provider)
    {
        if (provider == StorageProvider.PostgreSql)
        {
            database.Services.GetRequiredService<PostgreSqlConnections>().Clear();
        }
    }

    private static bool Count(bool ok, ref long succeeded)
    {
        if (ok)
        {
            Interlocked.Increment(ref succeeded);
        }
        return ok;
    }

    private static Func<RedemptionTarget> Picker(RedemptionTarget[] targets, string shape, int worker)
    {
        var random = new Random((worker * 7919) + shape.Length);
        return () => targets[random.Next(targets.Length)];
    }

    private static void Add(BenchReport report, StorageProvider provider, string shape, string variant, LoadResult result, LoadResult? baseline, double? target, string baselineName = "raw")
    {
        var ratio = baseline is null ? (double?)null : result.PerSecond / baseline.PerSecond;
        report.Add(new BenchRow
        {
            Scenario = "redeem",
            Provider = provider.ToString(),
            Case = $"{(shape == RedemptionShapes.Hot ? "one hot coupon" : "spread over coupons")}, {result.Workers} workers",
            Variant = variant,
            Value = result.PerSecond,
            Unit = "redemptions/s",
            P50Ms = result.P50Ms,
            P99Ms = result.P99Ms,
            Failed = result.Failed,
            Baseline = baseline?.PerSecond,
            Ratio = ratio,
            Target = target is null ? null : $"≥ {target * 100:F0}% of {baselineName}",
            MeetsTarget = target is null ? null : ratio >= target,
            Note = result.FirstError,
        });
    }

    private static async Task<bool> HttpRedeemAsync(HttpClient client, RedemptionTarget target)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, RedeemPath)
        {
            Content = new StringContent($$"""{"ticketToken":"{{target.Token}}"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        using var response = await client.SendAsync(request);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"HTTP {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
        return true;
    }

    private static async Task<HostProcess> StartHostAsync(BenchDatabase database, StorageProvider provider)
    {
        var folder = Path.Combine(Path.GetTempPath(), "smartecoupon-bench-host", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var settings = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Logging__LogLevel__Default"] = "Warning",
            ["SmartECoupon__Storage__Provider"] = provider.ToString(),
            ["ConnectionStrings__SmartECoupon"] = database.ConnectionString,
            ["SmartECoupon__Backups__Folder"] = Path.Combine(folder, "backups"),
            ["SmartECoupon__Uploads__Folder"] = Path.Combine(folder, "uploads"),
            ["Host__Mail__PickupFolder"] = Path.Combine(folder, "mail"),
            // The scheduler's jobs (backups, purges, probes) would compete with the load for the same two cores.
            ["Host__RunBackgroundJobs"] = "false",
            // One key drives every worker, as a shop's integration would: see BenchDatabase.GuessingGuardLimit.
            ["SmartECoupon__LookupGuard__MaxFailures"] = BenchDatabase.GuessingGuardLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        return await HostProcess.StartAsync(folder, settings);
    }

    private static async Task<long> CountRedemptionsAsync(BenchDatabase database, StorageProvider provider, string tenantId)
    {
        await using var connection = await RedemptionFixture.OpenAsync(provider, database.ConnectionString, tenantId);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM redemptions WHERE tenant_id = '{tenantId}'";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>The library as the host calls it: a tenant scope, the redemption with an idempotency key, the answer rendered for storing.</summary>
internal sealed class LibraryRedeemer(IServiceProvider services, string apiKey)
{
    private readonly RedemptionService _redemptions = services.GetRequiredService<RedemptionService>();
    private readonly TenantSessionResolver _sessions = services.GetRequiredService<TenantSessionResolver>();

    /// <summary>As a host calls the library: the session resolved from the member's key and entered, then the redemption.</summary>
    public async Task<bool> RedeemAsync(RedemptionTarget target)
    {
        var session = await _sessions.ResolveAsync(TenantCredential.ApiKey(apiKey)) ?? throw new InvalidOperationException("The benchmark's key did not resolve.");
        var entered = _sessions.Enter(session);
        if (!entered.Succeeded)
        {
            return false;
        }
        using var scope = entered.Value;
        var body = Encoding.UTF8.GetBytes($$"""{"ticketToken":"{{target.Token}}"}""");
        IdempotencyKey.TryCreate(Guid.NewGuid().ToString("N"), out var key);
        var fingerprint = RequestFingerprint.Compute("POST", RedemptionBenchmark.RedeemPath, body);
        var result = await _redemptions.RedeemIdempotentlyAsync(RedemptionRequest.ForTicketToken(target.Token), session.Actor, RedemptionChannel.Api, new IdempotentRequest(key, fingerprint, Render));
        return result.Succeeded && result.Value.Answer.IsSuccess;
    }

    private static ValueTask<IdempotentPayload> Render(Result<Redemption> result, CancellationToken cancellationToken) => ValueTask.FromResult(result.Value is { } r
        ? new IdempotentPayload("application/json", $$"""{"id":"{{r.Id}}","couponId":"{{r.CouponId}}","ticketId":"{{r.TicketId}}","userKey":"{{r.UserKey}}","storeId":null,"channel":"api","redeemedAt":"{{r.RedeemedAt:O}}","redeemedBy":"{{r.RedeemedBy}}"}""")
        : new IdempotentPayload("application/problem+json", $$"""{"code":"{{result.Failure!.Code}}"}"""));
}
