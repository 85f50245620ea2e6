namespace SmartECoupon.Storage;

/// <summary>A lease that lets one instance among several sharing a database run a job.</summary>
public interface IJobLease
{
    /// <summary>Takes the lease of <paramref name="job"/> for <paramref name="holder"/> if it is free, expired, or already theirs.</summary>
    Task<bool> TryAcquireAsync(string job, string holder, DateTimeOffset now, TimeSpan duration, CancellationToken cancellationToken = default);

    /// <summary>Gives the lease back if <paramref name="holder"/> holds it.</summary>
    Task ReleaseAsync(string job, string holder, CancellationToken cancellationToken = default);
}
