using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace SmartECoupon.Pages.Tests;

/// <summary>The coupon page on a phone: the use flow, double-use attempts, the states of a coupon, the banner.</summary>
public sealed class CouponPageTests(PageFixture fixture) : IClassFixture<PageFixture>
{
    private static ILocator Test(IPage page, string id) => page.GetByTestId(id);

    [SkippableFact]
    public async Task A_customer_shows_the_page_and_the_staff_confirm_once_however_often_they_try()
    {
        await using var phone = await fixture.PhoneAsync();
        var (_, _, adminKey) = await fixture.TenantAsync();
        var couponId = await fixture.CouponAsync(adminKey, new { title = "秋のドリンクフェア", benefit = "ドリンク1杯無料", description = "ご注文の際にこの画面をお見せください。\n他の割引との併用はできません。", validUntil = "2099-12-31" });
        var page = await phone.NewPageAsync();

        // The distribution link gives this browser a ticket and opens its page; the same browser gets the same ticket.
        await page.GotoAsync($"/p/{couponId}");
        Assert.Matches("/c/[A-Za-z0-9_-]{22}$", page.Url);
        var ticketUrl = page.Url;
        await Assertions.Expect(Test(page, "coupon-title")).ToHaveTextAsync("秋のドリンクフェア");
        await Assertions.Expect(Test(page, "coupon-benefit")).ToHaveTextAsync("ドリンク1杯無料");
        await Assertions.Expect(Test(page, "coupon-status")).ToContainTextAsync("未使用");
        await page.ScreenshotAsync(new() { Path = Path.Combine(PageFixture.ScreenshotFolder, "coupon-unused.png"), FullPage = true });
        var again = await phone.NewPageAsync();
        await again.GotoAsync($"/p/{couponId}");
        Assert.Equal(ticketUrl, again.Url);

        await Test(page, "use-button").ClickAsync();
        await Assertions.Expect(Test(page, "confirm-dialog")).ToBeVisibleAsync();
        await Assertions.Expect(Test(page, "confirm-dialog")).ToContainTextAsync("スタッフ");
        await page.ScreenshotAsync(new() { Path = Path.Combine(PageFixture.ScreenshotFolder, "coupon-confirm.png"), FullPage = true });
        await Test(page, "confirm-use-button").ClickAsync();

        await Assertions.Expect(Test(page, "coupon-status")).ToContainTextAsync("使用済み");
        await Assertions.Expect(Test(page, "coupon-status-detail")).ToContainTextAsync("に使用しました");
        await Assertions.Expect(Test(page, "use-button")).ToHaveCountAsync(0);
        await page.ScreenshotAsync(new() { Path = Path.Combine(PageFixture.ScreenshotFolder, "coupon-used.png"), FullPage = true });

        // A reload shows the page; going back to the confirmation offers nothing to press.
        await page.ReloadAsync();
        await Assertions.Expect(Test(page, "coupon-status")).ToContainTextAsync("使用済み");
        await page.GoBackAsync();
        await Assertions.Expect(Test(page, "confirm-use-button")).ToHaveCountAsync(0);
        await Assertions.Expect(Test(page, "coupon-status")).ToContainTextAsync("使用済み");
        // Even a confirmation page opened before the use cannot use it again.
        await again.GotoAsync(ticketUrl + "?confirm=true");
        await Assertions.Expect(again.GetByTestId("confirm-use-button")).ToHaveCountAsync(0);

        var coupon = await fixture.GetAsync(adminKey, $"/api/v1/coupons/{couponId}");
        Assert.Equal(1, coupon.GetProperty("redeemedCount").GetInt32());
        var redemptions = await fixture.GetAsync(adminKey, "/api/v1/redemptions");
        var use = Assert.Single(redemptions.GetProperty("items").EnumerateArray());
        Assert.Equal(("page", JsonValueKind.Null), (use.GetProperty("channel").GetString(), use.GetProperty("redeemedBy").ValueKind));
    }

    [SkippableFact]
    public async Task Two_phones_confirming_the_same_ticket_at_once_make_one_redemption()
    {
        var (_, _, adminKey) = await fixture.TenantAsync();
        var couponId = await fixture.CouponAsync(adminKey, new { title = "同時確認", benefit = "1回限り" });
        var token = await fixture.TicketAsync(adminKey, couponId, "race-user");
        await using var first = await fixture.PhoneAsync();
        await using var second = await fixture.PhoneAsync();
        var one = await first.NewPageAsync();
        var two = await second.NewPageAsync();
        await one.GotoAsync($"/c/{token}?confirm=true");
        await two.GotoAsync($"/c/{token}?confirm=true");
        await Assertions.Expect(one.GetByTestId("confirm-use-button")).ToBeVisibleAsync();
        await Assertions.Expect(two.GetByTestId("confirm-use-button")).ToBeVisibleAsync();

        await Task.WhenAll(one.GetByTestId("confirm-use-button").ClickAsync(), two.GetByTestId("confirm-use-button").ClickAsync());

        await Assertions.Expect(one.GetByTestId("coupon-status")).ToContainTextAsync("使用済み");
        await Assertions.Expect(two.GetByTestId("coupon-status")).ToContainTextAsync("使用済み");
        Assert.Equal(1, (await fixture.GetAsync(adminKey, $"/api/v1/coupons/{couponId}")).GetProperty("redeemedCount").GetInt32());
        Assert.Single((await fixture.GetAsync(adminKey, "/api/v1/redemptions")).GetProperty("items").EnumerateArray());
    }

    [SkippableTheory]
    [InlineData("not-yet-valid", "まだ利用期間前")]
    [InlineData("expired", "有効期限が切れています")]
    [InlineData("paused", "現在ご利用いただけません")]
    [InlineData("exhausted", "利用上限に達しました")]
    public async Task A_coupon_that_cannot_be_used_says_why_and_offers_no_button(string state, string message)
    {
        var (_, _, adminKey) = await fixture.TenantAsync();
        var coupon = state switch
        {
            "not-yet-valid" => new { title = "来年のクーポン", benefit = "10%引き", validFrom = "2099-01-01", totalLimit = (int?)null },
            "expired" => new { title = "去年のクーポン", benefit = "10%引き", validFrom = "2020-01-01", totalLimit = (int?)null },
            _ => new { title = "限定クーポン", benefit = "10%引き", validFrom = "2020-01-01", totalLimit = (int?)1 },
        };
        var couponId = await fixture.CouponAsync(adminKey, state == "expired" ? new { coupon.title, coupon.benefit, validUntil = "2020-12-31" } : coupon);
        var token = await fixture.TicketAsync(adminKey, couponId, "state-user");
        using var admin = fixture.Api(adminKey);
        if (state == "paused")
        {
            (await admin.PostAsync(new Uri($"/api/v1/coupons/{couponId}/pause", UriKind.Relative), null)).EnsureSuccessStatusCode();
        }
        if (state == "exhausted")
        {
            var other = await fixture.TicketAsync(adminKey, couponId, "someone-else");
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/v1/redemptions", UriKind.Relative)) { Content = JsonContent.Create(new { ticketToken = other }) };
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
            (await admin.SendAsync(request)).EnsureSuccessStatusCode();
        }
        await using var phone = await fixture.PhoneAsync();
        var page = await phone.NewPageAsync();

        await page.GotoAsync($"/c/{token}");

        await Assertions.Expect(Test(page, "coupon-status")).ToContainTextAsync("ご利用いただけません");
        await Assertions.Expect(Test(page, "coupon-status-detail")).ToContainTextAsync(message);
        await Assertions.Expect(Test(page, "use-button")).ToHaveCountAsync(0);
        await page.GotoAsync($"/c/{token}?confirm=true");
        await Assertions.Expect(Test(page, "confirm-use-button")).ToHaveCountAsync(0);
    }

    [SkippableFact]
    public async Task Maintenance_starting_within_seven_days_shows_as_a_banner_and_an_unknown_page_is_404()
    {
        var (_, _, adminKey) = await fixture.TenantAsync();
        var couponId = await fixture.CouponAsync(adminKey, new { title = "お知らせ確認", benefit = "b" });
        var token = await fixture.TicketAsync(adminKey, couponId, "banner-user");
        using (var op = fixture.Api(fixture.OperatorKey))
        {
            var startsAt = DateTimeOffset.UtcNow.AddHours(3);
            (await op.PostAsJsonAsync("/api/v1/maintenance", new { title = "サーバー更新", startsAt, endsAt = startsAt.AddHours(1), emergency = true, reason = "セキュリティ修正" })).EnsureSuccessStatusCode();
        }
        await using var phone = await fixture.PhoneAsync();
        var page = await phone.NewPageAsync();

        await page.GotoAsync($"/c/{token}");

        var banner = Test(page, "maintenance-banner").Filter(new() { HasText = "サーバー更新" });
        await Assertions.Expect(banner).ToContainTextAsync("緊急メンテナンス");
        await Assertions.Expect(banner).ToContainTextAsync("セキュリティ修正");
        var missing = await page.GotoAsync("/c/AAAAAAAAAAAAAAAAAAAAAA");
        Assert.Equal(404, missing!.Status);
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("クーポンが見つかりません");
    }
}
