using SmartECoupon.Auditing;
using SmartECoupon.Coupons;

namespace SmartECoupon.Storage;

/// <summary>Code jobs. Adding and finding work in the current tenant; claiming is operator-wide (workers serve every tenant).</summary>
public interface ICodeJobRepository
{
    /// <summary>Adds a queued job with its audit entry.</summary>
    Task AddAsync(Coupons.CodeJob job, AuditEntry audit, CancellationToken cancellationToken = default);

    /// <summary>Finds a job of the current tenant.</summary>
    Task<Coupons.CodeJob?> FindAsync(string jobId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes the oldest job that is queued, or running with an expired lease, for <paramref name="holder"/> until
    /// <paramref name="now"/> + <paramref name="lease"/>, in one guarded statement (two workers never take the same job).
    /// Operator-wide. Returns <see langword="null"/> when there is none.
    /// </summary>
    Task<Coupons.CodeJob?> ClaimNextAsync(string holder, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records progress of a job <paramref name="holder"/> holds and renews its lease; returns <see langword="false"/>
    /// when the holder lost the job. Works in the current tenant.
    /// </summary>
    Task<bool> ReportAsync(string jobId, string holder, int generated, Coupons.CodeJobStatus status, string? failure, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken = default);
}
