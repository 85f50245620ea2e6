using SmartECoupon.Auditing;
using SmartECoupon.Coupons;
using SmartECoupon.Idempotency;
using SmartECoupon.Redemptions;
using SmartECoupon.Retention;
using SmartECoupon.Stores;
using SmartECoupon.Tenancy;

namespace SmartECoupon.Storage.Specification;

/// <summary>Cancellation, the purge (complete, crash-safe, leaving only its record), and the retention sweep.</summary>
public abstract class RetentionConformance(IStorageHarness harness) : ConformanceTest(harness)
{
    /// <summary>
    /// A tenant with something in every table: stores, members, coupons, tickets, codes, redemptions, idempotency records,
    /// audit entries, an image, its theme, a code job and outbox messages.
    /// </summary>
    protected async Task<(TestTenant Tenant, Coupon Coupon)> SeedEverythingAsync()
    {
        var tenant = await NewTenantAsync();
        using (In(tenant))
        {
            await Get<StoreService>().CreateAsync("本店", tenant.Admin);
            await Get<MemberService>().CreateAsync("受付", MemberRole.Staff, tenant.Admin, "uketsuke@example.jp");
            Assert.True((await Get<ThemeService>().UpdateAsync(new TenantThemeDraft
            {
                PrimaryColor = "#1A4D8F", BackgroundColor = "#FFFFFF", TextColor = "#222222",
            }, tenant.Admin)).Succeeded);
        }
        var coupon = await PublishedCouponAsync(tenant, sharedCode: "SEED" + tenant.Id[^6..].ToUpperInvariant());
        var ticket = await TicketAsync(tenant, coupon.Id, "seed-user");
        var code = await OneTimeCodeAsync(tenant, coupon.Id, 3);
        await RedeemAsync(tenant, RedemptionRequest.ForCode(code));
        using (In(tenant))
        {
            await Get<RedemptionService>().RedeemIdempotentlyAsync(RedemptionRequest.ForTicketToken(ticket.Token), tenant.Admin, RedemptionChannel.Api, TestIdempotency.Request("seed-key", "{}"));
            await Get<ICouponImageStorage>().SaveAsync(tenant.Id, coupon.Id, new byte[] { 0x89, 0x50, 0x4E, 0x47 });
            Assert.True((await Get<CodeJobService>().EnqueueAsync(coupon.Id, 20_000, tenant.Admin)).Succeeded);
        }
        // A notice queues a message for every administrator: the tenant's outbox has rows too.
        var notice = await Get<SmartECoupon.Operations.MaintenanceService>().CreateAsync(new SmartECoupon.Operations.MaintenanceNoticeDraft
        {
            Title = "緊急メンテナンス", StartsAt = Harness.Time.GetUtcNow().AddHours(1), EndsAt = Harness.Time.GetUtcNow().AddHours(2),
            Emergency = true, Reason = "セキュリティ更新",
        });
        Assert.True(notice.Succeeded);
        return (tenant, coupon);
    }

    private async Task<TestTenant> SeedAndCancelAsync(DateOnly effectiveOn)
    {
        var (tenant, _) = await SeedEverythingAsync();
        Assert.True((await Get<TenantService>().CancelAsync(tenant.Id, effectiveOn, Operator)).Succeeded);
        return tenant;
    }

    [SkippableFact]
    public async Task Cancelling_records_the_dates_and_makes_the_tenant_read_only_from_the_effective_date()
    {
        var (tenant, coupon) = await SeedEverythingAsync();
        var service = Get<TenantService>();

        var cancelled = await service.CancelAsync(tenant.Id, new DateOnly(2025, 12, 26), Operator);

        Assert.True(cancelled.Succeeded);
        Assert.Equal((TenantStatus.Cancelled, new DateOnly(2025, 12, 26), new DateOnly(2026, 1, 16)), (cancelled.Value.Status, cancelled.Value.CancelledOn, cancelled.Value.PurgeDueOn));
        var auth = await Get<ApiKeyAuthenticator>().AuthenticateAsync(tenant.AdminKey);
        Assert.NotNull(auth);
        Assert.False(auth.CanWriteOn(new DateOnly(2025, 12, 26)));
        Assert.True(auth.CanWriteOn(new DateOnly(2025, 12, 25)));
        using (In(tenant))
        {
            Assert.NotNull(await Get<CouponService>().FindAsync(coupon.Id)); // reads (and so exports) still work
        }

        // Today by default, in the tenant's zone; due on the 10th business day after it.
        var todayInTokyo = TenantTimeZones.DateIn(Harness.Time.GetUtcNow(), TenantTimeZones.Find("Asia/Tokyo"));
        var today = await service.CancelAsync(tenant.Id, null, Operator);
        Assert.Equal((todayInTokyo, SmartECoupon.Calendar.BusinessCalendar.Default.AddBusinessDays(todayInTokyo, 10)), (today.Value!.CancelledOn!.Value, today.Value.PurgeDueOn!.Value));
        Assert.Equal(FailureCodes.NotFound, (await service.CancelAsync("tnt_00000000000000000000000000", null, Operator)).Failure?.Code);
        Assert.Equal(FailureCodes.ValidationFailed, (await service.CancelAsync(tenant.Id, new DateOnly(1990, 1, 1), Operator)).Failure?.Code);
    }

    [SkippableFact]
    public async Task The_purge_leaves_nothing_of_the_tenant_in_any_table_but_its_record_and_touches_no_one_else()
    {
        var doomed = await SeedAndCancelAsync(new DateOnly(2026, 11, 1)); // due 2026-11-16, before the clock's start
        var (other, otherCoupon) = await SeedEverythingAsync();
        var otherBefore = await TracesAsync(other);

        var purged = await Get<TenantPurgeService>().PurgeDueAsync();

        var record = Assert.Single(purged, r => r.TenantId == doomed.Id);
        Assert.True(record.IsComplete);
        Assert.Equal((new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 16)), (record.CancelledOn, record.PurgeDueOn));
        Assert.NotNull(record.BackupsScrubbedAt);
        Assert.Equal(TenantTimeZones.DateIn(record.BackupsScrubbedAt!.Value, TenantTimeZones.Find("Asia/Tokyo")), record.BackupsClearBy);
        Assert.Equal(2, record.DeletedRows["redemptions"]);
        Assert.Equal(2, record.DeletedRows["members"]);
        Assert.True(record.DeletedRows["codes"] >= 4);
        Assert.True(record.DeletedRows["audit_entries"] > 5);
        Assert.Equal(4, record.DeletedRows["tenant_directory"]); // a coupon, a ticket token, two members

        // Asked of the catalogue: the tenant's id stays only on its own purged row and in its purge record.
        Assert.Equal(["purge_records.purged_tenant_id: 1", "tenants.tenant_id: 1"], (await Harness.FindTenantTracesAsync(doomed.Id)).Order(StringComparer.Ordinal));
        var stored = await Get<TenantService>().FindAsync(doomed.Id);
        Assert.Equal((TenantStatus.Purged, (string?)null), (stored!.Status, stored.Name));
        Assert.NotNull(stored.PurgedAt);
        Assert.Null(await Get<ApiKeyAuthenticator>().AuthenticateAsync(doomed.AdminKey));
        Assert.False(Directory.Exists(Path.Combine(Harness.WorkFolder, "uploads", doomed.Id)));
        Assert.Equal(1, record.DeletedRows.GetValueOrDefault("coupon_images", 1)); // a store that keeps images as rows counts it

        Assert.Equal(otherBefore, await TracesAsync(other));
        using (In(other))
        {
            // The other tenant's image is still served, wherever the store keeps it.
            await using var image = await Get<ICouponImageStorage>().OpenAsync(other.Id, otherCoupon.Id);
            Assert.NotNull(image);
        }
        Assert.NotNull(await Get<ApiKeyAuthenticator>().AuthenticateAsync(other.AdminKey));

        // The ledger beside the backups has the purge too, for restores.
        Assert.Contains(await Get<IPurgeLedger>().ReadAsync(), r => r.TenantId == doomed.Id && r.IsComplete);
    }

    [SkippableFact]
    public async Task A_purge_interrupted_after_erasing_is_completed_by_running_it_again()
    {
        var doomed = await SeedAndCancelAsync(new DateOnly(2026, 11, 1));
        var store = Get<ITenantPurgeRepository>();
        await store.BeginAsync(new PurgeRecord { TenantId = doomed.Id, StartedAt = Harness.Time.GetUtcNow() });
        PurgeRecord erased;
        using (In(doomed))
        {
            erased = await store.EraseTenantDataAsync(doomed.Id);
        }
        // ...the process dies here: the tenant is erased but not marked purged.
        Assert.False(erased.IsComplete);
        Assert.Equal(TenantStatus.Cancelled, (await Get<TenantService>().FindAsync(doomed.Id))!.Status);

        var resumed = await Get<TenantPurgeService>().PurgeAsync(doomed.Id, null, null);
        var again = await Get<TenantPurgeService>().PurgeAsync(doomed.Id, null, null);

        Assert.True(resumed.IsComplete);
        Assert.Equal(erased.DeletedRows, resumed.DeletedRows); // counted once, not twice
        Assert.Equal((resumed.PurgedAt, resumed.BackupsClearBy), (again.PurgedAt, again.BackupsClearBy));
        Assert.Equal(resumed.DeletedRows, again.DeletedRows);
        Assert.Equal(TenantStatus.Purged, (await Get<TenantService>().FindAsync(doomed.Id))!.Status);
        Assert.Equal(FailureCodes.TenantPurged, (await Get<TenantService>().CancelAsync(doomed.Id, null, Operator)).Failure?.Code);
    }

    [SkippableFact]
    public async Task Tenants_not_yet_due_are_left_alone()
    {
        var today = TenantTimeZones.DateIn(Harness.Time.GetUtcNow(), TenantTimeZones.Find("Asia/Tokyo"));
        var notYet = await SeedAndCancelAsync(today.AddDays(-1)); // due nine business days from now
        var purged = await Get<TenantPurgeService>().PurgeDueAsync();

        Assert.DoesNotContain(purged, r => r.TenantId == notYet.Id);
        Assert.Equal(TenantStatus.Cancelled, (await Get<TenantService>().FindAsync(notYet.Id))!.Status);
    }

    [SkippableFact]
    public async Task The_sweep_removes_expired_idempotency_records_and_audit_entries_past_their_retention()
    {
        var (tenant, coupon) = await SeedEverythingAsync();
        var auditBefore = await CountAsync(StoredRows.AuditEntries, tenant);
        Harness.Time.Advance(TimeSpan.FromDays(2));
        var sweep = await Get<RetentionSweeper>().SweepAsync();

        Assert.True(sweep.IdempotencyRecordsRemoved >= 1);
        Assert.Equal(0, sweep.AuditEntriesRemoved); // kept until the purge by default
        Assert.Equal(auditBefore, await CountAsync(StoredRows.AuditEntries, tenant));
        var replay = await RedeemAsync(tenant, RedemptionRequest.ForSharedCode("SEED" + tenant.Id[^6..].ToUpperInvariant(), "later-user"));
        Assert.True(replay.Succeeded);
        Assert.Equal(coupon.Id, replay.Value!.CouponId);
    }

    private async Task<IReadOnlyList<string>> TracesAsync(TestTenant tenant) => await Harness.FindTenantTracesAsync(tenant.Id);
}

/// <summary>Backups: checksummed and rotated; restores that verify, compare and re-apply purges.</summary>
public abstract class BackupConformance(IStorageHarness harness) : ConformanceTest(harness)
{
    [SkippableFact]
    public async Task A_backup_restored_after_changes_brings_the_data_back_exactly_and_reapplies_later_purges()
    {
        var backups = Get<BackupService>();
        var kept = await NewTenantAsync();
        var coupon = await PublishedCouponAsync(kept, totalLimit: 10, sharedCode: "KEEP1");
        await RedeemAsync(kept, RedemptionRequest.ForSharedCode("KEEP1", "u1"));
        var doomed = await NewTenantAsync();
        await PublishedCouponAsync(doomed, sharedCode: "DOOMED1");
        var manifest = await backups.CreateAsync();

        Assert.Matches("^[0-9a-f]{64}$", manifest.Sha256);
        Assert.True(manifest.SizeBytes > 0);
        Assert.True(manifest.RowCounts["coupons"] >= 2);

        // After the backup: more uses, a new tenant, and the purge of another.
        await RedeemAsync(kept, RedemptionRequest.ForSharedCode("KEEP1", "u2"));
        var later = await NewTenantAsync();
        await Get<TenantService>().CancelAsync(doomed.Id, new DateOnly(2026, 11, 1), Operator);
        await Get<TenantPurgeService>().PurgeDueAsync();

        var report = await backups.RestoreAsync(manifest.Id);

        Assert.True(report.IntegrityOk, report.IntegrityDetail);
        Assert.True(report.RowCountsMatch);
        // The purge scrubbed the doomed tenant out of the backup too: its manifest counts the rows without it.
        var scrubbed = (await backups.ListAsync()).Single(m => m.Id == manifest.Id);
        Assert.Equal(scrubbed.RowCounts, report.RowCounts);
        Assert.Equal(manifest.RowCounts["coupons"] - 1, scrubbed.RowCounts["coupons"]);
        Assert.Contains(report.PurgesReapplied, r => r.TenantId == doomed.Id);
        using (In(kept))
        {
            Assert.Equal(1, (await Get<CouponService>().FindAsync(coupon.Id))!.RedeemedCount);
        }
        Assert.Equal(1, await CountAsync(StoredRows.LiveRedemptions, kept, coupon.Id));
        Assert.Null(await Get<TenantService>().FindAsync(later.Id));
        // The purge made after the backup holds after the restore: nothing of that tenant came back but the purge record
        // the ledger writes again.
        Assert.Equal(["purge_records.purged_tenant_id: 1"], (await Harness.FindTenantTracesAsync(doomed.Id)).Order(StringComparer.Ordinal));
        Assert.NotNull(await Get<ApiKeyAuthenticator>().AuthenticateAsync(kept.AdminKey));

        // Writing goes on in the restored database (SQLite writes redemptions on a connection kept open across the
        // restore): the third use counts on top of the restored one, and the second user's use, undone by the restore,
        // is allowed again.
        Assert.True((await RedeemAsync(kept, RedemptionRequest.ForSharedCode("KEEP1", "u2"))).Succeeded);
        using (In(kept))
        {
            Assert.Equal(2, (await Get<CouponService>().FindAsync(coupon.Id))!.RedeemedCount);
        }
        Assert.Equal(2, await CountAsync(StoredRows.LiveRedemptions, kept, coupon.Id));
    }

    [SkippableFact]
    public async Task Backups_rotate_to_the_configured_generations_newest_first()
    {
        var backups = Get<BackupService>();
        var created = new List<BackupManifest>();
        for (var i = 0; i < 9; i++)
        {
            created.Add(await backups.CreateAsync());
            Harness.Time.Advance(TimeSpan.FromDays(1));
        }

        var listed = await backups.ListAsync();

        Assert.Equal(created.TakeLast(7).Reverse().Select(m => m.Id), listed.Select(m => m.Id));
        Assert.All(created.Take(2), old => Assert.False(File.Exists(Path.Combine(Harness.WorkFolder, "backups", old.FileName))));
        Assert.All(listed, m => Assert.True(File.Exists(Path.Combine(Harness.WorkFolder, "backups", m.FileName))));
    }

    [SkippableFact]
    public async Task A_damaged_backup_is_refused_and_nothing_is_restored()
    {
        var backups = Get<BackupService>();
        var tenant = await NewTenantAsync();
        var manifest = await backups.CreateAsync();
        var after = await NewTenantAsync();
        var path = Path.Combine(Harness.WorkFolder, "backups", manifest.FileName);
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[bytes.Length / 2] ^= 0xFF;
        await File.WriteAllBytesAsync(path, bytes);

        await Assert.ThrowsAsync<InvalidDataException>(() => backups.RestoreAsync(manifest.Id));
        await Assert.ThrowsAsync<FileNotFoundException>(() => backups.RestoreAsync("bak_00000000000000000000000000"));
        Assert.NotNull(await Get<TenantService>().FindAsync(after.Id));
        Assert.NotNull(await Get<TenantService>().FindAsync(tenant.Id));
    }

    [SkippableFact]
    public async Task A_purge_scrubs_the_tenant_from_every_backup_generation_and_leaves_everyone_else_as_it_was()
    {
        // Two tenants with something in most tables, three daily generations holding both.
        var doomed = await NewTenantAsync();
        var kept = await NewTenantAsync();
        var secrets = new List<string> { doomed.Id, doomed.AdminKey.Split('.')[2] };
        foreach (var (tenant, marker) in new[] { (doomed, "消える店舗"), (kept, "残る店舗") })
        {
            using (In(tenant))
            {
                await Get<StoreService>().CreateAsync(marker + tenant.Id[^4..], tenant.Admin);
                await Get<MemberService>().CreateAsync(marker + "の受付", MemberRole.Staff, tenant.Admin, $"staff-{tenant.Id[^6..]}@example.jp");
            }
            var coupon = await PublishedCouponAsync(tenant, sharedCode: "SCRUB" + tenant.Id[^6..].ToUpperInvariant());
            var ticket = await TicketAsync(tenant, coupon.Id, "user-" + tenant.Id[^6..]);
            var code = await OneTimeCodeAsync(tenant, coupon.Id, 2);
            await RedeemAsync(tenant, RedemptionRequest.ForCode(code));
            if (tenant == doomed)
            {
                secrets.AddRange([marker + tenant.Id[^4..], "SCRUB" + tenant.Id[^6..].ToUpperInvariant(), ticket.Token, ticket.Code, code, coupon.Id]);
            }
        }
        var name = (await Get<TenantService>().FindAsync(doomed.Id))!.Name!;
        secrets.Add(name);
        var backups = Get<BackupService>();
        var generations = new List<BackupManifest>();
        for (var i = 0; i < 3; i++)
        {
            generations.Add(await backups.CreateAsync());
            Harness.Time.Advance(TimeSpan.FromDays(1));
        }
        var folder = Path.Combine(Harness.WorkFolder, "backups");
        var before = new Dictionary<string, IReadOnlyList<string>>();
        foreach (var generation in generations)
        {
            before[generation.Id] = await Harness.ReadBackupRowsAsync(Path.Combine(folder, generation.FileName));
            Assert.Contains(before[generation.Id], row => row.Contains(doomed.Id, StringComparison.Ordinal)); // they hold it now
        }

        Assert.True((await Get<TenantService>().CancelAsync(doomed.Id, null, Operator)).Succeeded);
        var record = await Get<TenantPurgeService>().PurgeAsync(doomed.Id, null, null);

        // The record says when the backups were scrubbed, and that no backup holds the tenant from that day.
        Assert.NotNull(record.BackupsScrubbedAt);
        Assert.Equal(TenantTimeZones.DateIn(record.BackupsScrubbedAt!.Value, TenantTimeZones.Find("Asia/Tokyo")), record.BackupsClearBy);
        var listed = await backups.ListAsync();
        Assert.All(generations, g => Assert.Contains(listed, m => m.Id == g.Id)); // (with other tests' backups of this folder)
        foreach (var manifest in listed)
        {
            var path = Path.Combine(folder, manifest.FileName);
            var bytes = await File.ReadAllBytesAsync(path);
            var rows = await Harness.ReadBackupRowsAsync(path);
            foreach (var secret in secrets)
            {
                // In the file's bytes, and in its rows as its restore tool reads them (the dump is compressed).
                Assert.True(bytes.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(secret)) < 0, $"{manifest.Id} still holds '{secret}' in its bytes");
                Assert.DoesNotContain(rows, row => row.Contains(secret, StringComparison.Ordinal));
            }
            // Everyone else's rows are exactly as they were; the manifest describes the new file.
            if (before.TryGetValue(manifest.Id, out var earlier))
            {
                Assert.Equal(earlier.Where(row => !row.Contains(doomed.Id, StringComparison.Ordinal)).Order(StringComparer.Ordinal), rows.Order(StringComparer.Ordinal));
                Assert.Contains(rows, row => row.Contains(kept.Id, StringComparison.Ordinal));
            }
            Assert.Equal(bytes.LongLength, manifest.SizeBytes);
            Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), manifest.Sha256);
        }

        // Restoring any generation gives a database without the tenant; the other tenant is there.
        foreach (var manifest in listed.Where(m => before.ContainsKey(m.Id)))
        {
            var restored = await backups.RestoreAsync(manifest.Id);
            Assert.True(restored.IntegrityOk && restored.RowCountsMatch, restored.IntegrityDetail);
            Assert.Equal(["purge_records.purged_tenant_id: 1"], await Harness.FindTenantTracesAsync(doomed.Id)); // the ledger's record, written again
            Assert.NotNull(await Get<TenantService>().FindAsync(kept.Id));
            Assert.NotNull(await Get<ApiKeyAuthenticator>().AuthenticateAsync(kept.AdminKey));
        }
    }

    [SkippableFact]
    public async Task A_manifest_naming_any_file_but_its_own_is_neither_restored_nor_rotated_away()
    {
        var backups = Get<BackupService>();
        var folder = Path.Combine(Harness.WorkFolder, "backups");
        var tenant = await NewTenantAsync();
        var manifest = await backups.CreateAsync();
        var victim = Path.Combine(Harness.WorkFolder, "not-a-backup.txt");
        await File.WriteAllTextAsync(victim, "the operator's file");
        var manifestPath = Path.Combine(folder, manifest.Id + ".json");
        var text = await File.ReadAllTextAsync(manifestPath);
        await File.WriteAllTextAsync(manifestPath, text.Replace($"\"{manifest.FileName}\"", "\"../not-a-backup.txt\"", StringComparison.Ordinal));

        await Assert.ThrowsAsync<FileNotFoundException>(() => backups.RestoreAsync(manifest.Id));
        Assert.DoesNotContain(await backups.ListAsync(), m => m.Id == manifest.Id);
        Assert.NotNull(await Get<TenantService>().FindAsync(tenant.Id));

        // Rotation past the generations leaves the tampered manifest's file, and what it names, alone.
        for (var i = 0; i < 8; i++)
        {
            Harness.Time.Advance(TimeSpan.FromDays(1));
            await backups.CreateAsync();
        }
        Assert.True(File.Exists(victim));
        Assert.True(File.Exists(Path.Combine(folder, manifest.FileName)));
        File.Delete(manifestPath);
        File.Delete(Path.Combine(folder, manifest.FileName));
    }

    [SkippableFact]
    public async Task A_backup_that_fails_half_way_leaves_no_partial_file()
    {
        // A real failure: the backups folder on a 16 KiB tmpfs, which the backup fills (Linux, as root: CI runs so).
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            throw new SkipException("Needs root on Linux to mount a small tmpfs.");
        }
        var full = Path.Combine(Harness.WorkFolder, "full-disk");
        Directory.CreateDirectory(full);
        await RunAsync("mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", full);
        var settings = Get<Microsoft.Extensions.Options.IOptionsMonitor<SmartECouponOptions>>().CurrentValue.Backups;
        var folder = settings.Folder;
        try
        {
            await NewTenantAsync();
            settings.Folder = full;
            await Assert.ThrowsAnyAsync<Exception>(() => Get<BackupService>().CreateAsync());
            Assert.Empty(Directory.EnumerateFileSystemEntries(full));
        }
        finally
        {
            settings.Folder = folder;
            await RunAsync("umount", full);
        }
    }

    private static async Task RunAsync(string tool, params string[] arguments)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(tool, arguments) { RedirectStandardError = true })!;
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{tool}: {await process.StandardError.ReadToEndAsync()}");
    }

    [SkippableFact]
    public async Task Backups_are_readable_by_the_service_account_only()
    {
        if (OperatingSystem.IsWindows())
        {
            throw new SkipException("Unix file modes.");
        }
        var folder = Path.Combine(Harness.WorkFolder, "backups");
        Directory.CreateDirectory(folder);
        File.SetUnixFileMode(folder, (UnixFileMode)0b111_101_101); // 0755, as a folder created by hand would be

        var manifest = await Get<BackupService>().CreateAsync();

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(folder, manifest.FileName)));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(folder, manifest.Id + ".json")));
        Assert.Empty(Directory.EnumerateFiles(folder, "*.partial"));
    }

    [SkippableFact]
    public async Task The_daily_backup_runs_once_a_day_from_its_time_whichever_instance_asks()
    {
        var backups = Get<BackupService>();
        // Tomorrow (in Tokyo), 09:00 JST: before 14:00, nothing; then 14:30 JST.
        var tokyo = TenantTimeZones.Find("Asia/Tokyo");
        var tomorrow = TenantTimeZones.DateIn(Harness.Time.GetUtcNow(), tokyo).AddDays(1);
        Harness.Time.SetUtcNow(new DateTimeOffset(tomorrow.ToDateTime(new TimeOnly(9, 0)), TimeSpan.FromHours(9)));
        Assert.Null(await backups.RunDailyAsync("host-a"));
        Harness.Time.SetUtcNow(new DateTimeOffset(tomorrow.ToDateTime(new TimeOnly(14, 30)), TimeSpan.FromHours(9)));
        // Two instances sharing the database ask at the same moment: one backup.
        var results = await RaceAsync(4, 4, i => backups.RunDailyAsync($"host-{i}"));

        var taken = Assert.Single(results, r => r is not null)!;
        var listed = await backups.ListAsync();
        Assert.Equal(taken.Id, listed[0].Id);
        Assert.Single(listed, m => TenantTimeZones.DateIn(m.CreatedAt, tokyo) == tomorrow);
        Assert.Null(await backups.RunDailyAsync("host-a"));
        Harness.Time.Advance(TimeSpan.FromDays(1));
        Assert.NotNull(await backups.RunDailyAsync("host-b"));
    }

    [SkippableFact]
    public async Task A_job_lease_goes_to_one_holder_until_it_expires()
    {
        var leases = Get<IJobLease>();
        var now = Harness.Time.GetUtcNow();
        var job = "job-" + Guid.NewGuid().ToString("N");

        Assert.True(await leases.TryAcquireAsync(job, "a", now, TimeSpan.FromMinutes(10)));
        Assert.False(await leases.TryAcquireAsync(job, "b", now.AddMinutes(5), TimeSpan.FromMinutes(10)));
        Assert.True(await leases.TryAcquireAsync(job, "a", now.AddMinutes(5), TimeSpan.FromMinutes(10)));
        Assert.True(await leases.TryAcquireAsync(job, "b", now.AddMinutes(16), TimeSpan.FromMinutes(10)));
        await leases.ReleaseAsync(job, "b");
        Assert.True(await leases.TryAcquireAsync(job, "c", now.AddMinutes(17), TimeSpan.FromMinutes(10)));
    }
}
