using SmartECoupon.Auditing;
using SmartECoupon.Retention;
using SmartECoupon.Tenancy;

namespace SmartECoupon.DocSnippets;

/// <summary>docs/retention.md.</summary>
internal static class RetentionSnippets
{
    public static async Task RunAsync(Sandbox sandbox, Checks checks)
    {
        await BackupsAsync(sandbox.Get<BackupService>(), checks);
        await CancelAsync(sandbox.Get<TenantService>(), sandbox.TenantId, "opr_docs", checks);
    }

    private static async Task BackupsAsync(BackupService backupService, Checks checks)
    {
        var manifest = await backupService.CreateAsync();            // now; rotates to Retention:BackupGenerations (7)
        await backupService.RunDailyAsync(holder: Environment.MachineName); // the daily job: once a day, from Backups:DailyAt
        var backups = await backupService.ListAsync();               // newest first

        checks.That(backups.Count >= 1 && backups.Any(b => b.Id == manifest.Id), "retention.md: the backup is listed");
        checks.That(manifest.Sha256.Length == 64, "retention.md: a manifest has a SHA-256");

        var backupId = manifest.Id;
        var report = await backupService.RestoreAsync(backupId);
        // report.IntegrityOk, report.RowCountsMatch, report.PurgesReapplied, report.Elapsed

        checks.That(report.IntegrityOk && report.RowCountsMatch, "retention.md: the restore checks out");
    }

    private static async Task CancelAsync(TenantService tenantService, string tenantId, string operatorId, Checks checks)
    {
        var cancelled = await tenantService.CancelAsync(tenantId, effectiveOn: new DateOnly(2025, 12, 26), Actor.Operator(operatorId));
        // Status = Cancelled, CancelledOn = 2025-12-26, PurgeDueOn = 2026-01-16 (the 10th business day after)

        checks.Equal(TenantStatus.Cancelled, cancelled.Value!.Status, "retention.md: cancelled");
        checks.Equal(new DateOnly(2025, 12, 26), cancelled.Value.CancelledOn, "retention.md: cancelled on");
        checks.Equal(new DateOnly(2026, 1, 16), cancelled.Value.PurgeDueOn, "retention.md: purge due on the 10th business day");
    }
}
