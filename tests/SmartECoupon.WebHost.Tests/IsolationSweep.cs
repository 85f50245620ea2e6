using System.Net;
using System.Text;

namespace SmartECoupon.WebHost.Tests;

/// <summary>
/// With two tenants, every endpoint that takes an id or a code, called by tenant B with tenant A's, answers 404 exactly as
/// for an id that does not exist, and changes nothing; spoofed tenant headers and fields are ignored; B's exports hold
/// nothing of A.
/// </summary>
public abstract class IsolationSweep(IHostUnderTest host) : HostContract(host)
{
    private static Dictionary<string, string> Key() => new() { ["Idempotency-Key"] = Guid.NewGuid().ToString("N") };

    [SkippableFact]
    public async Task Tenant_b_cannot_see_or_touch_anything_of_tenant_a()
    {
        var a = await NewTenantAsync();
        var b = await NewTenantAsync();
        using var adminA = Client(a.AdminKey);
        using var adminB = Client(b.AdminKey);

        // Tenant A, with something of every kind.
        var store = (await SendAsync(adminA, HttpMethod.Post, "/api/v1/stores", new { name = "A店" })).Text("id");
        var member = (await SendAsync(adminA, HttpMethod.Post, "/api/v1/members", new { displayName = "A staff", role = "staff" })).Text("id");
        var coupon = (await SendAsync(adminA, HttpMethod.Post, "/api/v1/coupons", new { title = "A coupon", benefit = "b", sharedCode = "ASECRET1", perUserLimit = 5 })).Text("id");
        await SendAsync(adminA, HttpMethod.Post, $"/api/v1/coupons/{coupon}/publish");
        var ticket = await SendAsync(adminA, HttpMethod.Post, $"/api/v1/coupons/{coupon}/tickets", new { userKey = "a-user" });
        await SendAsync(adminA, HttpMethod.Post, $"/api/v1/coupons/{coupon}/codes", new { count = 1 });
        var oneTimeCode = (await SendAsync(adminA, HttpMethod.Get, $"/api/v1/coupons/{coupon}/codes")).Body.GetProperty("items")[0].GetProperty("code").GetString()!;
        var redemption = (await SendAsync(adminA, HttpMethod.Post, "/api/v1/redemptions", new { ticketToken = ticket.Text("token") }, Key())).Text("id");
        var job = (await SendAsync(adminA, HttpMethod.Post, $"/api/v1/coupons/{coupon}/codes", new { count = 10_001 })).Text("jobId");
        // A's own job writes codes and raises issuedCount while it runs: the "before" snapshot is taken once it has ended.
        Assert.Equal("succeeded", (await WaitForJobAsync(adminA, job)).Text("status"));
        var before = (await SendAsync(adminA, HttpMethod.Get, "/api/v1/coupons/" + coupon)).Body.ToString();

        var calls = new (HttpMethod Method, string Path, object? Body, bool Idempotent)[]
        {
            (HttpMethod.Get, $"/api/v1/stores/{store}", null, false),
            (HttpMethod.Get, $"/api/v1/members/{member}", null, false),
            (HttpMethod.Delete, $"/api/v1/members/{member}", null, false),
            (HttpMethod.Post, $"/api/v1/members/{member}/rotate-key", null, false),
            (HttpMethod.Get, $"/api/v1/coupons/{coupon}", null, false),
            (HttpMethod.Patch, $"/api/v1/coupons/{coupon}", new { title = "hijacked" }, false),
            (HttpMethod.Post, $"/api/v1/coupons/{coupon}/publish", null, false),
            (HttpMethod.Post, $"/api/v1/coupons/{coupon}/pause", null, false),
            (HttpMethod.Post, $"/api/v1/coupons/{coupon}/archive", null, false),
            (HttpMethod.Post, $"/api/v1/coupons/{coupon}/tickets", new { userKey = "b-user" }, false),
            (HttpMethod.Post, $"/api/v1/coupons/{coupon}/codes", new { count = 5 }, false),
            (HttpMethod.Post, $"/api/v1/coupons/{coupon}/codes", new { count = 20_000 }, false),
            (HttpMethod.Get, $"/api/v1/coupons/{coupon}/codes", null, false),
            (HttpMethod.Get, $"/api/v1/jobs/{job}", null, false),
            (HttpMethod.Get, $"/api/v1/redemptions/{redemption}", null, false),
            (HttpMethod.Post, $"/api/v1/redemptions/{redemption}/void", null, false),
            (HttpMethod.Post, "/api/v1/redemptions", new { ticketToken = ticket.Text("token") }, true),
            (HttpMethod.Post, "/api/v1/redemptions", new { code = ticket.Text("code") }, true),
            (HttpMethod.Post, "/api/v1/redemptions", new { code = oneTimeCode }, true),
            (HttpMethod.Post, "/api/v1/redemptions", new { sharedCode = "ASECRET1", userKey = "b-user" }, true),
            (HttpMethod.Post, "/api/v1/redemptions/validate", new { ticketToken = ticket.Text("token") }, false),
            (HttpMethod.Post, "/api/v1/redemptions/validate", new { code = oneTimeCode }, false),
        };
        foreach (var (method, path, body, idempotent) in calls)
        {
            var answer = await SendAsync(adminB, method, path, body, idempotent ? Key() : null);
            AssertProblem(answer, HttpStatusCode.NotFound, "not_found");
            // The same answer as for an id that does not exist.
            var missing = await SendAsync(adminB, method, Missing(path), body, idempotent ? Key() : null);
            Assert.True(missing.Status == HttpStatusCode.NotFound && missing.Body.GetProperty("title").GetString() == answer.Body.GetProperty("title").GetString(), $"{method} {path}");
        }
        using (var image = new ByteArrayContent([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            AssertProblem(await ReadAsync(await adminB.PutAsync(new Uri($"/api/v1/coupons/{coupon}/image", UriKind.Relative), image)), HttpStatusCode.NotFound, "not_found");
        }
        var storeField = await SendAsync(adminB, HttpMethod.Post, "/api/v1/coupons", new { title = "t", benefit = "b", storeIds = new[] { store } });
        Assert.Equal(["storeIds:not_found"], FieldCodes(storeField));

        // Spoofed tenant headers and fields change nothing: the tenant comes from the key.
        var spoofed = await SendAsync(adminB, HttpMethod.Get, "/api/v1/coupons/" + coupon, null, new Dictionary<string, string> { ["X-Tenant-Id"] = a.Id });
        AssertProblem(spoofed, HttpStatusCode.NotFound, "not_found");
        // A tenantId in the body is no field of the contract (v1.1: unknown fields are refused, never ignored): 422, and
        // nothing is written in either tenant.
        var storesOfA = (await SendAsync(adminA, HttpMethod.Get, "/api/v1/stores")).Body.ToString();
        var storesOfB = (await SendAsync(adminB, HttpMethod.Get, "/api/v1/stores")).Body.ToString();
        var spoofedField = await SendAsync(adminB, HttpMethod.Post, "/api/v1/stores", new { name = "B店", tenantId = a.Id });
        AssertProblem(spoofedField, HttpStatusCode.UnprocessableEntity, "validation_failed");
        Assert.Equal(["tenantId:unknown_field"], FieldCodes(spoofedField));
        Assert.Equal(storesOfA, (await SendAsync(adminA, HttpMethod.Get, "/api/v1/stores")).Body.ToString());
        Assert.Equal(storesOfB, (await SendAsync(adminB, HttpMethod.Get, "/api/v1/stores")).Body.ToString());
        var created = await SendAsync(adminB, HttpMethod.Post, "/api/v1/stores", new { name = "B店" }, new Dictionary<string, string> { ["X-Tenant-Id"] = a.Id });
        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.DoesNotContain(created.Text("id"), (await SendAsync(adminA, HttpMethod.Get, "/api/v1/stores")).Body.ToString(), StringComparison.Ordinal);

        // Nothing of A changed, and B's exports hold nothing of A.
        Assert.Equal(before, (await SendAsync(adminA, HttpMethod.Get, "/api/v1/coupons/" + coupon)).Body.ToString());
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(Client(a.AdminKey), HttpMethod.Get, "/api/v1/stores")).Status);
        var secrets = new[] { a.Id, store, member, coupon, ticket.Text("token"), ticket.Text("code"), oneTimeCode, redemption, "ASECRET1", "A coupon" };
        foreach (var dataset in (string[])["coupons", "tickets", "codes", "redemptions", "stores", "members", "settings", "audit-log"])
        {
            var text = Encoding.UTF8.GetString(await adminB.GetByteArrayAsync(new Uri($"/api/v1/exports/{dataset}.csv", UriKind.Relative)));
            Assert.All(secrets, s => Assert.DoesNotContain(s, text, StringComparison.Ordinal));
        }
        var lists = (string[])["/api/v1/coupons", "/api/v1/stores", "/api/v1/members", "/api/v1/redemptions", "/api/v1/audit-log"];
        foreach (var list in lists)
        {
            var text = (await SendAsync(adminB, HttpMethod.Get, list)).Body.ToString();
            Assert.All(secrets, s => Assert.DoesNotContain(s, text, StringComparison.Ordinal));
        }
    }

    /// <summary>The same path with its id replaced by one of the same shape that does not exist.</summary>
    private static string Missing(string path)
    {
        var parts = path.Split('/');
        for (var i = 0; i < parts.Length; i++)
        {
            if (parts[i].Length > 4 && parts[i][3] == '_')
            {
                parts[i] = parts[i][..4] + "00000000000000000000000000";
            }
        }
        return string.Join('/', parts);
    }
}

public sealed class SqliteIsolationSweep(SqliteHostFactory factory) : IsolationSweep(factory), IClassFixture<SqliteHostFactory>;

public sealed class PostgreSqlIsolationSweep(PostgreSqlHostFactory factory) : IsolationSweep(factory), IClassFixture<PostgreSqlHostFactory>;

// The same contract behind PgBouncer in transaction pooling mode.
public sealed class PgBouncerIsolationSweep(PgBouncerHostFactory factory) : IsolationSweep(factory), IClassFixture<PgBouncerHostFactory>;

// The same contract in least privilege: requests on a login that owns nothing, cross-tenant work on a platform login.
public sealed class LeastPrivilegeIsolationSweep(LeastPrivilegeHostFactory factory) : IsolationSweep(factory), IClassFixture<LeastPrivilegeHostFactory>;
