using System.Diagnostics.Metrics;

namespace SmartECoupon.Operations;

/// <summary>
/// The library's metrics, on the meter <c>SmartECoupon</c> (add it to OpenTelemetry with <c>AddMeter("SmartECoupon")</c>).
/// Tags carry outcomes and channels only: never a code, a user or a tenant name.
/// </summary>
public static class SmartECouponMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "SmartECoupon";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Redemptions = Meter.CreateCounter<long>("smartecoupon.redemptions", "{redemption}",
        "Redemption requests decided, by outcome (redeemed, refused, not_found) and channel (api, page).");

    internal static void RedemptionDecided(string outcome, string channel) =>
        Redemptions.Add(1, new KeyValuePair<string, object?>("outcome", outcome), new KeyValuePair<string, object?>("channel", channel));
}
