using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;

namespace SmartECoupon.WebHost.Tests;

/// <summary>Settings, code jobs, portability, audit, and the platform's operations through HTTP.</summary>
public abstract class OperationsContract(HostFactory factory) : HostContract(factory)
{
    [SkippableFact]
    public async Task The_theme_is_checked_for_contrast_and_only_admins_change_it()
    {
        var tenant = await NewTenantAsync();
        using var admin = Client(tenant.AdminKey);

        var initial = await SendAsync(admin, HttpMethod.Get, "/api/v1/settings/theme");
        Assert.Equal("#FFFFFF", initial.Text("buttonTextColor"));
        var low = await SendAsync(admin, HttpMethod.Put, "/api/v1/settings/theme", new { primaryColor = "#FFFF00", backgroundColor = "#FFFFFF", textColor = "#777777" });
        AssertProblem(low, HttpStatusCode.UnprocessableEntity, "low_contrast");
        Assert.Equal(["textColor:low_contrast", "buttonTextColor:low_contrast"], FieldCodes(low));
        AssertProblem(await SendAsync(admin, HttpMethod.Put, "/api/v1/settings/theme", new { primaryColor = "red", backgroundColor = "#FFFFFF", textColor = "#000000" }),
            HttpStatusCode.UnprocessableEntity, "validation_failed");

        var set = await SendAsync(admin, HttpMethod.Put, "/api/v1/settings/theme", new { primaryColor = "#0b5cad", backgroundColor = "#ffffff", textColor = "#1f2328" });
        Assert.Equal(HttpStatusCode.OK, set.Status);
        Assert.Equal(("#0B5CAD", "#FFFFFF"), ((await SendAsync(admin, HttpMethod.Get, "/api/v1/settings/theme")).Text("primaryColor"), set.Text("buttonTextColor")));
        var staffKey = (await SendAsync(admin, HttpMethod.Post, "/api/v1/members", new { displayName = "s", role = "staff" })).Text("apiKey");
        using var staff = Client(staffKey);
        AssertProblem(await SendAsync(staff, HttpMethod.Put, "/api/v1/settings/theme", new { primaryColor = "#000000", backgroundColor = "#FFFFFF", textColor = "#000000" }),
            HttpStatusCode.Forbidden, "forbidden");
    }

    [SkippableFact]
    public async Task More_than_ten_thousand_codes_become_a_job_that_a_background_worker_finishes()
    {
        var tenant = await NewTenantAsync();
        using var admin = Client(tenant.AdminKey);
        var coupon = (await SendAsync(admin, HttpMethod.Post, "/api/v1/coupons", new { title = "t", benefit = "b" })).Text("id");

        var accepted = await SendAsync(admin, HttpMethod.Post, $"/api/v1/coupons/{coupon}/codes", new { count = 25_000 });
        Assert.Equal(HttpStatusCode.Accepted, accepted.Status);
        var job = accepted.Text("jobId");

        var status = await WaitForJobAsync(admin, job);

        Assert.Equal(("succeeded", 25_000), (status.Text("status"), status.Body.GetProperty("generated").GetInt32()));
        Assert.Equal(25_000, (await SendAsync(admin, HttpMethod.Get, "/api/v1/coupons/" + coupon)).Body.GetProperty("issuedCount").GetInt32());
        var other = await NewTenantAsync();
        using var outsider = Client(other.AdminKey);
        AssertProblem(await SendAsync(outsider, HttpMethod.Get, "/api/v1/jobs/" + job), HttpStatusCode.NotFound, "not_found");
    }

    [SkippableFact]
    public async Task Every_dataset_downloads_as_csv_and_the_zip_has_a_manifest()
    {
        var tenant = await NewTenantAsync();
        using var admin = Client(tenant.AdminKey);
        await SendAsync(admin, HttpMethod.Post, "/api/v1/coupons", new { title = "=1+2", benefit = "𠮷野家" });

        foreach (var dataset in (string[])["coupons", "tickets", "codes", "redemptions", "stores", "members", "settings", "audit-log"])
        {
            using var response = await admin.GetAsync(new Uri($"/api/v1/exports/{dataset}.csv", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(("text/csv", "utf-8"), (response.Content.Headers.ContentType?.MediaType, response.Content.Headers.ContentType?.CharSet));
            Assert.Equal($"{dataset}.csv", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
            Assert.True((await response.Content.ReadAsByteArrayAsync()).AsSpan().StartsWith("\uFEFF"u8), dataset);
        }
        var coupons = Encoding.UTF8.GetString(await admin.GetByteArrayAsync(new Uri("/api/v1/exports/coupons.csv", UriKind.Relative)));
        Assert.Contains(",'=1+2,𠮷野家,", coupons, StringComparison.Ordinal);

        var sjis = await SendAsync(admin, HttpMethod.Get, "/api/v1/exports/coupons.csv?encoding=shift_jis");
        AssertProblem(sjis, HttpStatusCode.UnprocessableEntity, "unencodable");
        // The row as Excel shows it: the header is row 1, the first coupon row 2.
        Assert.Equal(("coupons", 2, "benefit"), (sjis.Text("dataset"), sjis.Body.GetProperty("row").GetInt32(), sjis.Text("column")));
        AssertProblem(await SendAsync(admin, HttpMethod.Get, "/api/v1/exports/coupons.csv?encoding=latin1"), HttpStatusCode.UnprocessableEntity, "validation_failed");
        AssertProblem(await SendAsync(admin, HttpMethod.Get, "/api/v1/exports/passwords.csv"), HttpStatusCode.NotFound, "not_found");
        using (var stores = await admin.GetAsync(new Uri("/api/v1/exports/stores.csv?encoding=shift_jis", UriKind.Relative)))
        {
            Assert.Equal("shift_jis", stores.Content.Headers.ContentType?.CharSet);
        }

        using var zipResponse = await admin.GetAsync(new Uri("/api/v1/exports/all.zip", UriKind.Relative));
        Assert.Equal("application/zip", zipResponse.Content.Headers.ContentType?.MediaType);
        using var zip = new ZipArchive(await zipResponse.Content.ReadAsStreamAsync(), ZipArchiveMode.Read);
        Assert.Contains("manifest.json", zip.Entries.Select(e => e.FullName));
        using var manifest = JsonDocument.Parse(zip.GetEntry("manifest.json")!.Open());
        Assert.Equal(tenant.Id, manifest.RootElement.GetProperty("tenantId").GetString());
        Assert.Equal(8, manifest.RootElement.GetProperty("files").GetArrayLength());
    }

    [SkippableFact]
    public async Task An_export_imported_into_a_fresh_tenant_gives_back_the_coupons_and_bad_files_import_nothing()
    {
        var source = await NewTenantAsync();
        using var admin = Client(source.AdminKey);
        await SendAsync(admin, HttpMethod.Post, "/api/v1/coupons", new { title = "秋のフェア", benefit = "1杯無料", description = "一行目\n二行目", totalLimit = 10, sharedCode = "FALL-1" });
        await SendAsync(admin, HttpMethod.Post, "/api/v1/coupons", new { title = "'引用", benefit = "-100円", perUserLimit = (int?)null });
        var csv = await admin.GetByteArrayAsync(new Uri("/api/v1/exports/coupons.csv?encoding=shift_jis&headers=ja", UriKind.Relative));

        var target = await NewTenantAsync();
        using var fresh = Client(target.AdminKey);
        using var content = new ByteArrayContent(csv);
        content.Headers.ContentType = new("text/csv");
        var imported = await ReadAsync(await fresh.PostAsync(new Uri("/api/v1/imports/coupons", UriKind.Relative), content));
        Assert.Equal(HttpStatusCode.OK, imported.Status);
        Assert.Equal((2, "shift_jis"), (imported.Body.GetProperty("imported").GetInt32(), imported.Text("encoding")));

        static string Content(JsonElement c) => string.Join("|", ((string[])["status", "title", "benefit", "description", "totalLimit", "perUserLimit", "sharedCode"])
            .Select(p => c.GetProperty(p).ToString()));
        var originals = (await SendAsync(admin, HttpMethod.Get, "/api/v1/coupons")).Body.GetProperty("items").EnumerateArray().Select(Content);
        var copies = (await SendAsync(fresh, HttpMethod.Get, "/api/v1/coupons")).Body.GetProperty("items").EnumerateArray().Select(Content);
        Assert.Equal(originals, copies);

        using var bad = new StringContent("title,benefit\r\nok,ok\r\n,missing\r\n", Encoding.UTF8, "text/csv");
        var refused = await ReadAsync(await fresh.PostAsync(new Uri("/api/v1/imports/coupons", UriKind.Relative), bad));
        AssertProblem(refused, HttpStatusCode.UnprocessableEntity, "invalid_csv");
        var error = refused.Body.GetProperty("errors")[0];
        Assert.Equal((3, "title", "title", "required"), (error.GetProperty("line").GetInt32(), error.GetProperty("column").GetString(), error.GetProperty("field").GetString(), error.GetProperty("code").GetString()));
        Assert.Equal(2, (await SendAsync(fresh, HttpMethod.Get, "/api/v1/coupons")).Body.GetProperty("items").GetArrayLength());
    }

    [SkippableFact]
    public async Task The_audit_log_names_the_person_for_every_write()
    {
        var tenant = await NewTenantAsync();
        using var admin = Client(tenant.AdminKey);
        var coupon = (await SendAsync(admin, HttpMethod.Post, "/api/v1/coupons", new { title = "t", benefit = "b" })).Text("id");
        await SendAsync(admin, HttpMethod.Post, $"/api/v1/coupons/{coupon}/publish");

        var log = await SendAsync(admin, HttpMethod.Get, "/api/v1/audit-log");

        var entries = log.Body.GetProperty("items").EnumerateArray().ToList();
        Assert.Contains(entries, e => e.GetProperty("action").GetString() == "coupon.published" && e.GetProperty("targetId").GetString() == coupon && e.GetProperty("actorId").GetString() == tenant.AdminId);
        Assert.Contains(entries, e => e.GetProperty("action").GetString() == "tenant.created");
    }

    [SkippableFact]
    public async Task Maintenance_is_announced_seven_days_ahead_or_as_an_emergency_and_mailed_to_every_admin()
    {
        var tenant = await NewTenantAsync();
        using var op = Operator();
        var soon = DateTimeOffset.UtcNow.AddDays(2);

        AssertProblem(await SendAsync(op, HttpMethod.Post, "/api/v1/maintenance", new { title = "DB更新", startsAt = soon, endsAt = soon.AddHours(1) }),
            HttpStatusCode.UnprocessableEntity, "notice_too_short");
        AssertProblem(await SendAsync(op, HttpMethod.Post, "/api/v1/maintenance", new { title = "DB更新", startsAt = soon, endsAt = soon.AddHours(1), emergency = true }),
            HttpStatusCode.UnprocessableEntity, "validation_failed");
        var title = "緊急メンテナンス " + Guid.NewGuid().ToString("N")[..6];
        var emergency = await SendAsync(op, HttpMethod.Post, "/api/v1/maintenance", new { title, startsAt = soon, endsAt = soon.AddHours(1), emergency = true, reason = "脆弱性対応" });
        Assert.Equal(HttpStatusCode.Created, emergency.Status);
        var planned = await SendAsync(op, HttpMethod.Post, "/api/v1/maintenance", new { title = "定期メンテナンス", startsAt = DateTimeOffset.UtcNow.AddDays(8), endsAt = DateTimeOffset.UtcNow.AddDays(8).AddHours(2) });
        Assert.Equal(HttpStatusCode.Created, planned.Status);

        using var admin = Client(tenant.AdminKey);
        var listed = await SendAsync(admin, HttpMethod.Get, "/api/v1/maintenance");
        var shown = Assert.Single(listed.Body.GetProperty("items").EnumerateArray(), n => n.GetProperty("title").GetString() == title);
        Assert.Equal((true, "脆弱性対応"), (shown.GetProperty("emergency").GetBoolean(), shown.GetProperty("reason").GetString()));
        AssertProblem(await SendAsync(admin, HttpMethod.Post, "/api/v1/maintenance", new { title = "x", startsAt = soon, endsAt = soon }), HttpStatusCode.Forbidden, "forbidden");

        // The outbox sender writes one e-mail per tenant administrator to the pickup folder.
        var folder = factory.MailFolder;
        var waited = System.Diagnostics.Stopwatch.StartNew();
        string? mail = null;
        while (mail is null && waited.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(300);
            mail = Directory.Exists(folder)
                ? Directory.EnumerateFiles(folder, "*.eml").Select(File.ReadAllText).FirstOrDefault(m => m.Contains(tenant.AdminId, StringComparison.Ordinal) && m.Contains("X-SmartECoupon-Message", StringComparison.Ordinal) && DecodedSubjectHas(m, title))
                : null;
        }
        Assert.NotNull(mail);
    }

    [SkippableFact]
    public async Task Incidents_outages_and_availability_are_the_operator_s_to_record()
    {
        SkipUnlessAvailable();
        using var op = Operator();
        var incident = await SendAsync(op, HttpMethod.Post, "/api/v1/incidents", new { title = "決済の遅延", status = "investigating" });
        Assert.Equal(HttpStatusCode.Created, incident.Status);
        Assert.Equal("resolved", (await SendAsync(op, HttpMethod.Patch, "/api/v1/incidents/" + incident.Text("id"), new { status = "resolved" })).Text("status"));
        AssertProblem(await SendAsync(op, HttpMethod.Patch, "/api/v1/incidents/" + incident.Text("id"), new { status = "fixed" }), HttpStatusCode.UnprocessableEntity, "validation_failed");
        AssertProblem(await SendAsync(op, HttpMethod.Patch, "/api/v1/incidents/inc_00000000000000000000000000", new { status = "resolved" }), HttpStatusCode.NotFound, "not_found");

        // A window of its own, far in the past, so other tests' outages do not count: two overlapping outages merge
        // into 6 minutes, and one of 4 minutes is below the 5-minute rule.
        var day = new DateTimeOffset(2001, 2, 3, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(op, HttpMethod.Post, "/api/v1/ops/outages", new { startedAt = day.AddHours(1), endedAt = day.AddHours(1).AddMinutes(4), source = "uptime-robot" })).Status);
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(op, HttpMethod.Post, "/api/v1/ops/outages", new { startedAt = day.AddHours(1).AddMinutes(2), endedAt = day.AddHours(1).AddMinutes(6), source = "pingdom" })).Status);
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(op, HttpMethod.Post, "/api/v1/ops/outages", new { startedAt = day.AddHours(5), endedAt = day.AddHours(5).AddMinutes(4), source = "pingdom" })).Status);
        AssertProblem(await SendAsync(op, HttpMethod.Post, "/api/v1/ops/outages", new { startedAt = day.AddHours(2), endedAt = day.AddHours(1), source = "x" }), HttpStatusCode.UnprocessableEntity, "validation_failed");

        var report = await SendAsync(op, HttpMethod.Get, $"/api/v1/ops/availability?from={Uri.EscapeDataString(day.ToString("O", CultureInfo.InvariantCulture))}&to={Uri.EscapeDataString(day.AddDays(1).ToString("O", CultureInfo.InvariantCulture))}");
        Assert.Equal(HttpStatusCode.OK, report.Status);
        Assert.Equal((6.0, 1, 1), (report.Body.GetProperty("downtimeMinutes").GetDouble(), report.Body.GetProperty("outagesCounted").GetInt32(), report.Body.GetProperty("outagesIgnored").GetInt32()));
        Assert.Equal(99.583m, Math.Round(report.Body.GetProperty("availability").GetDecimal(), 3));
        Assert.Equal(99.00m, report.Body.GetProperty("target").GetDecimal());
    }

    [SkippableFact]
    public async Task Backups_are_taken_on_demand_and_listed_newest_first()
    {
        SkipUnlessAvailable();
        using var op = Operator();
        var first = await SendAsync(op, HttpMethod.Post, "/api/v1/ops/backups");
        var second = await SendAsync(op, HttpMethod.Post, "/api/v1/ops/backups");

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (first.Status, second.Status));
        Assert.Equal(64, first.Text("sha256").Length);
        Assert.True(first.Body.GetProperty("sizeBytes").GetInt64() > 0);
        var listed = (await SendAsync(op, HttpMethod.Get, "/api/v1/ops/backups")).Body.GetProperty("items").EnumerateArray().Select(b => b.GetProperty("id").GetString()).ToList();
        Assert.Equal(second.Text("id"), listed[0]);
        Assert.InRange(listed.Count, 2, 7);
    }

    [SkippableFact]
    public async Task Health_readiness_status_metrics_and_the_openapi_document_answer()
    {
        SkipUnlessAvailable();
        using var anonymous = Client(null);

        var ready = await SendAsync(anonymous, HttpMethod.Get, "/readyz");
        Assert.Equal(HttpStatusCode.OK, ready.Status);
        Assert.Equal(["background-jobs", "backups", "database", "disk"], ready.Body.GetProperty("checks").EnumerateObject().Select(c => c.Name).Order(StringComparer.Ordinal));
        var status = await SendAsync(anonymous, HttpMethod.Get, "/status.json");
        Assert.Contains(status.Body.GetProperty("components").EnumerateArray(), c => c.GetProperty("name").GetString() == "database" && c.GetProperty("status").GetString() == "healthy"
            && c.GetProperty("label").GetString() == "データベース");
        using var page = await anonymous.GetAsync(new Uri("/status", UriKind.Relative));
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("稼働状況", html, StringComparison.Ordinal);
        // The public page speaks Japanese and shows nothing of the machine: no free space, no sizes, no English checks.
        foreach (var leak in (string[])["MB", "free", "wanted", "The API answers"])
        {
            Assert.DoesNotContain(leak, html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(leak, status.Body.GetRawText(), StringComparison.OrdinalIgnoreCase);
        }
        Assert.DoesNotContain("background-jobs", html, StringComparison.Ordinal); // the JSON keeps its keys; the page names them in Japanese
        Assert.Contains("frame-ancestors 'none'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("no-referrer", page.Headers.GetValues("Referrer-Policy").Single());

        using var openapi = await anonymous.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        using var document = JsonDocument.Parse(await openapi.Content.ReadAsStringAsync());
        var paths = document.RootElement.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/v1/redemptions", paths);
        Assert.Contains("/api/v1/exports/all.zip", paths);

        // /metrics shows routes, exception types and capacity: the operator's, not anyone's.
        using var op = Operator();
        await SendAsync(op, HttpMethod.Get, "/api/v1/tenants");
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(anonymous, HttpMethod.Get, "/metrics")).Status);
        var tenant = await NewTenantAsync();
        using var admin = Client(tenant.AdminKey);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(admin, HttpMethod.Get, "/metrics")).Status);
        var metrics = await op.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Contains("http_server_request_duration", metrics, StringComparison.Ordinal);
    }

    private static bool DecodedSubjectHas(string mail, string text)
    {
        // Subjects are encoded (RFC 2047, UTF-8 base64); the body is base64 or quoted-printable: look in each decoded part.
        foreach (var line in mail.Split("\r\n"))
        {
            foreach (var word in line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (word.StartsWith("=?utf-8?B?", StringComparison.OrdinalIgnoreCase) && word.EndsWith("?=", StringComparison.Ordinal))
                {
                    var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(word[10..^2]));
                    if (decoded.Contains(text[..4], StringComparison.Ordinal))
                    {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}

public sealed class SqliteOperationsContract(SqliteHostFactory factory) : OperationsContract(factory), IClassFixture<SqliteHostFactory>;

public sealed class PostgreSqlOperationsContract(PostgreSqlHostFactory factory) : OperationsContract(factory), IClassFixture<PostgreSqlHostFactory>;

// The same contract in least privilege: requests on a login that owns nothing, cross-tenant work on a platform login.
public sealed class LeastPrivilegeOperationsContract(LeastPrivilegeHostFactory factory) : OperationsContract(factory), IClassFixture<LeastPrivilegeHostFactory>;
