namespace SmartECoupon.Operations;

/// <summary>A span of time in which the service was down, as a probe or an outside monitor saw it.</summary>
/// <param name="StartedAt">When the outage began.</param>
/// <param name="EndedAt">When it ended.</param>
/// <param name="Source">Who saw it (the host's own probe, an outside monitor…).</param>
public readonly record struct Outage(DateTimeOffset StartedAt, DateTimeOffset EndedAt, string Source)
{
    /// <summary>How long the outage lasted.</summary>
    public TimeSpan Duration => EndedAt - StartedAt;
}

/// <summary>Options of the availability report (the sheet's 1.5).</summary>
public sealed class AvailabilityOptions
{
    /// <summary>The target availability, in percent. Default 99.00 (the sheet's promise).</summary>
    public decimal TargetPercent { get; set; } = 99.00m;

    /// <summary>The shortest outage that counts as downtime. Default 5 minutes (the sheet's rule).</summary>
    public TimeSpan MinimumOutage { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>Availability over a period.</summary>
/// <param name="From">The start of the period.</param>
/// <param name="To">The end of the period.</param>
/// <param name="AvailabilityPercent">The share of the period the service was up, in percent (4 decimals).</param>
/// <param name="TargetPercent">The target.</param>
/// <param name="DowntimeMinutes">The downtime counted, in minutes.</param>
/// <param name="OutagesCounted">Outages (after merging) of at least the minimum length that touch the period.</param>
/// <param name="OutagesIgnored">Shorter outages that touch the period.</param>
public sealed record AvailabilityReport(DateTimeOffset From, DateTimeOffset To, decimal AvailabilityPercent, decimal TargetPercent, double DowntimeMinutes, int OutagesCounted, int OutagesIgnored)
{
    /// <summary>Whether the period met the target.</summary>
    public bool MeetsTarget => AvailabilityPercent >= TargetPercent;
}

/// <summary>
/// Computes availability the way the sheet defines it: outages are merged where they overlap or touch (a probe's and an
/// outside monitor's view of the same incident are one outage), only outages of five minutes or more count, and an
/// outage that spans the period's edge counts the part inside the period.
/// </summary>
/// <remarks>
/// The five-minute rule is applied to the whole merged outage, so a ten-minute outage across midnight counts on both
/// days rather than being ignored as two five-minute halves.
/// </remarks>
public static class AvailabilityCalculator
{
    /// <summary>Availability of [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public static AvailabilityReport Calculate(IEnumerable<Outage> outages, DateTimeOffset from, DateTimeOffset to, AvailabilityOptions options)
    {
        ArgumentNullException.ThrowIfNull(outages);
        ArgumentNullException.ThrowIfNull(options);
        if (to <= from)
        {
            throw new ArgumentException("The period must end after it starts.", nameof(to));
        }
        var counted = 0;
        var ignored = 0;
        var downtime = TimeSpan.Zero;
        foreach (var outage in Merge(outages))
        {
            var start = outage.StartedAt > from ? outage.StartedAt : from;
            var end = outage.EndedAt < to ? outage.EndedAt : to;
            if (end <= start)
            {
                continue; // outside the period
            }
            if (outage.Duration >= options.MinimumOutage)
            {
                counted++;
                downtime += end - start;
            }
            else
            {
                ignored++;
            }
        }
        var period = to - from;
        var availability = Math.Round(100m * (1m - ((decimal)downtime.Ticks / period.Ticks)), 4, MidpointRounding.ToZero);
        return new AvailabilityReport(from, to, availability, options.TargetPercent, downtime.TotalMinutes, counted, ignored);
    }

    /// <summary>Outages merged where they overlap or touch, in time order.</summary>
    public static IReadOnlyList<Outage> Merge(IEnumerable<Outage> outages)
    {
        ArgumentNullException.ThrowIfNull(outages);
        var merged = new List<Outage>();
        foreach (var outage in outages.Where(o => o.EndedAt > o.StartedAt).OrderBy(o => o.StartedAt))
        {
            if (merged.Count > 0 && outage.StartedAt <= merged[^1].EndedAt)
            {
                var last = merged[^1];
                merged[^1] = last with
                {
                    EndedAt = outage.EndedAt > last.EndedAt ? outage.EndedAt : last.EndedAt,
                    Source = last.Source.Split('+').Contains(outage.Source) ? last.Source : last.Source + "+" + outage.Source,
                };
            }
            else
            {
                merged.Add(outage);
            }
        }
        return merged;
    }
}
