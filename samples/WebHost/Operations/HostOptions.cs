namespace SmartECoupon.WebHost.Operations;

/// <summary>The host's own settings (section <c>Host</c>): its background jobs, monitoring and mail.</summary>
internal sealed class HostOperationsOptions
{
    public const string SectionName = "Host";

    /// <summary>Whether the background jobs run in this instance (turn off for a read-only replica). Default on.</summary>
    public bool RunBackgroundJobs { get; set; } = true;

    /// <summary>How often the availability probe checks readiness. Default 5 minutes (sheet row 1.13).</summary>
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the daily backup and the retention sweep look whether they are due. Default 1 minute.</summary>
    public TimeSpan SchedulerInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often waiting code jobs and outbox messages are looked for. Default 2 seconds.</summary>
    public TimeSpan QueueInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A URL the alert hook posts a JSON alert to when a readiness check fails; none by default (the log only).</summary>
    public Uri? AlertWebhookUrl { get; set; }

    /// <summary>The least free space on the data disk before readiness fails. Default 512 MB.</summary>
    public long MinimumFreeDiskBytes { get; set; } = 512L * 1024 * 1024;

    /// <summary>The oldest the latest backup may be before the backup check reports it. Default 26 hours (daily, plus slack).</summary>
    public TimeSpan MaximumBackupAge { get; set; } = TimeSpan.FromHours(26);

    /// <summary>
    /// A port of the host's own (also listed in its URLs, e.g. <c>ASPNETCORE_URLS=http://+:8080;http://127.0.0.1:9090</c>)
    /// on which <c>/metrics</c> is served without a key, and on no other port. None by default: <c>/metrics</c> then
    /// needs an operator's key.
    /// </summary>
    public int? ManagementPort { get; set; }

    /// <summary>Mail for the outbox (maintenance notices to tenant administrators).</summary>
    public MailOptions Mail { get; } = new();
}

/// <summary>
/// Where the outbox's e-mails go. By default they are written as <c>.eml</c> files to <see cref="PickupFolder"/> (which a
/// mail server's pickup service, or a person, can send); with <see cref="SmtpHost"/> they are sent by SMTP.
/// </summary>
internal sealed class MailOptions
{
    /// <summary>The folder of <c>.eml</c> files. Default <c>App_Data/mail</c> under the content root.</summary>
    public string PickupFolder { get; set; } = Path.Combine("App_Data", "mail");

    /// <summary>The SMTP server; when set, mail goes there instead of the pickup folder.</summary>
    public string? SmtpHost { get; set; }

    /// <summary>The SMTP port. Default 587.</summary>
    public int SmtpPort { get; set; } = 587;

    /// <summary>Whether SMTP uses TLS. Default on.</summary>
    public bool SmtpEnableSsl { get; set; } = true;

    /// <summary>The SMTP user, if the server needs one.</summary>
    public string? SmtpUser { get; set; }

    /// <summary>The SMTP password (give it through a secret store or the environment, never in appsettings.json).</summary>
    public string? SmtpPassword { get; set; }

    /// <summary>The sender. Default <c>SmartECoupon &lt;no-reply@smartecoupon.invalid&gt;</c>.</summary>
    public string From { get; set; } = "SmartECoupon <no-reply@smartecoupon.invalid>";
}
