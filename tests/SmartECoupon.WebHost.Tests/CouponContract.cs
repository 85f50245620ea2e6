using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace SmartECoupon.WebHost.Tests;

/// <summary>Coupons, images, tickets and codes through HTTP.</summary>
public abstract class CouponContract(IHostUnderTest host) : HostContract(host)
{
    /// <summary>A tiny PNG: its signature is what the type is decided from.</summary>
    protected static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0];

    [SkippableFact]
    public async Task A_coupon_is_created_with_every_field_of_the_contract_and_read_back()
    {
        var tenant = await NewTenantAsync();
        using var admin = Client(tenant.AdminKey);
        var store = (await SendAsync(admin, HttpMethod.Post, "/api/v1/stores", new { name = "新宿店" })).Text("id");

        var created = await SendAsync(admin, HttpMethod.Post, "/api/v1/coupons", new
        {
            title = "  秋のドリンクフェア  ",
            benefit = "ｺｰﾋｰ1杯無料",
            description = "一行目\r\n二行目",
            validFrom = "2026-12-01",
            validUntil = "2026-12-31",
            totalLimit = 100,
            perUserLimit = 2,
            storeIds = new[] { store },
            sharedCode = "ＡＵＴＵＭＮ－２０２６",
        });

        Assert.Equal(HttpStatusCode.Created, created.Status);
        var c = created.Body;
        Assert.Equal(("draft", "秋のドリンクフェア", "ｺｰﾋｰ1杯無料", "一行目\n二行目"), (c.GetProperty("status").GetString(), c.GetProperty("title").GetString(), c.GetProperty("benefit").GetString(), c.GetProperty("description").GetString()));
        Assert.Equal(("2026-12-01T00:00:00+09:00", "2026-12-31T23:59:59.999999+09:00"), (c.GetProperty("validFrom").GetString(), c.GetProperty("validUntil").GetString()));
        Assert.Equal((100, 2, "AUTUMN-2026"), (c.GetProperty("totalLimit").GetInt32(), c.GetProperty("perUserLimit").GetInt32(), c.GetProperty("sharedCode").GetString()));
        Assert.Equal([store], c.GetProperty("storeIds").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(("/p/" + c.GetProperty("id").GetString(), 0, 0), (c.GetProperty("publicUrl").GetString(), c.GetProperty("issuedCount").GetInt32(), c.GetProperty("redeemedCount").GetInt32()));
        Assert.Equal(JsonValueKind.Null, c.GetProperty("imageUrl").ValueKind);
        Assert.Equal(created.Response.Headers.Location!.ToString(), "/api/v1/coupons/" + c.GetProperty("id").GetString());

        var read = await SendAsync(admin, HttpMethod.Get, "/api/v1/coupons/" + c.GetProperty("id").GetString());
        Assert.Equal(created.Body.ToString(), read.Body.ToString());
    }

    [SkippableFact]
    public async Task A_field_the_endpoint_does_not_know_is_refused_and_never_ignored()
    {
        var tenant = await NewTenantAsync();
        using var admin = Client(tenant.AdminKey);

        // A typo of totalLimit must not create an unlimited coupon.
        var typo = await SendAsync(admin, HttpMethod.Post, "/api/v1/coupons", """{"title":"a","benefit":"b","totalLimt":5,"Title":"x"}""");
        AssertProblem(typo, HttpStatusCode.UnprocessableEntity, "validation_failed");
        Assert.Equal(["totalLimt:unknown_field", "Title:unknown_field"], FieldCodes(typo));
        Assert.Empty((await SendAsync(admin, HttpMethod.Get, "/api/v1/coupons")).Body.GetProperty("items").EnumerateArray());

        // The same on a change, on a redemption, and for an operator's body.
        var coupon = (await SendAsync(admin, HttpMethod.Post, "/api/v1/coupons", new { title = "t", benefit = "b", totalLimit = 5 })).Text("id");
        Assert.Equal(["perUserLimits:unknown_field"], FieldCodes(await SendAsync(admin, HttpMethod.Patch, "/api/v1/coupons/" + coupon, new { perUserLimits = 3 })));
        Assert.Equal(5, (await SendAsync(admin, HttpMethod.Get, "/api/v1/coupons/" + coupon)).Body.GetProperty("totalLimit").GetInt32());
        Assert.Equal(["store:unknown_field"], FieldCodes(await SendAsync(admin, HttpMethod.Post, "/api/v1/redemptions", new { code = "ABCDEFGHJK", store = "x" },
            new Dictionary<string, string> { ["Idempotency-Key"] = "unknown-field" })));
        using var op = Operator();
        Assert.Equal(["planName:unknown_field"], FieldCodes(await SendAsync(op, HttpMethod.Post, "/api/v1/tenants", new { name = "n", plan = "free", adminName = "a", planName = "free" })));

        // A field of the wrong JSON type names the type.
        var wrongType = await SendAsync(admin, HttpMethod.Post, $"/api/v1/coupons/{coupon}/codes", new { count = "10" });
        Assert.Equal(["count:invalid_type"], FieldCodes(wrongType));
    }

    [SkippableFact]
    public async Task An_unknown_route_is_a_problem_with_its_code()
    {
        var tenant = await NewTenantAsync();
        using var admin = Client(tenant.AdminKey);
        AssertProblem(await SendAsync(admin, HttpMethod.Get, "/api/v1/no-such-thing"), HttpStatusCode.NotFound, "not_found");
        AssertProblem(await SendAsync(admin, HttpMethod.Get, "/api/v2/coupons"), HttpStatusCode.NotFound, "not_found");
    }

    [SkippableFact]
    public async Task Every_failing_field_is_reported_at_once_and_nothing_is_created()
    {
        var tenant = await NewTenantAsync();
        using var admin = Client(tenant.AdminKey);

        var refused = await SendAsync(admin, HttpMethod.Post, "/api/v1/coupons", new
        {
            title = new string('あ', 41),
            benefit = "",
            totalLimit = "many",
            validFrom = "2026-12-31",
            validUntil = "2026-12-01",
            sharedCode = "A",
            storeIds = new[] { "sto_00000000000000000000000000" },
        });

        AssertProblem(refused, HttpStatusCode.UnprocessableEntity, "validation_failed");
        Assert.Equal(["totalLimit:invalid_type", "title:too_long", "benefit:required", "validUntil:out_of_range", "sharedCode:invalid_format"], FieldCodes(refused));
        Assert.Empty((await SendAsync(admin, HttpMethod.Get, "/api/v1/coupons")).Body.GetProperty("items").EnumerateArray());
        var unknownStore = await SendAsync(admin, HttpMethod.Post, "/api/v1/coupons", new { title = "t", benefit = "b", storeIds = new[] { "sto_00000000000000000000000000" } });
        Assert.Equal(["storeIds:not_found"], FieldCodes(unknownStore));
    }

    [SkippableFact]
    public async Task Patch_changes_the_fields_it_names_and_null_clears_an_optional_one()
    {
        var tenant = await NewTenantAsync();
        using var admin = Client(tenant.AdminKey);
        var id = (await SendAsync(admin, HttpMethod.Post, "/api/v1/coupons", new { title = "元", benefit = "特典", totalLimit = 10, sharedCode = "KEEP1" })).Text("id");

        var patched = await SendAsync(admin, HttpMethod.Patch, "/api/v1/coupons/" + id, "{\"title\":\"新しい\",\"totalLimit\":null}");

        Assert.Equal(HttpStatusCode.OK, patched.Status);
        Assert.Equal(("新しい", "特典", JsonValueKind.Null, "KEEP1"), (patched.Text("title"), patched.Text("benefit"), patched.Body.GetProperty("totalLimit").ValueKind, patched.Text("sharedCode")));
        AssertProblem(await SendAsync(admin, HttpMethod.Patch, "/api/v1/coupons/" + id, new { title = "" }), HttpStatusCode.UnprocessableEntity, "validation_failed");
        AssertProblem(await SendAsync(admin, HttpMethod.Patch, "/api/v1/coupons/cpn_00000000000000000000000000", new { title = "x" }), HttpStatusCode.NotFound, "not_found");
    }

    [SkippableFact]
    public async Task Publishing_follows_the_lifecycle_and_the_plan()
    {
        var tenant = await NewTenantAsync("free");
        using var admin = Client(tenant.AdminKey);
        var ids = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            ids.Add((await SendAsync(admin, HttpMethod.Post, "/api/v1/coupons", new { title = $"c{i}", benefit = "b" })).Text("id"));
        }
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("published", (await SendAsync(admin, HttpMethod.Post, $"/api/v1/coupons/{ids[i]}/publish")).Text("status"));
        }
        AssertProblem(await SendAsync(admin, HttpMethod.Post, $"/api/v1/coupons/{ids[3]}/publish"), HttpStatusCode.Forbidden, "plan_limit_reached");
        Assert.Equal("paused", (await SendAsync(admin, HttpMethod.Post, $"/api/v1/coupons/{ids[0]}/pause")).Text("status"));
        Assert.Equal("published", (await SendAsync(admin, HttpMethod.Post, $"/api/v1/coupons/{ids[3]}/publish")).Text("status"));
        Assert.Equal("archived", (await SendAsync(admin, HttpMethod.Post, $"/api/v1/coupons/{ids[0]}/archive")).Text("status"));
        AssertProblem(await SendAsync(admin, HttpMethod.Post, $"/api/v1/coupons/{ids[0]}/publish"), HttpStatusCode.Conflict, "invalid_status_transition");

        var staffKey = (await SendAsync(admin, HttpMethod.Post, "/api/v1/members", new { displayName = "店員", role = "staff" })).Text("apiKey");
        using var staff = Client(staffKey);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(staff, HttpMethod.Get, "/api/v1/coupons/" + ids[1])).Status);
        AssertProblem(await SendAsync(staff, HttpMethod.Post, $"/api/v1/coupons/{ids[1]}/pause"), HttpStatusCode.Forbidden, "forbidden");
    }

    [SkippableFact]
    public async Task An_image_is_typed_by_its_bytes_and_served_so_that_nothing_in_it_can_run()
    {
        var tenant = await NewTenantAsync();
        using var admin = Client(tenant.AdminKey);
        var id = (await SendAsync(admin, HttpMethod.Post, "/api/v1/coupons", new { title = "画像", benefit = "b" })).Text("id");

        using (var svg = new ByteArrayContent("<svg onload=alert(1)/>"u8.ToArray()))
        {
            svg.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            AssertProblem(await ReadAsync(await admin.PutAsync(new Uri($"/api/v1/coupons/{id}/image", UriKind.Relative), svg)), HttpStatusCode.UnprocessableEntity, "unsupported_image");
        }
        using (var big = new ByteArrayContent([.. Png, .. new byte[2 * 1024 * 1024]]))
        {
            AssertProblem(await ReadAsync(await admin.PutAsync(new Uri($"/api/v1/coupons/{id}/image", UriKind.Relative), big)), HttpStatusCode.UnprocessableEntity, "unsupported_image");
        }
        ApiAnswer set;
        using (var png = new ByteArrayContent(Png))
        {
            png.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg"); // the header is not believed
            set = await ReadAsync(await admin.PutAsync(new Uri($"/api/v1/coupons/{id}/image", UriKind.Relative), png));
        }
        Assert.Equal(HttpStatusCode.OK, set.Status);
        var url = set.Text("imageUrl");

        using var anonymous = Client(null);
        using var image = await anonymous.GetAsync(new Uri(url, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, image.StatusCode);
        Assert.Equal("image/png", image.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", image.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("sandbox", image.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal(Png, await image.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(new Uri("/images/cpn_00000000000000000000000000", UriKind.Relative))).StatusCode);
    }

    [SkippableFact]
    public async Task A_user_asking_twice_gets_the_same_ticket()
    {
        var tenant = await NewTenantAsync();
        using var admin = Client(tenant.AdminKey);
        var id = (await SendAsync(admin, HttpMethod.Post, "/api/v1/coupons", new { title = "t", benefit = "b", perUserLimit = 2 })).Text("id");
        await SendAsync(admin, HttpMethod.Post, $"/api/v1/coupons/{id}/publish");

        var first = await SendAsync(admin, HttpMethod.Post, $"/api/v1/coupons/{id}/tickets", new { userKey = "member-001" });
        var again = await SendAsync(admin, HttpMethod.Post, $"/api/v1/coupons/{id}/tickets", new { userKey = "ｍｅｍｂｅｒ－００１" });

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.OK), (first.Status, again.Status));
        Assert.Equal(first.Text("id"), again.Text("id"));
        Assert.Equal(("/c/" + first.Text("token"), 2, "unused", "member-001"), (first.Text("url"), first.Body.GetProperty("usesLeft").GetInt32(), first.Text("status"), first.Text("userKey")));
        AssertProblem(await SendAsync(admin, HttpMethod.Post, $"/api/v1/coupons/{id}/tickets", new { userKey = "山田" }), HttpStatusCode.UnprocessableEntity, "validation_failed");
        AssertProblem(await SendAsync(admin, HttpMethod.Post, "/api/v1/coupons/cpn_00000000000000000000000000/tickets", new { userKey = "u" }), HttpStatusCode.NotFound, "not_found");
    }

    [SkippableFact]
    public async Task Up_to_ten_thousand_codes_are_generated_in_the_request_and_listed_in_pages()
    {
        var tenant = await NewTenantAsync();
        using var admin = Client(tenant.AdminKey);
        var id = (await SendAsync(admin, HttpMethod.Post, "/api/v1/coupons", new { title = "t", benefit = "b" })).Text("id");

        var generated = await SendAsync(admin, HttpMethod.Post, $"/api/v1/coupons/{id}/codes", new { count = 250 });

        Assert.Equal(HttpStatusCode.Created, generated.Status);
        Assert.Equal(250, generated.Body.GetProperty("generated").GetInt32());
        var page = await SendAsync(admin, HttpMethod.Get, $"/api/v1/coupons/{id}/codes?limit=200");
        Assert.Equal(200, page.Body.GetProperty("items").GetArrayLength());
        var rest = await SendAsync(admin, HttpMethod.Get, $"/api/v1/coupons/{id}/codes?limit=200&cursor={Uri.EscapeDataString(page.Text("nextCursor"))}");
        Assert.Equal(50, rest.Body.GetProperty("items").GetArrayLength());
        Assert.Equal(250, (await SendAsync(admin, HttpMethod.Get, "/api/v1/coupons/" + id)).Body.GetProperty("issuedCount").GetInt32());
        AssertProblem(await SendAsync(admin, HttpMethod.Post, $"/api/v1/coupons/{id}/codes", new { count = 0 }), HttpStatusCode.UnprocessableEntity, "validation_failed");
        AssertProblem(await SendAsync(admin, HttpMethod.Post, $"/api/v1/coupons/{id}/codes", new { count = 1_000_001 }), HttpStatusCode.UnprocessableEntity, "validation_failed");
    }
}

public sealed class SqliteCouponContract(SqliteHostFactory factory) : CouponContract(factory), IClassFixture<SqliteHostFactory>;

public sealed class PostgreSqlCouponContract(PostgreSqlHostFactory factory) : CouponContract(factory), IClassFixture<PostgreSqlHostFactory>;

// The same contract behind PgBouncer in transaction pooling mode.
public sealed class PgBouncerCouponContract(PgBouncerHostFactory factory) : CouponContract(factory), IClassFixture<PgBouncerHostFactory>;

// The same contract in least privilege: requests on a login that owns nothing, cross-tenant work on a platform login.
public sealed class LeastPrivilegeCouponContract(LeastPrivilegeHostFactory factory) : CouponContract(factory), IClassFixture<LeastPrivilegeHostFactory>;
