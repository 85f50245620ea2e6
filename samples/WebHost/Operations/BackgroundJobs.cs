using System.Collections.Concurrent;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using SmartECoupon.Coupons;
using SmartECoupon.Operations;
using SmartECoupon.Retention;

namespace SmartECoupon.WebHost.Operations;

/// <summary>When each background job last finished a round, for the readiness check and the status page.</summary>
internal sealed class JobHeartbeats(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, (DateTimeOffset At, TimeSpan Every)> _beats = new(StringComparer.Ordinal);

    /// <summary>This instance's name as a lease holder: machine, process and a random part.</summary>
    public string Holder { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    public void Beat(string job, TimeSpan every) => _beats[job] = (time.GetUtcNow(), every);

    /// <summary>The jobs that have not finished a round in three of their intervals.</summary>
    public IReadOnlyList<string> Late()
    {
        var now = time.GetUtcNow();
        return [.. _beats.Where(b => now - b.Value.At > (b.Value.Every * 3) + TimeSpan.FromMinutes(1)).Select(b => b.Key).Order(StringComparer.Ordinal)];
    }

    public IReadOnlyDictionary<string, DateTimeOffset> Snapshot() => _beats.ToDictionary(b => b.Key, b => b.Value.At, StringComparer.Ordinal);
}

/// <summary>A job that runs a round every interval, survives its own errors (logged), and beats its heart.</summary>
internal abstract partial class RecurringJob(string name, JobHeartbeats heartbeats, IOptionsMonitor<HostOperationsOptions> options, ILogger logger) : BackgroundService
{
    protected string Name { get; } = name;

    protected JobHeartbeats Heartbeats { get; } = heartbeats;

    protected IOptionsMonitor<HostOperationsOptions> Options { get; } = options;

    protected abstract TimeSpan Interval { get; }

    protected abstract Task RunOnceAsync(CancellationToken stoppingToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Options.CurrentValue.RunBackgroundJobs)
        {
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken);
                Heartbeats.Beat(Name, Interval);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                JobFailed(logger, ex, Name);
            }
            try
            {
                await Task.Delay(Interval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Error, Message = "Background job {Job} failed a round")]
    private static partial void JobFailed(ILogger logger, Exception exception, string job);
}

/// <summary>Runs queued code jobs, one after another, across tenants.</summary>
internal sealed class CodeJobWorker(IServiceProvider services, JobHeartbeats heartbeats, IOptionsMonitor<HostOperationsOptions> options, ILogger<CodeJobWorker> logger)
    : RecurringJob("code-jobs", heartbeats, options, logger)
{
    protected override TimeSpan Interval => Options.CurrentValue.QueueInterval;

    protected override async Task RunOnceAsync(CancellationToken stoppingToken)
    {
        var jobs = services.GetRequiredService<CodeJobService>();
        while (await jobs.RunNextAsync(Heartbeats.Holder, stoppingToken))
        {
            Heartbeats.Beat(Name, Interval);
        }
    }
}

/// <summary>Takes the daily backup from its time on (14:00 JST by default), once a day among the instances.</summary>
internal sealed partial class DailyBackupJob(BackupService backups, JobHeartbeats heartbeats, IOptionsMonitor<HostOperationsOptions> options, ILogger<DailyBackupJob> logger)
    : RecurringJob("daily-backup", heartbeats, options, logger)
{
    protected override TimeSpan Interval => Options.CurrentValue.SchedulerInterval;

    protected override async Task RunOnceAsync(CancellationToken stoppingToken)
    {
        if (await backups.RunDailyAsync(Heartbeats.Holder, stoppingToken) is { } manifest)
        {
            BackupTaken(logger, manifest.Id, manifest.SizeBytes);
        }
    }

    [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "Daily backup {BackupId} taken ({SizeBytes} bytes)")]
    private static partial void BackupTaken(ILogger logger, string backupId, long sizeBytes);
}

/// <summary>Purges the tenants whose purge is due, and sweeps expired idempotency records and old audit entries.</summary>
internal sealed partial class RetentionJob(RetentionSweeper sweeper, JobHeartbeats heartbeats, IOptionsMonitor<HostOperationsOptions> options, ILogger<RetentionJob> logger)
    : RecurringJob("retention", heartbeats, options, logger)
{
    protected override TimeSpan Interval => Options.CurrentValue.SchedulerInterval;

    protected override async Task RunOnceAsync(CancellationToken stoppingToken)
    {
        var swept = await sweeper.SweepAsync(stoppingToken);
        foreach (var purged in swept.Purged)
        {
            TenantPurged(logger, purged.TenantId);
        }
    }

    [LoggerMessage(EventId = 12, Level = LogLevel.Information, Message = "Tenant {TenantId} purged")]
    private static partial void TenantPurged(ILogger logger, string tenantId);
}

/// <summary>
/// Checks this instance's readiness every 5 minutes (sheet row 1.13) and records what it sees: a failed check opens an
/// outage, the next good one closes it and stores it, where the availability report finds it.
/// </summary>
internal sealed partial class AvailabilityProbe(HealthCheckService health, OutageService outages, TimeProvider time, JobHeartbeats heartbeats,
    IOptionsMonitor<HostOperationsOptions> options, ILogger<AvailabilityProbe> logger)
    : RecurringJob("availability-probe", heartbeats, options, logger)
{
    private DateTimeOffset? _downSince;

    protected override TimeSpan Interval => Options.CurrentValue.ProbeInterval;

    protected override async Task RunOnceAsync(CancellationToken stoppingToken)
    {
        var report = await health.CheckHealthAsync(r => r.Tags.Contains(HealthTags.Ready) && r.Name != HealthChecksSetup.JobsCheck, stoppingToken);
        var now = time.GetUtcNow();
        if (report.Status == HealthStatus.Unhealthy)
        {
            _downSince ??= now;
            return;
        }
        if (_downSince is { } since)
        {
            _downSince = null;
            var recorded = await outages.RecordAsync(since, now, "self-probe", stoppingToken);
            if (recorded.Succeeded)
            {
                OutageRecorded(logger, recorded.Value.Id);
            }
        }
    }

    [LoggerMessage(EventId = 13, Level = LogLevel.Warning, Message = "Outage {OutageId} recorded by the availability probe")]
    private static partial void OutageRecorded(ILogger logger, string outageId);
}

/// <summary>Sends the outbox (maintenance notices to tenant administrators) through <see cref="IMailSender"/>; the library claims, checks and records.</summary>
internal sealed class OutboxSender(OutboxDispatcher outbox, IMailSender mail, JobHeartbeats heartbeats,
    IOptionsMonitor<HostOperationsOptions> options, ILogger<OutboxSender> logger)
    : RecurringJob("outbox", heartbeats, options, logger)
{
    protected override TimeSpan Interval => Options.CurrentValue.QueueInterval;

    protected override Task RunOnceAsync(CancellationToken stoppingToken) => outbox.DispatchAsync(Heartbeats.Holder, mail.SendAsync, cancellationToken: stoppingToken);
}
