using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using SmartECoupon.Tenancy;
using SmartECoupon.Tests;

namespace SmartECoupon.Pages.Tests;

/// <summary>
/// One host process (real Kestrel, SQLite) and one headless Chromium (Debian's <c>/usr/bin/chromium</c>, driven by
/// Playwright; its own browser download is not reachable here) for the page tests. Without Chromium the tests are
/// skipped with a message, except under <c>CI=true</c>, where they fail.
/// </summary>
public sealed class PageFixture : IAsyncLifetime
{
    public const string Chromium = "/usr/bin/chromium";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "smartecoupon-page-tests", Guid.NewGuid().ToString("N"));
    private IPlaywright? _playwright;

    public string OperatorKey { get; } = ApiKeys.Issue(null).Key;

    public HostProcess? Host { get; private set; }

    public IBrowser? Browser { get; private set; }

    /// <summary>Where the screenshots for the docs go.</summary>
    public static string ScreenshotFolder => Path.Combine(RepositoryRoot.Find(), "docs", "images");

    public async Task InitializeAsync()
    {
        if (!File.Exists(Chromium))
        {
            return;
        }
        Directory.CreateDirectory(_folder);
        Host = await HostProcess.StartAsync(_folder, new Dictionary<string, string>
        {
            ["SmartECoupon__Bootstrap__OperatorApiKey"] = OperatorKey,
            ["ConnectionStrings__SmartECoupon"] = $"Data Source={Path.Combine(_folder, "smartecoupon.db")}",
            ["SmartECoupon__Backups__Folder"] = Path.Combine(_folder, "backups"),
            ["SmartECoupon__Uploads__Folder"] = Path.Combine(_folder, "uploads"),
            ["Host__Mail__PickupFolder"] = Path.Combine(_folder, "mail"),
        });
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
        });
    }

    public void SkipUnlessAvailable()
    {
        if (Browser is not null)
        {
            return;
        }
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"CI=true but {Chromium} is missing: .ci/run installs Debian's chromium.");
        }
        throw new SkipException($"Page tests skipped: {Chromium} is missing (apt-get install chromium fonts-ipafont-gothic; ./test.sh does it).");
    }

    /// <summary>A browser context like a phone: 360 × 740, Japanese, in Tokyo.</summary>
    public async Task<IBrowserContext> PhoneAsync()
    {
        SkipUnlessAvailable();
        return await Browser!.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 360, Height = 740 },
            Locale = "ja-JP",
            TimezoneId = "Asia/Tokyo",
            BaseURL = Host!.Address.ToString(),
            AcceptDownloads = true,
        });
    }

    public HttpClient Api(string? key) => Host!.Client(key);

    /// <summary>A premium tenant made through the API: its id, its first admin's id and key.</summary>
    public async Task<(string TenantId, string AdminId, string AdminKey)> TenantAsync()
    {
        using var op = Api(OperatorKey);
        var created = await (await op.PostAsJsonAsync("/api/v1/tenants", new { name = "さくらカフェ 渋谷店", plan = "premium", adminName = "山田 花子" })).Content.ReadFromJsonAsync<JsonElement>();
        var admin = created.GetProperty("admin");
        return (created.GetProperty("id").GetString()!, admin.GetProperty("memberId").GetString()!, admin.GetProperty("apiKey").GetString()!);
    }

    /// <summary>A coupon created (and by default published) through the API.</summary>
    public async Task<string> CouponAsync(string adminKey, object coupon, bool publish = true)
    {
        using var admin = Api(adminKey);
        var created = await (await admin.PostAsJsonAsync("/api/v1/coupons", coupon)).Content.ReadFromJsonAsync<JsonElement>();
        var id = created.GetProperty("id").GetString()!;
        if (publish)
        {
            (await admin.PostAsync(new Uri($"/api/v1/coupons/{id}/publish", UriKind.Relative), null)).EnsureSuccessStatusCode();
        }
        return id;
    }

    /// <summary>A ticket's page token, issued through the API.</summary>
    public async Task<string> TicketAsync(string adminKey, string couponId, string userKey)
    {
        using var admin = Api(adminKey);
        var ticket = await (await admin.PostAsJsonAsync($"/api/v1/coupons/{couponId}/tickets", new { userKey })).Content.ReadFromJsonAsync<JsonElement>();
        return ticket.GetProperty("token").GetString()!;
    }

    public async Task<JsonElement> GetAsync(string key, string path)
    {
        using var client = Api(key);
        return await client.GetFromJsonAsync<JsonElement>(path);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        _playwright?.Dispose();
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Gone already, or held by a closing process: a temporary folder.
        }
    }
}
