using System.Diagnostics;

/// <summary>What a closed-loop load run measured: operations per second and latency percentiles.</summary>
internal sealed record LoadResult(int Workers, long Completed, long Failed, double Seconds, double PerSecond, double P50Ms, double P99Ms, string? FirstError);

/// <summary>
/// A closed-loop load generator: each worker runs the operation back to back for a warm-up, then for the measured
/// window. Only operations that start and finish inside the window count, so warm-up and drain do not skew the figures.
/// </summary>
internal static class LoadRunner
{
    public static async Task<LoadResult> RunAsync(int workers, TimeSpan warmUp, TimeSpan window, Func<int, Func<Task<bool>>> workerFactory)
    {
        var clock = Stopwatch.StartNew();
        long windowStart = long.MaxValue, windowEnd = long.MaxValue;
        var latencies = new List<long>[workers];
        var failed = new long[workers];
        string? firstError = null;
        var tasks = new Task[workers];
        for (var w = 0; w < workers; w++)
        {
            var index = w;
            latencies[index] = new List<long>(capacity: 16_384);
            var operation = workerFactory(index);
            tasks[index] = Task.Run(async () =>
            {
                while (true)
                {
                    var started = clock.ElapsedTicks;
                    if (started >= Volatile.Read(ref windowEnd))
                    {
                        return;
                    }
                    bool ok;
                    try
                    {
                        ok = await operation();
                    }
                    catch (Exception ex)
                    {
                        ok = false;
                        Interlocked.CompareExchange(ref firstError, ex.GetType().Name + ": " + ex.Message, null);
                    }
                    var ended = clock.ElapsedTicks;
                    if (started >= Volatile.Read(ref windowStart) && ended <= Volatile.Read(ref windowEnd))
                    {
                        if (ok)
                        {
                            latencies[index].Add(ended - started);
                        }
                        else
                        {
                            failed[index]++;
                        }
                    }
                }
            });
        }
        await Task.Delay(warmUp);
        var start = clock.ElapsedTicks;
        Volatile.Write(ref windowStart, start);
        await Task.Delay(window);
        var end = clock.ElapsedTicks;
        Volatile.Write(ref windowEnd, end);
        await Task.WhenAll(tasks);

        var all = latencies.SelectMany(l => l).Order().ToArray();
        var seconds = (double)(end - start) / Stopwatch.Frequency;
        return new LoadResult(workers, all.Length, failed.Sum(), seconds, all.Length / seconds, Percentile(all, 0.50), Percentile(all, 0.99), firstError);
    }

    private static double Percentile(long[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)] * 1000.0 / Stopwatch.Frequency;
}
