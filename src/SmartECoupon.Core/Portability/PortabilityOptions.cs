namespace SmartECoupon.Portability;

/// <summary>CSV export and import.</summary>
public sealed class PortabilityOptions
{
    /// <summary>
    /// Where a Shift_JIS export is written first, so that a value Shift_JIS cannot hold is found before the first byte
    /// goes out. Default: the system's temporary folder. Files are deleted when the export is disposed.
    /// </summary>
    public string? TemporaryFolder { get; set; }

    /// <summary>
    /// The largest CSV file an import reads (it is read into memory whole, so that its encoding can be found and every
    /// row checked before anything is written). Default 16 MiB.
    /// </summary>
    public int MaxImportBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>The most coupons one import creates. Default 10,000.</summary>
    public int MaxImportRows { get; set; } = 10_000;

    /// <summary>The most errors an import or a Shift_JIS export reports before it stops looking. Default 100.</summary>
    public int MaxReportedErrors { get; set; } = 100;
}
