using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using SmartECoupon.Tenancy;
using SmartECoupon.Tests;

namespace SmartECoupon.WebHost.Tests;

/// <summary>
/// What is counted per client address, on the host binary over real Kestrel, with clients connecting from different
/// loopback addresses (127.0.0.2, 127.0.0.3, …): failed sign-ins slow the client, not the member; failed API keys and
/// tickets minted without a visitor cookie are limited per address; every 429 says when to come back.
/// </summary>
public sealed partial class ClientThrottleTests : IAsyncLifetime
{
    private const string Password = "correct horse battery";
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "smartecoupon-throttle-tests", Guid.NewGuid().ToString("N"));
    private readonly string _operatorKey = ApiKeys.Issue(null).Key;
    private HostProcess? _host;

    private HostProcess Host => _host!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        _host = await HostProcess.StartAsync(_folder, new Dictionary<string, string>
        {
            ["SmartECoupon__Bootstrap__OperatorApiKey"] = _operatorKey,
            ["ConnectionStrings__SmartECoupon"] = $"Data Source={Path.Combine(_folder, "smartecoupon.db")}",
            ["SmartECoupon__Backups__Folder"] = Path.Combine(_folder, "backups"),
            ["SmartECoupon__Uploads__Folder"] = Path.Combine(_folder, "uploads"),
            ["Host__Mail__PickupFolder"] = Path.Combine(_folder, "mail"),
        });
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>A client whose connections come from <paramref name="source"/>, a loopback address of its own.</summary>
    private HttpClient From(string source, string? apiKey = null, bool cookies = true)
    {
        var handler = new SocketsHttpHandler
        {
            UseCookies = cookies,
            AllowAutoRedirect = false,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    socket.Bind(new IPEndPoint(IPAddress.Parse(source), 0));
                    await socket.ConnectAsync(IPAddress.Parse(context.DnsEndPoint.Host), context.DnsEndPoint.Port, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        var client = new HttpClient(handler) { BaseAddress = Host.Address, Timeout = TimeSpan.FromSeconds(30) };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", apiKey);
        }
        return client;
    }

    private async Task<(string AdminId, string AdminKey)> TenantAsync()
    {
        using var op = Host.Client(_operatorKey);
        var created = await (await op.PostAsJsonAsync("/api/v1/tenants", new { name = "スロットル店", plan = "premium", adminName = "管理者" })).Content.ReadFromJsonAsync<JsonElement>();
        var admin = created.GetProperty("admin");
        return (admin.GetProperty("memberId").GetString()!, admin.GetProperty("apiKey").GetString()!);
    }

    /// <summary>Posts a form of the admin screens as a browser would: with the anti-forgery token of the page.</summary>
    private static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string path, Dictionary<string, string> fields)
    {
        var page = await client.GetStringAsync(new Uri(path, UriKind.Relative));
        fields["__RequestVerificationToken"] = AntiForgeryToken().Match(page).Groups[1].Value;
        return await client.PostAsync(new Uri(path, UriKind.Relative), new FormUrlEncodedContent(fields));
    }

    private static async Task<(HttpStatusCode Status, string Body, TimeSpan Took)> SignInAsync(HttpClient client, string memberId, string password)
    {
        var page = await client.GetStringAsync(new Uri("/admin/signin", UriKind.Relative));
        var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["memberId"] = memberId,
            ["password"] = password,
            ["__RequestVerificationToken"] = AntiForgeryToken().Match(page).Groups[1].Value,
        });
        var clock = Stopwatch.StartNew();
        using var response = await client.PostAsync(new Uri("/admin/signin", UriKind.Relative), form);
        var took = clock.Elapsed;
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), took);
    }

    private static string? ErrorOf(string html) => SignInError().Match(html) is { Success: true } match ? WebUtility.HtmlDecode(match.Groups[1].Value).Trim() : null;

    [Fact]
    public async Task A_client_failing_fifty_times_does_not_stop_the_right_password_from_another_and_every_failure_looks_alike()
    {
        var (adminId, adminKey) = await TenantAsync();
        using (var setter = From("127.0.0.1"))
        {
            using var set = await PostFormAsync(setter, "/admin/password", new() { ["apiKey"] = adminKey, ["password"] = Password, ["confirm"] = Password });
            Assert.Contains(adminId, await set.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var attacker = From("127.0.0.2");
        var answers = new List<(HttpStatusCode Status, string? Error, TimeSpan Took)>();
        for (var i = 0; i < 50; i++)
        {
            var (status, body, took) = await SignInAsync(attacker, adminId, "wrong password " + i);
            answers.Add((status, ErrorOf(body), took));
        }
        var unknown = await SignInAsync(attacker, "mem_00000000000000000000000000", "wrong password");
        var rightButPaused = await SignInAsync(attacker, adminId, Password);

        // One message for every failure: wrong password, paused client, unknown id, even the right password while paused.
        var message = answers[0].Error;
        Assert.False(string.IsNullOrEmpty(message));
        Assert.All(answers, a => Assert.Equal((HttpStatusCode.OK, message), (a.Status, a.Error)));
        Assert.Equal(message, ErrorOf(unknown.Body));
        Assert.Equal(message, ErrorOf(rightButPaused.Body));
        Assert.DoesNotContain("まで", message, StringComparison.Ordinal);

        // The paused answers take as long as the wrong passwords did: the hash is checked in every case.
        var wrong = Median(answers.Take(5).Select(a => a.Took));
        var paused = Median(answers.Skip(5).Select(a => a.Took));
        Assert.True(paused >= wrong * 0.5, $"paused answers took {paused.TotalMilliseconds:F0} ms, wrong passwords {wrong.TotalMilliseconds:F0} ms");

        // The administrator, from another address, signs in at once.
        using var owner = From("127.0.0.3");
        var signedIn = await SignInAsync(owner, adminId, Password);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.Status);
        using var admin = await owner.GetAsync(new Uri("/admin", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
    }

    [Fact]
    public async Task Failed_api_keys_are_limited_per_client_address_with_retry_after()
    {
        var (_, adminKey) = await TenantAsync();
        var fake = ApiKeys.Issue(adminKey.Split('.')[1]).Key; // well formed, naming a real tenant: costs look-ups
        using var guesser = From("127.0.0.4", fake);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 30; i++)
        {
            using var response = await guesser.GetAsync(new Uri("/api/v1/stores", UriKind.Relative));
            statuses.Add(response.StatusCode);
        }
        using var refused = await guesser.GetAsync(new Uri("/api/v1/stores", UriKind.Relative));
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("too_many_attempts", problem.GetProperty("code").GetString());
        Assert.InRange(refused.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 60);

        // Another address is not affected: its bad key is a 401, its good key works.
        using var other = From("127.0.0.5", fake);
        Assert.Equal(HttpStatusCode.Unauthorized, (await other.GetAsync(new Uri("/api/v1/stores", UriKind.Relative))).StatusCode);
        using var good = From("127.0.0.5", adminKey);
        Assert.Equal(HttpStatusCode.OK, (await good.GetAsync(new Uri("/api/v1/stores", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task The_distribution_link_limits_new_visitors_per_coupon_and_address_and_a_returning_visitor_gets_through()
    {
        var (_, adminKey) = await TenantAsync();
        using var admin = Host.Client(adminKey);
        var coupon = (await (await admin.PostAsJsonAsync("/api/v1/coupons", new { title = "配布", benefit = "b" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync(new Uri($"/api/v1/coupons/{coupon}/publish", UriKind.Relative), null)).StatusCode);
        var link = new Uri($"/p/{coupon}", UriKind.Relative);

        // A script without cookies: every visit would mint a ticket.
        using var script = From("127.0.0.6", cookies: false);
        var statuses = new List<HttpStatusCode>();
        string? visitorCookie = null;
        for (var i = 0; i < 20; i++)
        {
            using var response = await script.GetAsync(link);
            statuses.Add(response.StatusCode);
            visitorCookie ??= response.Headers.GetValues("Set-Cookie").First().Split(';')[0];
        }
        using var refused = await script.GetAsync(link);

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Redirect, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        Assert.Contains("アクセスが集中しています", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // A browser that comes back with its cookie gets its ticket again; another address mints as usual.
        using var returning = new HttpRequestMessage(HttpMethod.Get, link);
        returning.Headers.Add("Cookie", visitorCookie);
        Assert.Equal(HttpStatusCode.Redirect, (await script.SendAsync(returning)).StatusCode);
        using var neighbour = From("127.0.0.7", cookies: false);
        Assert.Equal(HttpStatusCode.Redirect, (await neighbour.GetAsync(link)).StatusCode);
    }

    [Fact]
    public async Task The_pages_limiter_s_429_says_when_to_come_back()
    {
        using var hammer = From("127.0.0.8");
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 200 && refused is null; i++)
        {
            var response = await hammer.GetAsync(new Uri("/status", UriKind.Relative));
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                refused = response;
            }
            else
            {
                response.Dispose();
            }
        }

        Assert.NotNull(refused);
        Assert.InRange(refused!.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 60);
        refused.Dispose();
    }

    private static TimeSpan Median(IEnumerable<TimeSpan> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiForgeryToken();

    [GeneratedRegex("data-testid=\"signin-error\"[^>]*>([^<]*)<")]
    private static partial Regex SignInError();
}
