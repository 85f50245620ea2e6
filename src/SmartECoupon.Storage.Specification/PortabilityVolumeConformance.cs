using SmartECoupon.Portability;
using SmartECoupon.Tests;

namespace SmartECoupon.Storage.Specification;

/// <summary>
/// The export streams: exporting 200,000 redemptions must not take more than 50 MB more memory at its peak than
/// exporting 10,000. Run it where nothing else runs at the same time (the adapter's test project puts it in a
/// collection of its own), since it samples the whole process.
/// </summary>
public abstract class PortabilityVolumeConformance(IStorageHarness harness) : ConformanceTest(harness)
{
    private const long Budget = 50L * 1024 * 1024;

    [SkippableFact]
    public async Task Exporting_200_000_redemptions_peaks_within_50_MB_of_exporting_10_000()
    {
        var small = await MeasureAsync(10_000);
        var large = await MeasureAsync(200_000);

        var managed = large.Managed - small.Managed;
        var workingSet = large.WorkingSet - small.WorkingSet;
        Report($"{Harness.Name} export of redemptions: 10,000 rows peak +{Mb(small.Managed)} MB managed, +{Mb(small.WorkingSet)} MB working set; " +
            $"200,000 rows peak +{Mb(large.Managed)} MB managed, +{Mb(large.WorkingSet)} MB working set, {large.Rows / large.Elapsed.TotalSeconds:N0} rows/s");
        Assert.Equal((10_000L, 200_000L), (small.Rows, large.Rows));
        Assert.True(managed < Budget, $"The managed heap peaked {Mb(managed)} MB higher for 200,000 rows than for 10,000.");
        Assert.True(workingSet < Budget, $"The working set peaked {Mb(workingSet)} MB higher for 200,000 rows than for 10,000.");
    }

    private async Task<Measurement> MeasureAsync(int rows)
    {
        var tenant = await NewTenantAsync();
        var coupon = await PublishedCouponAsync(tenant);
        await Harness.SeedRedemptionsAsync(tenant.Id, coupon.Id, rows);
        using (In(tenant))
        {
            var prepared = await Get<TenantDataExporter>().ExportAsync(CsvDataset.Redemptions);
            await using var export = prepared.Value!;
            var (file, peak) = await PeakMemory.MeasureAsync(() => export.WriteToAsync(Stream.Null), TimeSpan.FromMilliseconds(2));
            return new Measurement(file.Rows ?? 0, peak.ManagedGrowth, peak.WorkingSetGrowth, peak.Elapsed);
        }
    }

    private static string Mb(long bytes) => (bytes / (1024.0 * 1024)).ToString("N1", System.Globalization.CultureInfo.InvariantCulture);

    private sealed record Measurement(long Rows, long Managed, long WorkingSet, TimeSpan Elapsed);
}
