using System.Diagnostics;

namespace SmartECoupon.Tests;

/// <summary>What an operation cost in memory at its peak, above the process's settled state before it, and how long it took.</summary>
/// <param name="ManagedGrowth">The managed heap's peak above its size after a full collection, in bytes.</param>
/// <param name="WorkingSetGrowth">The working set's peak above its size before the operation, in bytes.</param>
/// <param name="Elapsed">How long the operation took.</param>
internal sealed record PeakMemory(long ManagedGrowth, long WorkingSetGrowth, TimeSpan Elapsed)
{
    /// <summary>
    /// Runs <paramref name="operation"/> after a full collection while a sampler reads the managed heap and the working
    /// set every <paramref name="sampleEvery"/>. It samples the whole process: run it where nothing else runs.
    /// </summary>
    public static async Task<(T Result, PeakMemory Peak)> MeasureAsync<T>(Func<Task<T>> operation, TimeSpan sampleEvery)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var baseManaged = GC.GetTotalMemory(forceFullCollection: true);
        var baseWorkingSet = Environment.WorkingSet;
        long peakManaged = baseManaged, peakWorkingSet = baseWorkingSet;
        using var done = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                peakManaged = Math.Max(peakManaged, GC.GetTotalMemory(forceFullCollection: false));
                peakWorkingSet = Math.Max(peakWorkingSet, Environment.WorkingSet);
                await Task.Delay(sampleEvery);
            }
        });
        var watch = Stopwatch.StartNew();
        var result = await operation();
        watch.Stop();
        await done.CancelAsync();
        await sampler;
        return (result, new PeakMemory(peakManaged - baseManaged, peakWorkingSet - baseWorkingSet, watch.Elapsed));
    }
}
