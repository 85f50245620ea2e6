using System.Globalization;
using SmartECoupon.Operations;
using SmartECoupon.Retention;
using SmartECoupon.Tenancy;

namespace SmartECoupon.WebHost.Operations;

/// <summary>The host's command line for operators: <c>restore</c> and <c>probe</c> (<c>migrate</c> is in <see cref="HostSetup"/>).</summary>
internal static class HostCommands
{
    /// <summary>
    /// <c>restore &lt;backupId&gt;</c>: verifies the backup's checksum, replaces the database, checks its integrity and row
    /// counts, and re-applies every purge recorded since the backup. Run it with the host stopped. Exit code 0 when the
    /// restore checks out, 1 otherwise.
    /// </summary>
    public static async Task<int> RestoreAsync(IServiceProvider services, string backupId)
    {
        try
        {
            var report = await services.GetRequiredService<BackupService>().RestoreAsync(backupId);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Restored {report.Manifest.Id} (taken {report.Manifest.CreatedAt:O}) in {report.Elapsed.TotalSeconds:F1} s."));
            Console.WriteLine($"Integrity: {(report.IntegrityOk ? "ok" : "FAILED")} ({report.IntegrityDetail})");
            Console.WriteLine($"Row counts: {(report.RowCountsMatch ? "match the backup's manifest" : "DIFFER from the backup's manifest")}");
            foreach (var (table, rows) in report.RowCounts.OrderBy(r => r.Key, StringComparer.Ordinal))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {table}: {rows}"));
            }
            Console.WriteLine($"Purges re-applied: {report.PurgesReapplied.Count}");
            return report.IntegrityOk && report.RowCountsMatch ? 0 : 1;
        }
        catch (Exception ex) when (ex is FileNotFoundException or InvalidDataException)
        {
            Console.Error.WriteLine(ex.Message);
            return 1;
        }
    }

    /// <summary>
    /// <c>create-operator --name &lt;name&gt;</c>: creates an operator and prints its key once, for when every operator key
    /// is lost (the API needs one to make another). It needs what the host needs to reach its database, and nothing else:
    /// whoever can run it can read the database anyway. Exit code 0 when created, 2 for a missing or refused name.
    /// </summary>
    public static async Task<int> CreateOperatorAsync(IServiceProvider services, string[] args)
    {
        var at = Array.IndexOf(args, "--name");
        var name = at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
        if (string.IsNullOrWhiteSpace(name))
        {
            Console.Error.WriteLine("create-operator needs --name <name>, the operator's display name.");
            return 2;
        }
        var created = await services.GetRequiredService<OperatorService>().CreateAsync(name);
        if (!created.Succeeded)
        {
            Console.Error.WriteLine($"The name was refused: {string.Join("; ", created.Failure.Errors.Select(e => e.Message.English))}");
            return 2;
        }
        // Shown once, on the console only: logs are kept, and must never hold a key.
        Console.WriteLine($"Operator {created.Value.Person.Id} ({created.Value.Person.DisplayName}) created. Its API key, shown only now:");
        Console.WriteLine(created.Value.ApiKey);
        return 0;
    }

    /// <summary>
    /// <c>probe --target &lt;url&gt; [--interval &lt;seconds&gt;] [--rounds &lt;n&gt;]</c>: watches another instance's
    /// <c>/readyz</c> from outside (every 5 minutes by default) and records each outage it sees, from the first failed
    /// check to the first good one, into this host's database, where the availability report counts it.
    /// </summary>
    public static async Task<int> ProbeAsync(IServiceProvider services, string[] args, CancellationToken stopping)
    {
        string? Arg(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        if (!Uri.TryCreate(Arg("--target"), UriKind.Absolute, out var target))
        {
            Console.Error.WriteLine("probe needs --target <url>, the base URL of the instance to watch.");
            return 2;
        }
        var interval = TimeSpan.FromSeconds(int.TryParse(Arg("--interval"), CultureInfo.InvariantCulture, out var seconds) && seconds > 0 ? seconds : 300);
        var rounds = int.TryParse(Arg("--rounds"), CultureInfo.InvariantCulture, out var n) && n > 0 ? n : int.MaxValue;
        var outages = services.GetRequiredService<OutageService>();
        var time = services.GetRequiredService<TimeProvider>();
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var readiness = new Uri(target, "/readyz");
        DateTimeOffset? downSince = null;
        for (var round = 1; round <= rounds && !stopping.IsCancellationRequested; round++)
        {
            bool up;
            try
            {
                using var response = await client.GetAsync(readiness, stopping);
                up = response.IsSuccessStatusCode;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                up = false;
            }
            var now = time.GetUtcNow();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{now:O} {readiness} {(up ? "up" : "DOWN")}"));
            if (!up)
            {
                downSince ??= now;
            }
            else if (downSince is { } since)
            {
                var recorded = await outages.RecordAsync(since, now, "probe " + target.Host, stopping);
                Console.WriteLine($"Outage recorded: {recorded.Value?.Id}");
                downSince = null;
            }
            if (round < rounds)
            {
                try
                {
                    await Task.Delay(interval, stopping);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        if (downSince is { } open)
        {
            // Still down when the probe stops: what was seen is recorded, up to now.
            await outages.RecordAsync(open, time.GetUtcNow(), "probe " + target.Host, CancellationToken.None);
        }
        return 0;
    }
}
