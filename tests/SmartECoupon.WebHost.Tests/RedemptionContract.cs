using System.Net;
using System.Text.Json;

namespace SmartECoupon.WebHost.Tests;

/// <summary>Redemptions through HTTP: the rules' order, idempotency, voids, validation, the guessing guard and a race.</summary>
public abstract class RedemptionContract(IHostUnderTest host) : HostContract(host)
{
    private static Dictionary<string, string> Key(string key) => new() { ["Idempotency-Key"] = key };

    private static string[] PropertyNames(ApiAnswer answer) => answer.Body.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToArray();

    protected async Task<(HttpClient Admin, string CouponId)> PublishedCouponAsync(ApiTenant tenant, object coupon)
    {
        var admin = Client(tenant.AdminKey);
        var id = (await SendAsync(admin, HttpMethod.Post, "/api/v1/coupons", coupon)).Text("id");
        Assert.Equal("published", (await SendAsync(admin, HttpMethod.Post, $"/api/v1/coupons/{id}/publish")).Text("status"));
        return (admin, id);
    }

    [SkippableFact]
    public async Task A_ticket_is_used_once_and_the_answer_is_replayed_for_the_same_key()
    {
        var tenant = await NewTenantAsync();
        var (admin, coupon) = await PublishedCouponAsync(tenant, new { title = "t", benefit = "b" });
        using (admin)
        {
            var token = (await SendAsync(admin, HttpMethod.Post, $"/api/v1/coupons/{coupon}/tickets", new { userKey = "u1" })).Text("token");

            AssertProblem(await SendAsync(admin, HttpMethod.Post, "/api/v1/redemptions", new { ticketToken = token }), HttpStatusCode.BadRequest, "idempotency_key_required");
            var used = await SendAsync(admin, HttpMethod.Post, "/api/v1/redemptions", new { ticketToken = token }, Key("k-1"));
            Assert.Equal(HttpStatusCode.Created, used.Status);
            Assert.Equal((coupon, "u1", "api", tenant.AdminId), (used.Text("couponId"), used.Text("userKey"), used.Text("channel"), used.Text("redeemedBy")));

            // The same request with the same key: the same answer, byte for byte; nothing new is written.
            var replay = await SendAsync(admin, HttpMethod.Post, "/api/v1/redemptions", "{ \"ticketToken\" : \"" + token + "\" }", Key("k-1"));
            Assert.Equal((HttpStatusCode.Created, used.Body.ToString()), (replay.Status, replay.Body.ToString()));
            AssertProblem(await SendAsync(admin, HttpMethod.Post, "/api/v1/redemptions", new { code = "ABCDEFGHJK" }, Key("k-1")), HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");

            var again = await SendAsync(admin, HttpMethod.Post, "/api/v1/redemptions", new { ticketToken = token }, Key("k-2"));
            AssertProblem(again, HttpStatusCode.Conflict, "ticket_already_used");
            var againReplay = await SendAsync(admin, HttpMethod.Post, "/api/v1/redemptions", new { ticketToken = token }, Key("k-2"));
            Assert.Equal((HttpStatusCode.Conflict, again.Body.ToString()), (againReplay.Status, againReplay.Body.ToString()));
            // A stored error is written like every other problem of the API: Japanese as text, with the first request's traceId.
            var firstAnswerProblem = await SendAsync(admin, HttpMethod.Get, "/api/v1/coupons/cpn_00000000000000000000000000");
            Assert.Equal(PropertyNames(firstAnswerProblem), PropertyNames(again));
            Assert.Contains("使用済み", again.Body.ToString(), StringComparison.Ordinal);
            Assert.Equal(again.Text("traceId"), againReplay.Text("traceId"));
            Assert.Equal("true", string.Join(",", againReplay.Response.Headers.GetValues("Idempotent-Replayed")));
            Assert.Equal(1, (await SendAsync(admin, HttpMethod.Get, "/api/v1/coupons/" + coupon)).Body.GetProperty("redeemedCount").GetInt32());
        }
    }

    [SkippableFact]
    public async Task Refusals_come_in_the_contract_s_order()
    {
        var tenant = await NewTenantAsync();
        using var admin = Client(tenant.AdminKey);
        var store = (await SendAsync(admin, HttpMethod.Post, "/api/v1/stores", new { name = "本店" })).Text("id");
        var future = (await PublishedCouponAsync(tenant, new { title = "t", benefit = "b", validFrom = "2099-01-01" })).CouponId;
        var past = (await PublishedCouponAsync(tenant, new { title = "t", benefit = "b", validUntil = "2020-01-01" })).CouponId;
        var storeOnly = (await PublishedCouponAsync(tenant, new { title = "t", benefit = "b", storeIds = new[] { store } })).CouponId;
        var shared = (await PublishedCouponAsync(tenant, new { title = "t", benefit = "b", sharedCode = "WELCOME10", totalLimit = 1, perUserLimit = 5 })).CouponId;
        var draft = (await SendAsync(admin, HttpMethod.Post, "/api/v1/coupons", new { title = "t", benefit = "b" })).Text("id");

        async Task<string?> RedeemCodeAsync(string couponId, object? extra = null)
        {
            var token = (await SendAsync(admin, HttpMethod.Post, $"/api/v1/coupons/{couponId}/tickets", new { userKey = "someone" })).Text("token");
            var body = extra is null ? (object)new { ticketToken = token } : new { ticketToken = token, storeId = store };
            return (await SendAsync(admin, HttpMethod.Post, "/api/v1/redemptions", body, Key(Guid.NewGuid().ToString()))).Code;
        }

        Assert.Equal("coupon_not_active", await RedeemCodeAsync(draft));
        Assert.Equal("not_yet_valid", await RedeemCodeAsync(future));
        Assert.Equal("expired", await RedeemCodeAsync(past));
        Assert.Equal("store_not_allowed", await RedeemCodeAsync(storeOnly));
        Assert.Null(await RedeemCodeAsync(storeOnly, "with store"));
        var wide = await SendAsync(admin, HttpMethod.Post, "/api/v1/redemptions", new { sharedCode = "ｗｅｌｃｏｍｅ１０", userKey = "a" }, Key("s-1"));
        Assert.Equal(HttpStatusCode.Created, wide.Status);
        AssertProblem(await SendAsync(admin, HttpMethod.Post, "/api/v1/redemptions", new { sharedCode = "WELCOME10", userKey = "b" }, Key("s-2")), HttpStatusCode.Conflict, "total_limit_reached");
        AssertProblem(await SendAsync(admin, HttpMethod.Post, "/api/v1/redemptions", new { code = "ZZZZZZZZZZ" }, Key("s-3")), HttpStatusCode.NotFound, "not_found");
        AssertProblem(await SendAsync(admin, HttpMethod.Post, "/api/v1/redemptions", new { }, Key("s-4")), HttpStatusCode.UnprocessableEntity, "validation_failed");
        AssertProblem(await SendAsync(admin, HttpMethod.Post, "/api/v1/redemptions", new { sharedCode = "WELCOME10" }, Key("s-5")), HttpStatusCode.UnprocessableEntity, "validation_failed");
        _ = shared;
    }

    [SkippableFact]
    public async Task Validate_changes_nothing_and_a_void_gives_exactly_one_use_back()
    {
        var tenant = await NewTenantAsync();
        var (admin, coupon) = await PublishedCouponAsync(tenant, new { title = "t", benefit = "b", totalLimit = 1 });
        using (admin)
        {
            var token = (await SendAsync(admin, HttpMethod.Post, $"/api/v1/coupons/{coupon}/tickets", new { userKey = "u" })).Text("token");
            var check = await SendAsync(admin, HttpMethod.Post, "/api/v1/redemptions/validate", new { ticketToken = token });
            Assert.True(check.Body.GetProperty("redeemable").GetBoolean());
            AssertProblem(await SendAsync(admin, HttpMethod.Post, "/api/v1/redemptions/validate", new { code = "ZZZZZZZZZZ" }), HttpStatusCode.NotFound, "not_found");

            var used = await SendAsync(admin, HttpMethod.Post, "/api/v1/redemptions", new { ticketToken = token }, Key("v-1"));
            var after = await SendAsync(admin, HttpMethod.Post, "/api/v1/redemptions/validate", new { ticketToken = token });
            Assert.Equal((false, "ticket_already_used"), (after.Body.GetProperty("redeemable").GetBoolean(), after.Text("code")));

            var voided = await SendAsync(admin, HttpMethod.Post, $"/api/v1/redemptions/{used.Text("id")}/void");
            Assert.Equal(HttpStatusCode.OK, voided.Status);
            Assert.NotEqual(JsonValueKind.Null, voided.Body.GetProperty("voidedAt").ValueKind);
            AssertProblem(await SendAsync(admin, HttpMethod.Post, $"/api/v1/redemptions/{used.Text("id")}/void"), HttpStatusCode.Conflict, "already_voided");
            Assert.True((await SendAsync(admin, HttpMethod.Post, "/api/v1/redemptions/validate", new { ticketToken = token })).Body.GetProperty("redeemable").GetBoolean());
            Assert.Equal(HttpStatusCode.Created, (await SendAsync(admin, HttpMethod.Post, "/api/v1/redemptions", new { ticketToken = token }, Key("v-2"))).Status);
            AssertProblem(await SendAsync(admin, HttpMethod.Post, "/api/v1/redemptions/red_00000000000000000000000000/void"), HttpStatusCode.NotFound, "not_found");
        }
    }

    [SkippableFact]
    public async Task Guessing_codes_is_stopped_after_twenty_misses_a_minute_for_that_member_only()
    {
        var tenant = await NewTenantAsync();
        using var admin = Client(tenant.AdminKey);
        var staffKey = (await SendAsync(admin, HttpMethod.Post, "/api/v1/members", new { displayName = "guesser", role = "staff" })).Text("apiKey");
        using var guesser = Factory.RawClient(staffKey);
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(guesser, HttpMethod.Post, "/api/v1/redemptions/validate", new { code = $"ZZZZZZZZ{i:D2}" })).Status);
        }

        var blocked = await SendAsync(guesser, HttpMethod.Post, "/api/v1/redemptions", new { code = "ZZZZZZZZZZ" }, Key("g-1"));
        AssertProblem(blocked, HttpStatusCode.TooManyRequests, "too_many_attempts");
        Assert.InRange(blocked.Response.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 60);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(admin, HttpMethod.Post, "/api/v1/redemptions/validate", new { code = "ZZZZZZZZZZ" })).Status);
    }

    [SkippableFact]
    public async Task Three_hundred_concurrent_redemptions_of_a_coupon_capped_at_fifty_create_exactly_fifty()
    {
        var tenant = await NewTenantAsync();
        var (admin, coupon) = await PublishedCouponAsync(tenant, new { title = "t", benefit = "b", totalLimit = 50, perUserLimit = 1 });
        using (admin)
        {
            var tokens = new List<string>();
            for (var i = 0; i < 300; i++)
            {
                tokens.Add((await SendAsync(admin, HttpMethod.Post, $"/api/v1/coupons/{coupon}/tickets", new { userKey = $"user-{i}" })).Text("token"));
            }
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var answers = tokens.Select(async (token, i) =>
            {
                await start.Task;
                return await SendAsync(admin, HttpMethod.Post, "/api/v1/redemptions", new { ticketToken = token }, Key($"race-{i}"));
            }).ToList();
            start.SetResult();
            var results = await Task.WhenAll(answers);

            Assert.Equal(50, results.Count(r => r.Status == HttpStatusCode.Created));
            Assert.Equal(250, results.Count(r => r.Code == "total_limit_reached"));
            Assert.Equal(50, (await SendAsync(admin, HttpMethod.Get, "/api/v1/coupons/" + coupon)).Body.GetProperty("redeemedCount").GetInt32());
            var listed = await SendAsync(admin, HttpMethod.Get, "/api/v1/redemptions?limit=200");
            Assert.Equal(50, listed.Body.GetProperty("items").EnumerateArray().Count(r => r.GetProperty("couponId").GetString() == coupon));
        }
    }

    [SkippableFact]
    public async Task The_same_key_sent_many_times_at_once_redeems_once()
    {
        var tenant = await NewTenantAsync();
        var (admin, coupon) = await PublishedCouponAsync(tenant, new { title = "t", benefit = "b" });
        using (admin)
        {
            var token = (await SendAsync(admin, HttpMethod.Post, $"/api/v1/coupons/{coupon}/tickets", new { userKey = "u" })).Text("token");
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var answers = Enumerable.Range(0, 30).Select(async _ =>
            {
                await start.Task;
                return await SendAsync(admin, HttpMethod.Post, "/api/v1/redemptions", new { ticketToken = token }, Key("same-key"));
            }).ToList();
            start.SetResult();
            var results = await Task.WhenAll(answers);

            var created = results.Where(r => r.Status == HttpStatusCode.Created).Select(r => r.Text("id")).Distinct().ToList();
            Assert.Single(created);
            Assert.All(results, r => Assert.True(r.Status == HttpStatusCode.Created || r.Code == "idempotency_key_in_flight", $"{r.Status} {r.Code}"));
            Assert.Equal(1, (await SendAsync(admin, HttpMethod.Get, "/api/v1/coupons/" + coupon)).Body.GetProperty("redeemedCount").GetInt32());
        }
    }
}

public sealed class SqliteRedemptionContract(SqliteHostFactory factory) : RedemptionContract(factory), IClassFixture<SqliteHostFactory>;

public sealed class PostgreSqlRedemptionContract(PostgreSqlHostFactory factory) : RedemptionContract(factory), IClassFixture<PostgreSqlHostFactory>;

// The same contract behind PgBouncer in transaction pooling mode.
public sealed class PgBouncerRedemptionContract(PgBouncerHostFactory factory) : RedemptionContract(factory), IClassFixture<PgBouncerHostFactory>;

// The same contract in least privilege: requests on a login that owns nothing, cross-tenant work on a platform login.
public sealed class LeastPrivilegeRedemptionContract(LeastPrivilegeHostFactory factory) : RedemptionContract(factory), IClassFixture<LeastPrivilegeHostFactory>;
