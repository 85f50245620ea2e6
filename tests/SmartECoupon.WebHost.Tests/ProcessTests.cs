using SmartECoupon.Tests;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using SmartECoupon.Tenancy;

namespace SmartECoupon.WebHost.Tests;

/// <summary>
/// The host binary in processes of its own: killed in the middle of a burst and restarted, and two instances on one
/// PostgreSQL database.
/// </summary>
public sealed class ProcessTests : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "smartecoupon-process-tests", Guid.NewGuid().ToString("N"));
    private readonly string _operatorKey = ApiKeys.Issue(null).Key;
    private readonly List<string> _databases = [];

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (_databases.Count > 0)
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(Environment.GetEnvironmentVariable("SMARTECOUPON_TEST_POSTGRES"));
            await admin.OpenAsync();
            foreach (var database in _databases)
            {
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {database} WITH (FORCE)", admin);
                await drop.ExecuteNonQueryAsync();
            }
        }
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task<Dictionary<string, string>> SettingsAsync(string provider)
    {
        var settings = new Dictionary<string, string>
        {
            ["SmartECoupon__Bootstrap__OperatorApiKey"] = _operatorKey,
            ["SmartECoupon__Backups__Folder"] = Path.Combine(_folder, "backups"),
            ["SmartECoupon__Uploads__Folder"] = Path.Combine(_folder, "uploads"),
            // A request cut off by the crash holds its key this long before a retry may take it over.
            ["SmartECoupon__Idempotency__InFlightLease"] = "00:00:02",
            ["Host__Mail__PickupFolder"] = Path.Combine(_folder, "mail"),
        };
        if (provider == "Sqlite")
        {
            settings["ConnectionStrings__SmartECoupon"] = $"Data Source={Path.Combine(_folder, "smartecoupon.db")}";
            return settings;
        }
        PostgreSqlHostFactory.SkipUnlessConfigured();
        var admin = Environment.GetEnvironmentVariable("SMARTECOUPON_TEST_POSTGRES")!;
        var database = "secproc_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {database}", connection);
            await create.ExecuteNonQueryAsync();
        }
        _databases.Add(database);
        settings["SmartECoupon__Storage__Provider"] = "PostgreSql";
        settings["ConnectionStrings__SmartECoupon"] = new NpgsqlConnectionStringBuilder(admin) { Database = database }.ToString();
        return settings;
    }

    private static async Task<(string AdminKey, string CouponId)> TenantWithCouponAsync(HostProcess host, string operatorKey, int? totalLimit)
    {
        using var op = host.Client(operatorKey);
        var tenant = await (await op.PostAsJsonAsync("/api/v1/tenants", new { name = "crash test", plan = "premium", adminName = "admin" })).Content.ReadFromJsonAsync<JsonElement>();
        var adminKey = tenant.GetProperty("admin").GetProperty("apiKey").GetString()!;
        using var admin = host.Client(adminKey);
        var coupon = await (await admin.PostAsJsonAsync("/api/v1/coupons", new { title = "t", benefit = "b", totalLimit, perUserLimit = 1 })).Content.ReadFromJsonAsync<JsonElement>();
        var id = coupon.GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync(new Uri($"/api/v1/coupons/{id}/publish", UriKind.Relative), null)).StatusCode);
        return (adminKey, id);
    }

    private static async Task<List<string>> TicketsAsync(HttpClient admin, string couponId, int count)
    {
        var tokens = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var ticket = await (await admin.PostAsJsonAsync($"/api/v1/coupons/{couponId}/tickets", new { userKey = $"user-{i}" })).Content.ReadFromJsonAsync<JsonElement>();
            tokens.Add(ticket.GetProperty("token").GetString()!);
        }
        return tokens;
    }

    private static async Task<(HttpStatusCode? Status, string? Id)> RedeemAsync(HttpClient client, string token, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/v1/redemptions", UriKind.Relative)) { Content = JsonContent.Create(new { ticketToken = token }) };
        request.Headers.Add("Idempotency-Key", key);
        try
        {
            using var response = await client.SendAsync(request);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            return (response.StatusCode, response.StatusCode == HttpStatusCode.Created ? body.GetProperty("id").GetString() : body.GetProperty("code").GetString());
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            return (null, null); // the process died under the request
        }
    }

    [SkippableTheory]
    [InlineData("Sqlite")]
    [InlineData("PostgreSql")]
    public async Task A_host_killed_during_a_burst_loses_and_doubles_nothing_when_the_requests_are_replayed(string provider)
    {
        var settings = await SettingsAsync(provider);
        string adminKey, couponId;
        List<string> tokens;
        (HttpStatusCode? Status, string? Id)[] first;
        await using (var host = await HostProcess.StartAsync(_folder, settings))
        {
            (adminKey, couponId) = await TenantWithCouponAsync(host, _operatorKey, totalLimit: null);
            using var admin = host.Client(adminKey);
            tokens = await TicketsAsync(admin, couponId, 150);
            var burst = tokens.Select((token, i) => RedeemAsync(admin, token, $"crash-{i}")).ToList();
            await Task.Delay(150);
            host.Kill();
            first = await Task.WhenAll(burst);
        }
        Assert.True(first.Any(r => r.Status is null), "The kill should cut off some requests.");

        await using (var restarted = await HostProcess.StartAsync(_folder, settings))
        {
            using var admin = restarted.Client(adminKey);
            var replayed = new (HttpStatusCode? Status, string? Id)[tokens.Count];
            for (var i = 0; i < tokens.Count; i++)
            {
                // A key left in flight by the crash answers 409 until its lease ends; a client retries it.
                for (var attempt = 0; attempt < 40; attempt++)
                {
                    replayed[i] = await RedeemAsync(admin, tokens[i], $"crash-{i}");
                    if (replayed[i].Id != "idempotency_key_in_flight")
                    {
                        break;
                    }
                    await Task.Delay(250);
                }
            }

            Assert.All(replayed, r => Assert.Equal(HttpStatusCode.Created, r.Status));
            for (var i = 0; i < tokens.Count; i++)
            {
                if (first[i].Status == HttpStatusCode.Created)
                {
                    Assert.Equal(first[i].Id, replayed[i].Id); // answered before the crash: the same redemption, not a second
                }
            }
            Assert.Equal(tokens.Count, replayed.Select(r => r.Id).Distinct().Count());
            var coupon = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/coupons/{couponId}");
            Assert.Equal(tokens.Count, coupon.GetProperty("redeemedCount").GetInt32());
            var csv = await admin.GetStringAsync(new Uri("/api/v1/exports/redemptions.csv", UriKind.Relative));
            Assert.Equal(tokens.Count, csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length - 1);
        }
    }

    [SkippableFact]
    public async Task Two_instances_on_one_postgresql_hold_the_limits_together_and_take_one_daily_backup()
    {
        var settings = await SettingsAsync("PostgreSql");
        settings["Host__SchedulerInterval"] = "00:00:01";
        settings["SmartECoupon__Backups__DailyAt"] = "00:00";
        settings["SmartECoupon__Backups__TimeZoneId"] = "UTC";
        await using var first = await HostProcess.StartAsync(_folder, settings);
        await using var second = await HostProcess.StartAsync(_folder, settings);

        var (adminKey, couponId) = await TenantWithCouponAsync(first, _operatorKey, totalLimit: 50);
        using var adminOne = first.Client(adminKey);
        using var adminTwo = second.Client(adminKey);
        var tokens = await TicketsAsync(adminOne, couponId, 300);
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var answers = tokens.Select(async (token, i) =>
        {
            await start.Task;
            return await RedeemAsync(i % 2 == 0 ? adminOne : adminTwo, token, $"two-{i}");
        }).ToList();
        start.SetResult();
        var results = await Task.WhenAll(answers);

        Assert.Equal(50, results.Count(r => r.Status == HttpStatusCode.Created));
        Assert.Equal(250, results.Count(r => r.Id == "total_limit_reached"));
        Assert.Equal(50, (await adminTwo.GetFromJsonAsync<JsonElement>($"/api/v1/coupons/{couponId}")).GetProperty("redeemedCount").GetInt32());

        // Both instances look every second whether the daily backup is due: one of them takes it, once.
        using var op = first.Client(_operatorKey);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        JsonElement backups;
        do
        {
            await Task.Delay(500);
            backups = (await op.GetFromJsonAsync<JsonElement>("/api/v1/ops/backups")).GetProperty("items");
        }
        while (backups.GetArrayLength() == 0 && waited.Elapsed < TimeSpan.FromSeconds(60));
        await Task.Delay(3000);
        Assert.Equal(1, (await op.GetFromJsonAsync<JsonElement>("/api/v1/ops/backups")).GetProperty("items").GetArrayLength());
    }

    /// <summary>Runs a command of the host binary (<c>restore</c>, <c>probe</c>) to its end.</summary>
    private async Task<(int ExitCode, string Output)> RunCommandAsync(IReadOnlyDictionary<string, string> settings, params string[] arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { WorkingDirectory = _folder, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(HostProcess.HostAssembly());
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.ArgumentList.Add("--contentRoot");
        start.ArgumentList.Add(_folder);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await errors);
    }

    [SkippableTheory]
    [InlineData("Sqlite")]
    [InlineData("PostgreSql")]
    public async Task The_restore_command_brings_back_a_backup_and_checks_it(string provider)
    {
        var settings = await SettingsAsync(provider);
        string adminKey, couponId, backupId;
        await using (var host = await HostProcess.StartAsync(_folder, settings))
        {
            (adminKey, couponId) = await TenantWithCouponAsync(host, _operatorKey, totalLimit: null);
            using var op = host.Client(_operatorKey);
            var backup = await (await op.PostAsync(new Uri("/api/v1/ops/backups", UriKind.Relative), null)).Content.ReadFromJsonAsync<JsonElement>();
            backupId = backup.GetProperty("id").GetString()!;
            using var admin = host.Client(adminKey);
            Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync(new Uri($"/api/v1/coupons/{couponId}/pause", UriKind.Relative), null)).StatusCode);
        }

        var (exitCode, output) = await RunCommandAsync(settings, "restore", backupId);
        Assert.True(exitCode == 0, output);
        Assert.Contains("Integrity: ok", output, StringComparison.Ordinal);
        Assert.Contains("Row counts: match", output, StringComparison.Ordinal);

        await using (var restarted = await HostProcess.StartAsync(_folder, settings))
        {
            using var admin = restarted.Client(adminKey);
            var coupon = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/coupons/{couponId}");
            Assert.Equal("published", coupon.GetProperty("status").GetString()); // as it was at the backup, before the pause
        }
        Assert.Equal(1, (await RunCommandAsync(settings, "restore", "bak_00000000000000000000000000")).ExitCode);
    }

    [SkippableFact]
    public async Task A_lost_operator_key_is_replaced_by_the_create_operator_command()
    {
        // The configured key is "lost": the host starts without it, and the command makes a new operator.
        var settings = await SettingsAsync("Sqlite");
        settings.Remove("SmartECoupon__Bootstrap__OperatorApiKey");
        await using (await HostProcess.StartAsync(_folder, settings))
        {
        }

        var (exitCode, output) = await RunCommandAsync(settings, "create-operator", "--name", "復旧用オペレーター");
        Assert.True(exitCode == 0, output);
        var key = output.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("sek.op.", StringComparison.Ordinal));
        Assert.Equal(2, (await RunCommandAsync(settings, "create-operator")).ExitCode);

        await using var host = await HostProcess.StartAsync(_folder, settings);
        using var op = host.Client(key);
        Assert.Equal(HttpStatusCode.OK, (await op.GetAsync(new Uri("/api/v1/tenants", UriKind.Relative))).StatusCode);
        var another = await op.PostAsJsonAsync("/api/v1/operators", new { displayName = "二人目" });
        Assert.Equal(HttpStatusCode.Created, another.StatusCode);
        Assert.DoesNotContain(key, host.Output, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task The_probe_command_records_an_outage_of_an_instance_that_does_not_answer()
    {
        var settings = await SettingsAsync("Sqlite");
        await using var host = await HostProcess.StartAsync(_folder, settings);
        using (var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            var deadPort = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            var (exitCode, output) = await RunCommandAsync(settings, "probe", "--target", $"http://127.0.0.1:{deadPort}", "--interval", "1", "--rounds", "2");
            Assert.True(exitCode == 0, output);
            Assert.Contains("DOWN", output, StringComparison.Ordinal);
        }
        var (upExit, upOutput) = await RunCommandAsync(settings, "probe", "--target", host.Address.ToString(), "--interval", "1", "--rounds", "1");
        Assert.True(upExit == 0 && upOutput.Contains(" up", StringComparison.Ordinal), upOutput);

        using var op = host.Client(_operatorKey);
        var report = await op.GetFromJsonAsync<JsonElement>("/api/v1/ops/availability");
        Assert.Equal(1, report.GetProperty("outagesIgnored").GetInt32()); // seconds long: recorded, under the 5-minute rule
    }
}

/// <summary>
/// The log of a real run holds no ticket token, code or key it handled: with the log levels turned up to Information
/// for ASP.NET Core (as when appsettings.json was not found), and with the host started from another folder.
/// </summary>
public sealed class LogRedactionTests : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "smartecoupon-log-tests", Guid.NewGuid().ToString("N"));
    private readonly string _operatorKey = ApiKeys.Issue(null).Key;

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
        return Task.CompletedTask;
    }

    private Dictionary<string, string> Settings() => new()
    {
        ["SmartECoupon__Bootstrap__OperatorApiKey"] = _operatorKey,
        ["ConnectionStrings__SmartECoupon"] = $"Data Source={Path.Combine(_folder, "smartecoupon.db")}",
        ["SmartECoupon__Backups__Folder"] = Path.Combine(_folder, "backups"),
        ["SmartECoupon__Uploads__Folder"] = Path.Combine(_folder, "uploads"),
        ["Host__Mail__PickupFolder"] = Path.Combine(_folder, "mail"),
        // What the review found: every category at Information, the hosting diagnostics asked for by name, per provider too.
        ["Logging__LogLevel__Default"] = "Information",
        ["Logging__LogLevel__Microsoft.AspNetCore"] = "Information",
        ["Logging__LogLevel__Microsoft.AspNetCore.Hosting.Diagnostics"] = "Trace",
        ["Logging__Console__LogLevel__Microsoft.AspNetCore.Hosting.Diagnostics"] = "Trace",
    };

    [Fact]
    public async Task No_token_code_or_key_of_a_run_reaches_its_log()
    {
        var secrets = new List<string> { _operatorKey };
        await using (var host = await HostProcess.StartAsync(_folder, Settings()))
        {
            using var op = host.Client(_operatorKey);
            var tenant = await (await op.PostAsJsonAsync("/api/v1/tenants", new { name = "ログ店", plan = "premium", adminName = "管理者" })).Content.ReadFromJsonAsync<JsonElement>();
            var adminKey = tenant.GetProperty("admin").GetProperty("apiKey").GetString()!;
            secrets.Add(adminKey);
            using var admin = host.Client(adminKey);
            var coupon = (await (await admin.PostAsJsonAsync("/api/v1/coupons", new { title = "t", benefit = "b", sharedCode = "LOGSECRET7", perUserLimit = 5 })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
            secrets.Add("LOGSECRET7");
            await admin.PostAsync(new Uri($"/api/v1/coupons/{coupon}/publish", UriKind.Relative), null);
            var ticket = await (await admin.PostAsJsonAsync($"/api/v1/coupons/{coupon}/tickets", new { userKey = "log-user" })).Content.ReadFromJsonAsync<JsonElement>();
            var token = ticket.GetProperty("token").GetString()!;
            var ticketCode = ticket.GetProperty("code").GetString()!;
            secrets.AddRange([token, ticketCode]);
            await admin.PostAsJsonAsync($"/api/v1/coupons/{coupon}/codes", new { count = 1 });
            await Task.Delay(1500); // the code job
            var oneTime = (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/coupons/{coupon}/codes")).GetProperty("items")[0].GetProperty("code").GetString()!;
            secrets.Add(oneTime);

            using var anonymous = new HttpClient { BaseAddress = host.Address };
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(new Uri("/c/" + token, UriKind.Relative))).StatusCode);
            await anonymous.GetAsync(new Uri("/c/" + token + "/qr.svg", UriKind.Relative));
            await anonymous.GetAsync(new Uri("/c/not-a-token-" + token[..4], UriKind.Relative));
            foreach (var body in new object[] { new { ticketToken = token }, new { code = oneTime }, new { code = "LOGSECRET7", userKey = "u2" }, new { code = ticketCode } })
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/v1/redemptions/validate", UriKind.Relative)) { Content = JsonContent.Create(body) };
                await admin.SendAsync(request);
            }
            using var bad = new HttpClient { BaseAddress = host.Address };
            bad.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", adminKey + "x");
            await bad.GetAsync(new Uri("/api/v1/stores", UriKind.Relative));

            await Task.Delay(500);
            var log = host.Output;
            Assert.Contains("Now listening", log, StringComparison.Ordinal); // the log is there, at Information
            foreach (var secret in secrets)
            {
                Assert.False(log.Contains(secret, StringComparison.Ordinal), $"The log holds '{secret}':\n{log}");
            }
        }
    }

    [Fact]
    public async Task Started_from_another_folder_the_host_reads_its_own_settings()
    {
        var settings = Settings();
        foreach (var key in settings.Keys.Where(k => k.StartsWith("Logging__", StringComparison.Ordinal)).ToList())
        {
            settings.Remove(key);
        }
        await using var host = await HostProcess.StartAsync(_folder, settings, contentRootIsWorkFolder: false);

        using var op = host.Client(_operatorKey);
        Assert.Equal(HttpStatusCode.OK, (await op.GetAsync(new Uri("/api/v1/tenants", UriKind.Relative))).StatusCode);
        await Task.Delay(300);

        // The content root is the binary's folder (where appsettings.json is), not the working folder the host ran in,
        // so the settings' log levels hold: EF Core's commands (Information without them) are not logged.
        Assert.Contains("Content root path: " + Path.GetDirectoryName(HostProcess.HostAssembly()), host.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Executed DbCommand", host.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Request starting", host.Output, StringComparison.Ordinal);
    }
}
