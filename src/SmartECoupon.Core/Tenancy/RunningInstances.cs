namespace SmartECoupon.Tenancy;

/// <summary>
/// How many instances of the application serve the same data now, so that a limit meant for all of them (a plan's
/// concurrent requests) can be shared out: each instance enforces its part. The default says one.
/// </summary>
public interface IRunningInstances
{
    /// <summary>The instances running now, this one included (at least 1).</summary>
    int Count { get; }
}

/// <summary>The default <see cref="IRunningInstances"/>: this instance alone (the embedded SQLite default).</summary>
public sealed class SingleRunningInstance : IRunningInstances
{
    /// <inheritdoc />
    public int Count => 1;
}
