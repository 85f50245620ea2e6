using System.Text;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace SmartECoupon.Pages.Tests;

/// <summary>The admin screens, the status page, and accessibility everywhere, in real Chromium.</summary>
public sealed class AdminPageTests(PageFixture fixture) : IClassFixture<PageFixture>
{
    private const string Password = "correct horse battery 9";

    /// <summary>Sets the admin's password with their API key on the password page, then signs in.</summary>
    private static async Task<IPage> SignInAsync(IBrowserContext context, string adminId, string adminKey)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync("/admin/password");
        await page.GetByLabel("APIキー").FillAsync(adminKey);
        await page.GetByLabel("新しいパスワード（10文字以上）").FillAsync(Password);
        await page.GetByLabel("新しいパスワード（確認）").FillAsync(Password);
        await page.GetByTestId("password-button").ClickAsync();
        await Assertions.Expect(page.GetByTestId("signin-id")).ToHaveTextAsync(adminId);

        await page.GotoAsync("/admin");
        Assert.Contains("/admin/signin", page.Url, StringComparison.Ordinal);
        await page.GetByLabel("サインインID").FillAsync(adminId);
        await page.GetByLabel("パスワード").FillAsync(Password);
        await page.GetByTestId("signin-button").ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("クーポン");
        return page;
    }

    [SkippableFact]
    public async Task An_admin_creates_and_publishes_a_coupon_changes_the_theme_and_the_coupon_page_follows()
    {
        var (_, adminId, adminKey) = await fixture.TenantAsync();
        await using var context = await fixture.PhoneAsync();
        var page = await SignInAsync(context, adminId, adminKey);

        await page.GetByTestId("new-coupon").ClickAsync();
        await page.GetByLabel("タイトル（40文字まで）").FillAsync("冬のホットドリンク");
        await page.GetByLabel("特典（20文字まで）").FillAsync("ｻｲｽﾞｱｯﾌﾟ無料");
        await page.GetByTestId("create-coupon").ClickAsync();
        await page.GetByTestId("publish").ClickAsync();
        await Assertions.Expect(page.GetByTestId("done")).ToHaveTextAsync("公開しました。");
        await page.GetByTestId("generate-codes").ClickAsync();
        await Assertions.Expect(page.GetByTestId("done")).ToContainTextAsync("100件発行しました");
        var couponId = page.Url.Split('/').Last().Split('?')[0];

        await page.GotoAsync("/admin/theme");
        await page.GetByTestId("primaryColor").FillAsync("#ffff00");
        // The preview and its contrast check follow the inputs before anything is saved.
        await Assertions.Expect(page.GetByTestId("button-ratio")).ToHaveClassAsync("ratio low");
        await page.GetByTestId("save-theme").ClickAsync();
        await Assertions.Expect(page.GetByTestId("theme-error")).ToContainTextAsync("コントラスト");
        await page.GetByTestId("primaryColor").FillAsync("#7a1f5c");
        await page.GetByTestId("backgroundColor").FillAsync("#fff8f0");
        await Assertions.Expect(page.GetByTestId("button-ratio")).ToHaveClassAsync("ratio ok");
        await page.ScreenshotAsync(new() { Path = Path.Combine(PageFixture.ScreenshotFolder, "admin-theme.png"), FullPage = true });
        await page.GetByTestId("save-theme").ClickAsync();
        await Assertions.Expect(page.GetByTestId("done")).ToContainTextAsync("保存しました");

        var token = await fixture.TicketAsync(adminKey, couponId, "theme-user");
        var coupon = await context.NewPageAsync();
        await coupon.GotoAsync($"/c/{token}");
        await Assertions.Expect(coupon.GetByTestId("coupon-benefit")).ToHaveTextAsync("ｻｲｽﾞｱｯﾌﾟ無料");
        await Assertions.Expect(coupon.GetByTestId("use-button")).ToHaveCSSAsync("background-color", "rgb(122, 31, 92)");
        await Assertions.Expect(coupon.Locator("body")).ToHaveCSSAsync("background-color", "rgb(255, 248, 240)");
    }

    [SkippableFact]
    public async Task A_csv_downloaded_from_the_admin_screens_holds_the_tenant_s_rows()
    {
        var (_, adminId, adminKey) = await fixture.TenantAsync();
        await fixture.CouponAsync(adminKey, new { title = "ダウンロード確認用", benefit = "=1+2" });
        var (_, _, otherKey) = await fixture.TenantAsync();
        await fixture.CouponAsync(otherKey, new { title = "他の店のクーポン", benefit = "b" });
        await using var context = await fixture.PhoneAsync();
        var page = await SignInAsync(context, adminId, adminKey);
        await page.GotoAsync("/admin/exports");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("download-coupons.csv-utf8").ClickAsync());
        var bytes = await File.ReadAllBytesAsync((await download.PathAsync())!);

        Assert.Equal("coupons.csv", download.SuggestedFilename);
        Assert.True(bytes.AsSpan().StartsWith("\uFEFF"u8));
        var text = Encoding.UTF8.GetString(bytes);
        Assert.Contains("ダウンロード確認用,'=1+2,", text, StringComparison.Ordinal);
        Assert.DoesNotContain("他の店のクーポン", text, StringComparison.Ordinal);

        var sjis = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("download-coupons.csv-sjis").ClickAsync());
        var decoded = SmartECoupon.Validation.Cp932.StrictEncoding.GetString(await File.ReadAllBytesAsync((await sjis.PathAsync())!));
        Assert.Contains("ダウンロード確認用", decoded, StringComparison.Ordinal);
        var zip = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("download-zip").ClickAsync());
        Assert.EndsWith(".zip", zip.SuggestedFilename, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Five_wrong_passwords_pause_that_client_with_one_message_and_staff_cannot_use_the_admin_screens()
    {
        var (_, adminId, adminKey) = await fixture.TenantAsync();
        await using var context = await fixture.PhoneAsync();
        var page = await SignInAsync(context, adminId, adminKey);
        await page.GotoAsync("/admin/members");
        await page.GetByLabel("名前").FillAsync("受付 太郎");
        await page.GetByTestId("add-member").ClickAsync();
        await Assertions.Expect(page.GetByTestId("new-key")).ToContainTextAsync("受付 太郎");
        var staffKey = await page.Locator("[data-testid=new-key] .key").First.TextContentAsync();
        var staffId = await page.Locator("[data-testid=new-key] .key").Nth(1).TextContentAsync();
        await Assertions.Expect(page.GetByTestId("member-list")).ToContainTextAsync("スタッフ");

        await using var stranger = await fixture.PhoneAsync();
        var signIn = await stranger.NewPageAsync();
        await signIn.GotoAsync("/admin/signin");
        for (var i = 0; i < 5; i++)
        {
            await signIn.GetByLabel("サインインID").FillAsync(adminId);
            await signIn.GetByLabel("パスワード").FillAsync("wrong password " + i);
            await signIn.GetByTestId("signin-button").ClickAsync();
        }
        // One message for every failure: it does not say whether the id exists or the client is paused.
        await Assertions.Expect(signIn.GetByTestId("signin-error")).ToContainTextAsync("サインインできませんでした。IDとパスワードをお確かめのうえ");
        await signIn.GetByLabel("サインインID").FillAsync(adminId);
        await signIn.GetByLabel("パスワード").FillAsync(Password);
        await signIn.GetByTestId("signin-button").ClickAsync();
        await Assertions.Expect(signIn.GetByTestId("signin-error")).ToContainTextAsync("サインインできませんでした。IDとパスワードをお確かめのうえ");
        await signIn.GetByLabel("サインインID").FillAsync("mem_00000000000000000000000000");
        await signIn.GetByLabel("パスワード").FillAsync("wrong password");
        await signIn.GetByTestId("signin-button").ClickAsync();
        await Assertions.Expect(signIn.GetByTestId("signin-error")).ToContainTextAsync("サインインできませんでした。IDとパスワードをお確かめのうえ");

        // A staff member with a password is refused by the admin screens.
        await using var staffContext = await fixture.PhoneAsync();
        var staff = await staffContext.NewPageAsync();
        await staff.GotoAsync("/admin/password");
        await staff.GetByLabel("APIキー").FillAsync(staffKey!);
        await staff.GetByLabel("新しいパスワード（10文字以上）").FillAsync(Password);
        await staff.GetByLabel("新しいパスワード（確認）").FillAsync(Password);
        await staff.GetByTestId("password-button").ClickAsync();
        await staff.GotoAsync("/admin/signin");
        await staff.GetByLabel("サインインID").FillAsync(staffId!);
        await staff.GetByLabel("パスワード").FillAsync(Password);
        await staff.GetByTestId("signin-button").ClickAsync();
        await Assertions.Expect(staff.Locator("p.error")).ToContainTextAsync("管理者だけ");

        var audit = await fixture.GetAsync(adminKey, "/api/v1/audit-log?limit=200");
        Assert.Contains(audit.GetProperty("items").EnumerateArray(), e => e.GetProperty("action").GetString() == "member.signed_in" && e.GetProperty("actorId").GetString() == adminId);
    }

    [SkippableFact]
    public async Task The_coupon_page_the_admin_screens_and_the_status_page_have_no_serious_accessibility_violations()
    {
        var (_, adminId, adminKey) = await fixture.TenantAsync();
        var couponId = await fixture.CouponAsync(adminKey, new { title = "アクセシビリティ確認", benefit = "100円引き", description = "説明文" });
        var token = await fixture.TicketAsync(adminKey, couponId, "axe-user");
        await using var context = await fixture.PhoneAsync();
        var anonymous = await context.NewPageAsync();
        var failures = new List<string>();

        async Task CheckAsync(IPage page, string path)
        {
            await page.GotoAsync(path);
            var result = await page.RunAxe();
            failures.AddRange(result.Violations
                .Where(v => v.Impact is "serious" or "critical")
                .Select(v => $"{path}: {v.Id} ({v.Impact}) {v.Help} — {string.Join(" | ", v.Nodes.Select(n => string.Join(",", n.Target)))}"));
        }

        await CheckAsync(anonymous, $"/c/{token}");
        await CheckAsync(anonymous, $"/c/{token}?confirm=true");
        await CheckAsync(anonymous, "/status");
        await CheckAsync(anonymous, "/admin/signin");
        await CheckAsync(anonymous, "/admin/password");
        var admin = await SignInAsync(context, adminId, adminKey);
        foreach (var path in (string[])["/admin", "/admin/coupons/new", $"/admin/coupons/{couponId}", "/admin/theme", "/admin/exports", "/admin/members"])
        {
            await CheckAsync(admin, path);
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [SkippableFact]
    public async Task The_status_page_shows_components_incidents_maintenance_and_availability()
    {
        fixture.SkipUnlessAvailable();
        using (var op = fixture.Api(fixture.OperatorKey))
        {
            (await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(op, "/api/v1/incidents", new { title = "一部店舗で読み取りが遅延", status = "identified" })).EnsureSuccessStatusCode();
        }
        await using var context = await fixture.PhoneAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync("/status");

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "SmartECoupon 稼働状況" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("incident").Filter(new() { HasText = "読み取りが遅延" })).ToContainTextAsync("原因特定");
        await Assertions.Expect(page.GetByTestId("availability-30")).ToContainTextAsync("%");
        await Assertions.Expect(page.GetByTestId("availability-90")).ToContainTextAsync("%");
        await Assertions.Expect(page.Locator("table").First).ToContainTextAsync("データベース");
    }
}
