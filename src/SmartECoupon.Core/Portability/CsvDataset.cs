using System.Diagnostics.CodeAnalysis;

namespace SmartECoupon.Portability;

/// <summary>The datasets a tenant can download as CSV: everything it has, except key material.</summary>
public enum CsvDataset
{
    /// <summary>Coupons (<c>coupons.csv</c>); the one dataset that can be imported back.</summary>
    Coupons,
    /// <summary>Tickets handed to users (<c>tickets.csv</c>).</summary>
    Tickets,
    /// <summary>One-time codes (<c>codes.csv</c>).</summary>
    Codes,
    /// <summary>Redemptions, voided ones included (<c>redemptions.csv</c>).</summary>
    Redemptions,
    /// <summary>Stores (<c>stores.csv</c>).</summary>
    Stores,
    /// <summary>Members, without their API keys (<c>members.csv</c>).</summary>
    Members,
    /// <summary>The tenant's settings, one per line (<c>settings.csv</c>).</summary>
    Settings,
    /// <summary>The audit log (<c>audit-log.csv</c>).</summary>
    AuditLog,
}

/// <summary>The names of <see cref="CsvDataset"/> as the HTTP contract and the file names use them.</summary>
public static class CsvDatasets
{
    /// <summary>Every dataset, in the order of a bundle.</summary>
    public static IReadOnlyList<CsvDataset> All { get; } =
        [CsvDataset.Coupons, CsvDataset.Tickets, CsvDataset.Codes, CsvDataset.Redemptions, CsvDataset.Stores, CsvDataset.Members, CsvDataset.Settings, CsvDataset.AuditLog];

    /// <summary>The columns of <paramref name="dataset"/>, in file order. Keys are stable: new columns are only ever added at the end.</summary>
    public static IReadOnlyList<CsvColumnInfo> ColumnsOf(CsvDataset dataset) => CsvSchemas.ColumnsOf(dataset);

    /// <summary>The dataset's name: <c>coupons</c>, <c>audit-log</c>…</summary>
    public static string NameOf(CsvDataset dataset) => dataset switch
    {
        CsvDataset.Coupons => "coupons",
        CsvDataset.Tickets => "tickets",
        CsvDataset.Codes => "codes",
        CsvDataset.Redemptions => "redemptions",
        CsvDataset.Stores => "stores",
        CsvDataset.Members => "members",
        CsvDataset.Settings => "settings",
        CsvDataset.AuditLog => "audit-log",
        _ => throw new ArgumentOutOfRangeException(nameof(dataset), dataset, null),
    };

    /// <summary>The dataset's file name: <c>coupons.csv</c>.</summary>
    public static string FileNameOf(CsvDataset dataset) => NameOf(dataset) + ".csv";

    /// <summary>Reads a dataset's name (exactly as <see cref="NameOf"/> writes it).</summary>
    public static bool TryParse([NotNullWhen(true)] string? name, out CsvDataset dataset)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(NameOf(candidate), name, StringComparison.Ordinal))
            {
                dataset = candidate;
                return true;
            }
        }
        dataset = default;
        return false;
    }
}
