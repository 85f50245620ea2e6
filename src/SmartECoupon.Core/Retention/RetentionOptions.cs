namespace SmartECoupon.Retention;

/// <summary>How long data is kept (the sheet's 3.3–3.5 and 3.9).</summary>
public sealed class RetentionOptions
{
    /// <summary>
    /// How many business days after a cancellation takes effect the tenant's data is purged (counted with the business
    /// calendar; the effective date itself is not counted). Default 10, the sheet's promise.
    /// </summary>
    public int PurgeAfterBusinessDays { get; set; } = 10;

    /// <summary>How many daily backups are kept. Default 7 (the sheet's 3.5).</summary>
    public int BackupGenerations { get; set; } = 7;

    /// <summary>How long audit entries are kept; <see langword="null"/> (default) keeps them until the tenant is purged.</summary>
    public TimeSpan? AuditRetention { get; set; }
}

/// <summary>Where backups and uploads are kept, and when the daily backup runs.</summary>
public sealed class BackupOptions
{
    /// <summary>The folder of the backups, their manifests and the purge ledger. Default <c>App_Data/backups</c>.</summary>
    public string Folder { get; set; } = Path.Combine("App_Data", "backups");

    /// <summary>The local time from which the daily backup is taken (in <see cref="TimeZoneId"/>). Default 14:00, so that it is done by 15:00 (the sheet's 3.2).</summary>
    public string DailyAt { get; set; } = "14:00";

    /// <summary>The zone of <see cref="DailyAt"/>. Default <c>Asia/Tokyo</c>.</summary>
    public string TimeZoneId { get; set; } = Tenancy.TenantTimeZones.Default;

    /// <summary>How long one instance holds the daily backup's lease, so that others sharing the database wait. Default 30 minutes.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(30);
}

/// <summary>Where uploaded files (coupon images) are kept: outside any web root.</summary>
public sealed class UploadOptions
{
    /// <summary>The folder. Default <c>App_Data/uploads</c>.</summary>
    public string Folder { get; set; } = Path.Combine("App_Data", "uploads");
}
