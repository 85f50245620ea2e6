using SmartECoupon.Portability;

namespace SmartECoupon.Core.Tests.Portability;

/// <summary>docs/portability.md shows the columns of every dataset: this keeps it true.</summary>
public sealed class PortabilityDocsTests
{
    [Theory]
    [InlineData(CsvDataset.Coupons)]
    [InlineData(CsvDataset.Tickets)]
    [InlineData(CsvDataset.Codes)]
    [InlineData(CsvDataset.Redemptions)]
    [InlineData(CsvDataset.Stores)]
    [InlineData(CsvDataset.Members)]
    [InlineData(CsvDataset.Settings)]
    [InlineData(CsvDataset.AuditLog)]
    public void The_docs_list_every_column_of_the_dataset_in_order_with_its_japanese_header_and_kind(CsvDataset dataset)
    {
        var lines = File.ReadAllLines(Path.Combine(SmartECoupon.Tests.RepositoryRoot.Find(), "docs", "portability.md"));
        var start = Array.IndexOf(lines, "### " + CsvDatasets.FileNameOf(dataset));
        Assert.True(start >= 0, $"docs/portability.md has no section for {CsvDatasets.FileNameOf(dataset)}");

        var documented = lines.Skip(start + 1)
            .TakeWhile(l => !l.StartsWith('#'))
            .Where(l => l.StartsWith("| `", StringComparison.Ordinal))
            .Select(l => l.Split('|', StringSplitOptions.TrimEntries))
            .Select(cells => (Key: cells[1].Trim('`'), Japanese: cells[2], Kind: cells[3]))
            .ToList();

        Assert.Equal(
            CsvSchemas.ColumnsOf(dataset).Select(c => (c.Key, c.JapaneseHeader, c.Kind.ToString().ToLowerInvariant())),
            documented);
    }
}
