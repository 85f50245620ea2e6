using System.Net;
using System.Text;

namespace SmartECoupon.WebHost.Tests;

/// <summary>The contract's conventions, operators, tenants, members and stores, through HTTP.</summary>
public abstract class TenancyContract(IHostUnderTest host) : HostContract(host)
{
    [SkippableFact]
    public async Task Requests_without_a_valid_key_are_401_and_wrong_roles_403()
    {
        var tenant = await NewTenantAsync();
        using var anonymous = Client(null);
        using var forged = Client("sek." + tenant.Id + ".AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        using var garbage = Client("not-a-key");
        using var admin = Client(tenant.AdminKey);
        using var op = Operator();

        AssertProblem(await SendAsync(anonymous, HttpMethod.Get, "/api/v1/stores"), HttpStatusCode.Unauthorized, "unauthenticated");
        AssertProblem(await SendAsync(forged, HttpMethod.Get, "/api/v1/stores"), HttpStatusCode.Unauthorized, "unauthenticated");
        AssertProblem(await SendAsync(garbage, HttpMethod.Get, "/api/v1/stores"), HttpStatusCode.Unauthorized, "unauthenticated");
        AssertProblem(await SendAsync(admin, HttpMethod.Post, "/api/v1/tenants", new { name = "x", plan = "free", adminName = "y" }), HttpStatusCode.Forbidden, "forbidden");
        // An operator is not a tenant's administrator: tenant data is never the platform's to touch.
        AssertProblem(await SendAsync(op, HttpMethod.Get, "/api/v1/stores"), HttpStatusCode.Forbidden, "forbidden");
    }

    [SkippableFact]
    public async Task Bodies_that_are_not_json_objects_are_400_malformed_request_and_messages_follow_accept_language()
    {
        var tenant = await NewTenantAsync();
        using var admin = Client(tenant.AdminKey);

        AssertProblem(await SendAsync(admin, HttpMethod.Post, "/api/v1/stores", "{\"name\": "), HttpStatusCode.BadRequest, "malformed_request");
        AssertProblem(await SendAsync(admin, HttpMethod.Post, "/api/v1/stores", "[1,2]"), HttpStatusCode.BadRequest, "malformed_request");
        AssertProblem(await SendAsync(admin, HttpMethod.Post, "/api/v1/stores", "{\"name\": \"\\ud800\"}"), HttpStatusCode.BadRequest, "malformed_request");
        using (var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/v1/stores", UriKind.Relative)))
        {
            request.Content = new ByteArrayContent([.. "{\"name\": \""u8, 0xC3, 0x28, .. "\"}"u8]);
            request.Content.Headers.ContentType = new("application/json");
            AssertProblem(await ReadAsync(await admin.SendAsync(request)), HttpStatusCode.BadRequest, "malformed_request");
        }

        var japanese = await SendAsync(admin, HttpMethod.Post, "/api/v1/stores", new { name = "" });
        AssertProblem(japanese, HttpStatusCode.UnprocessableEntity, "validation_failed");
        Assert.Equal(["name:required"], FieldCodes(japanese));
        Assert.Equal("店舗名は必須です。", japanese.Body.GetProperty("errors")[0].GetProperty("message").GetString());
        var english = await SendAsync(admin, HttpMethod.Post, "/api/v1/stores", new { name = 42 }, new Dictionary<string, string> { ["Accept-Language"] = "en-US,ja;q=0.5" });
        Assert.Equal(["name:invalid_type"], FieldCodes(english));
        Assert.Equal("The input is not valid.", english.Body.GetProperty("title").GetString());
    }

    [SkippableFact]
    public async Task Operators_are_created_with_a_key_shown_once_and_the_last_one_stays()
    {
        SkipUnlessAvailable();
        using var op = Operator();
        var created = await SendAsync(op, HttpMethod.Post, "/api/v1/operators", new { displayName = "運用担当" });
        Assert.Equal(HttpStatusCode.Created, created.Status);
        using var second = Client(created.Text("apiKey"));
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(second, HttpMethod.Get, "/api/v1/tenants")).Status);

        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(second, HttpMethod.Delete, "/api/v1/operators/" + created.Text("id"))).Status);
        await Factory.ChangesReachEveryInstanceAsync();
        AssertProblem(await SendAsync(second, HttpMethod.Get, "/api/v1/tenants"), HttpStatusCode.Unauthorized, "unauthenticated");
        AssertProblem(await SendAsync(op, HttpMethod.Delete, "/api/v1/operators/opr_00000000000000000000000000"), HttpStatusCode.Conflict, "last_operator");
        AssertProblem(await SendAsync(op, HttpMethod.Delete, "/api/v1/operators/opr_01jdx3k9v2m7q8r4s5t6w7x8y9"), HttpStatusCode.NotFound, "not_found");
        AssertProblem(await SendAsync(op, HttpMethod.Post, "/api/v1/operators", new { displayName = " " }), HttpStatusCode.UnprocessableEntity, "validation_failed");
    }

    [SkippableFact]
    public async Task A_tenant_is_created_with_its_first_admin_and_read_back()
    {
        SkipUnlessAvailable();
        using var op = Operator();
        var created = await SendAsync(op, HttpMethod.Post, "/api/v1/tenants", new { name = "山田商店", plan = "standard", adminName = "山田 太郎" });

        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal(("山田商店", "standard", "active"), (created.Text("name"), created.Text("plan"), created.Text("status")));
        Assert.EndsWith("+09:00", created.Text("createdAt"), StringComparison.Ordinal);
        var read = await SendAsync(op, HttpMethod.Get, "/api/v1/tenants/" + created.Text("id"));
        Assert.Equal(HttpStatusCode.OK, read.Status);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, read.Body.GetProperty("purgedAt").ValueKind);

        var bad = await SendAsync(op, HttpMethod.Post, "/api/v1/tenants", new { name = "", plan = "gold" });
        AssertProblem(bad, HttpStatusCode.UnprocessableEntity, "validation_failed");
        Assert.Equal(["plan:invalid_format", "name:required", "adminName:required"], FieldCodes(bad));
        // A field of the wrong type is reported, and nothing is created even when every other field is fine.
        var wrongType = await SendAsync(op, HttpMethod.Post, "/api/v1/tenants", new { name = "型違いの店 " + Guid.NewGuid().ToString("N")[..8], plan = "free", adminName = "a", adminEmail = 42 });
        Assert.Equal(["adminEmail:invalid_type"], FieldCodes(wrongType));
        var names = new List<string?>();
        for (string? cursor = ""; cursor is not null;)
        {
            var listed = await SendAsync(op, HttpMethod.Get, "/api/v1/tenants?limit=100" + (cursor.Length > 0 ? "&cursor=" + Uri.EscapeDataString(cursor) : ""));
            names.AddRange(listed.Body.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("name").GetString()));
            cursor = listed.Body.GetProperty("nextCursor").GetString();
        }
        Assert.NotEmpty(names);
        Assert.DoesNotContain(names, n => n is not null && n.StartsWith("型違いの店", StringComparison.Ordinal));
        AssertProblem(await SendAsync(op, HttpMethod.Get, "/api/v1/tenants/tnt_01jdx3k9v2m7q8r4s5t6w7x8y9"), HttpStatusCode.NotFound, "not_found");
    }

    [SkippableFact]
    public async Task A_cancelled_tenant_reads_and_exports_but_cannot_write_and_its_purge_refuses_its_keys()
    {
        var tenant = await NewTenantAsync();
        using var admin = Client(tenant.AdminKey);
        using var op = Operator();
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(admin, HttpMethod.Post, "/api/v1/stores", new { name = "本店" })).Status);

        var cancelled = await SendAsync(op, HttpMethod.Post, $"/api/v1/tenants/{tenant.Id}/cancel", new { effectiveOn = "2026-01-05" });
        Assert.Equal(HttpStatusCode.OK, cancelled.Status);
        // 10 business days after Monday 2026-01-05, 成人の日 (01-12) not counted.
        Assert.Equal(("cancelled", "2026-01-05", "2026-01-20"), (cancelled.Text("status"), cancelled.Text("cancelledOn"), cancelled.Text("purgeDueOn")));
        await Factory.ChangesReachEveryInstanceAsync();

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(admin, HttpMethod.Get, "/api/v1/stores")).Status);
        AssertProblem(await SendAsync(admin, HttpMethod.Post, "/api/v1/stores", new { name = "二号店" }), HttpStatusCode.Forbidden, "tenant_cancelled");

        var run = await SendAsync(op, HttpMethod.Post, "/api/v1/ops/retention/run");
        Assert.Equal(HttpStatusCode.OK, run.Status);
        var purged = Assert.Single(run.Body.GetProperty("purged").EnumerateArray(), p => p.GetProperty("tenantId").GetString() == tenant.Id);
        Assert.Equal(1, purged.GetProperty("deleted").GetProperty("stores").GetInt64());
        await Factory.ChangesReachEveryInstanceAsync();

        AssertProblem(await SendAsync(admin, HttpMethod.Get, "/api/v1/stores"), HttpStatusCode.Unauthorized, "unauthenticated");
        var gone = await SendAsync(op, HttpMethod.Get, "/api/v1/tenants/" + tenant.Id);
        Assert.Equal("purged", gone.Text("status"));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, gone.Body.GetProperty("name").ValueKind);
    }

    [SkippableFact]
    public async Task Members_get_keys_of_their_own_that_stop_at_removal_or_rotation()
    {
        var tenant = await NewTenantAsync();
        using var admin = Client(tenant.AdminKey);
        var created = await SendAsync(admin, HttpMethod.Post, "/api/v1/members", new { displayName = "店員 花子", role = "staff" });
        Assert.Equal(HttpStatusCode.Created, created.Status);
        using var staff = Client(created.Text("apiKey"));

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(staff, HttpMethod.Get, "/api/v1/stores")).Status);
        AssertProblem(await SendAsync(staff, HttpMethod.Get, "/api/v1/members"), HttpStatusCode.Forbidden, "forbidden");
        var list = await SendAsync(admin, HttpMethod.Get, "/api/v1/members");
        Assert.Equal(2, list.Body.GetProperty("items").GetArrayLength());
        Assert.DoesNotContain("apiKey", list.Body.ToString(), StringComparison.Ordinal);

        var rotated = await SendAsync(admin, HttpMethod.Post, $"/api/v1/members/{created.Text("id")}/rotate-key");
        Assert.Equal(HttpStatusCode.OK, rotated.Status);
        await Factory.ChangesReachEveryInstanceAsync();
        AssertProblem(await SendAsync(staff, HttpMethod.Get, "/api/v1/stores"), HttpStatusCode.Unauthorized, "unauthenticated");
        using var rotatedStaff = Client(rotated.Text("apiKey"));
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(rotatedStaff, HttpMethod.Get, "/api/v1/stores")).Status);

        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(admin, HttpMethod.Delete, $"/api/v1/members/{created.Text("id")}")).Status);
        await Factory.ChangesReachEveryInstanceAsync();
        AssertProblem(await SendAsync(rotatedStaff, HttpMethod.Get, "/api/v1/stores"), HttpStatusCode.Unauthorized, "unauthenticated");
        AssertProblem(await SendAsync(admin, HttpMethod.Post, "/api/v1/members", new { displayName = "x", role = "owner" }), HttpStatusCode.UnprocessableEntity, "validation_failed");
    }

    [SkippableFact]
    public async Task Stores_follow_the_plan_and_lists_page_with_a_cursor()
    {
        var free = await NewTenantAsync("free");
        using var admin = Client(free.AdminKey);
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(admin, HttpMethod.Post, "/api/v1/stores", new { name = "本店" })).Status);
        AssertProblem(await SendAsync(admin, HttpMethod.Post, "/api/v1/stores", new { name = "二号店" }), HttpStatusCode.Forbidden, "plan_limit_reached");

        var premium = await NewTenantAsync();
        using var big = Client(premium.AdminKey);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await SendAsync(big, HttpMethod.Post, "/api/v1/stores", new { name = $"店 {i}" })).Status);
        }
        var first = await SendAsync(big, HttpMethod.Get, "/api/v1/stores?limit=3");
        var second = await SendAsync(big, HttpMethod.Get, "/api/v1/stores?limit=3&cursor=" + Uri.EscapeDataString(first.Text("nextCursor")));
        Assert.Equal((3, 2), (first.Body.GetProperty("items").GetArrayLength(), second.Body.GetProperty("items").GetArrayLength()));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, second.Body.GetProperty("nextCursor").ValueKind);
        AssertProblem(await SendAsync(big, HttpMethod.Get, "/api/v1/stores?limit=0"), HttpStatusCode.UnprocessableEntity, "validation_failed");
        AssertProblem(await SendAsync(big, HttpMethod.Get, "/api/v1/stores?limit=201"), HttpStatusCode.UnprocessableEntity, "validation_failed");
        AssertProblem(await SendAsync(big, HttpMethod.Get, "/api/v1/stores?cursor=bm9wZQ"), HttpStatusCode.UnprocessableEntity, "validation_failed");

        var store = first.Body.GetProperty("items")[0].GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(big, HttpMethod.Get, "/api/v1/stores/" + store)).Status);
        // Another tenant's store is not found, exactly like one that does not exist.
        AssertProblem(await SendAsync(admin, HttpMethod.Get, "/api/v1/stores/" + store), HttpStatusCode.NotFound, "not_found");
    }
}

public abstract class ConcurrencyContract(IHostUnderTest host) : HostContract(host)
{
    [SkippableFact]
    public async Task A_tenant_over_its_plan_s_concurrent_requests_gets_429_with_retry_after_and_a_retrying_client_gets_through()
    {
        var tenant = await NewTenantAsync("free"); // 4 concurrent requests
        using var admin = Client(tenant.AdminKey);
        var coupon = (await SendAsync(admin, HttpMethod.Post, "/api/v1/coupons", new { title = "t", benefit = "b" })).Text("id");
        await SendAsync(admin, HttpMethod.Post, $"/api/v1/coupons/{coupon}/codes", new { count = 10_000 });
        using var raw = Factory.RawClient(tenant.AdminKey);

        // Four downloads the client does not read yet: each request stays in progress, holding its place.
        var open = new List<HttpResponseMessage>();
        for (var i = 0; i < 4; i++)
        {
            open.Add(await raw.GetAsync(new Uri("/api/v1/exports/codes.csv", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead));
        }
        using (var refused = await raw.GetAsync(new Uri("/api/v1/stores", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
            Assert.Equal("too_many_concurrent_requests", (await ReadAsync(refused)).Code);
        }

        // A client that retries after Retry-After gets through once the downloads are read.
        var retrying = admin.GetAsync(new Uri("/api/v1/stores", UriKind.Relative));
        foreach (var response in open)
        {
            await response.Content.ReadAsByteArrayAsync();
            response.Dispose();
        }
        using var through = await retrying;
        Assert.Equal(HttpStatusCode.OK, through.StatusCode);
    }
}

public sealed class SqliteConcurrencyContract(SqliteHostFactory factory) : ConcurrencyContract(factory), IClassFixture<SqliteHostFactory>;

public sealed class PostgreSqlConcurrencyContract(PostgreSqlHostFactory factory) : ConcurrencyContract(factory), IClassFixture<PostgreSqlHostFactory>;

public sealed class SqliteTenancyContract(SqliteHostFactory factory) : TenancyContract(factory), IClassFixture<SqliteHostFactory>;

public sealed class PostgreSqlTenancyContract(PostgreSqlHostFactory factory) : TenancyContract(factory), IClassFixture<PostgreSqlHostFactory>;

// The same contract behind PgBouncer in transaction pooling mode.
public sealed class PgBouncerTenancyContract(PgBouncerHostFactory factory) : TenancyContract(factory), IClassFixture<PgBouncerHostFactory>;

// The same contract in least privilege: requests on a login that owns nothing, cross-tenant work on a platform login.
public sealed class LeastPrivilegeTenancyContract(LeastPrivilegeHostFactory factory) : TenancyContract(factory), IClassFixture<LeastPrivilegeHostFactory>;
