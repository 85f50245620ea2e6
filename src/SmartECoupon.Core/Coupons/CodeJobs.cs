using Microsoft.Extensions.Options;
using SmartECoupon.Auditing;
using SmartECoupon.Storage;
using SmartECoupon.Tenancy;
using SmartECoupon.Validation;

namespace SmartECoupon.Coupons;

/// <summary>Where a code job stands.</summary>
public enum CodeJobStatus
{
    /// <summary>Waiting for a worker.</summary>
    Queued,
    /// <summary>A worker is generating its codes.</summary>
    Running,
    /// <summary>Every code was generated.</summary>
    Succeeded,
    /// <summary>It stopped with an error; the codes generated before it are kept.</summary>
    Failed,
}

/// <summary>
/// A large generation of one-time codes, run in the background in short batches, so that other writes go on and a
/// restart resumes it where it stopped.
/// </summary>
public sealed record CodeJob
{
    /// <summary>The tenant.</summary>
    public required string TenantId { get; init; }

    /// <summary>The identifier (<c>job_…</c>).</summary>
    public required string Id { get; init; }

    /// <summary>The coupon the codes are for.</summary>
    public required string CouponId { get; init; }

    /// <summary>How many codes were asked for.</summary>
    public int Requested { get; init; }

    /// <summary>How many are generated so far.</summary>
    public int Generated { get; init; }

    /// <summary>Where it stands.</summary>
    public CodeJobStatus Status { get; init; }

    /// <summary>Why it failed (no codes, no personal data).</summary>
    public string? Error { get; init; }

    /// <summary>Who asked for it (a member id), named in the audit log.</summary>
    public required string RequestedBy { get; init; }

    /// <summary>When it was queued.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it last moved.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>Queues code jobs and runs them, one batch at a time, under a lease that another instance takes over if this one dies.</summary>
public sealed class CodeJobService(
    ICodeJobRepository jobs,
    ICouponRepository coupons,
    OneTimeCodeService oneTimeCodes,
    ITenantContext tenantContext,
    TenantWriteGate gate,
    TenantSessionResolver sessions,
    TimeProvider time,
    IOptionsMonitor<SmartECouponOptions> options)
{
    /// <summary>How long a worker holds a job without reporting before another may take it over.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    /// <summary>Queues the generation of <paramref name="count"/> codes for a coupon of the current tenant.</summary>
    public async Task<Result<CodeJob>> EnqueueAsync(string couponId, int count, Actor actor, CancellationToken cancellationToken = default)
    {
        var tenantId = tenantContext.RequireTenantId();
        if (await gate.RefusalAsync(cancellationToken).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }
        var max = options.CurrentValue.Codes.MaxCodesPerRequest;
        if (count < 1 || count > max)
        {
            return Failure.Invalid(FieldErrors.OutOfRange("count", $"1以上{max}以下", $"between 1 and {max}"));
        }
        var coupon = await coupons.FindAsync(couponId, cancellationToken).ConfigureAwait(false);
        if (coupon is null)
        {
            return Failure.NotFound;
        }
        if (coupon.Status == CouponStatus.Archived)
        {
            return Failure.Conflict(FailureCodes.InvalidStatusTransition, "アーカイブ済みのクーポンは変更できません。", "An archived coupon cannot be changed.");
        }
        var now = Instants.Now(time);
        var job = new CodeJob
        {
            TenantId = tenantId,
            Id = EntityIds.New(EntityIds.JobPrefix, now),
            CouponId = couponId,
            Requested = count,
            Status = CodeJobStatus.Queued,
            RequestedBy = actor.Id,
            CreatedAt = now,
            UpdatedAt = now,
        };
        await jobs.AddAsync(job, AuditEntry.Create(tenantId, actor, AuditActions.CodesGenerated, AuditTargets.Coupon, couponId, now), cancellationToken).ConfigureAwait(false);
        return job;
    }

    /// <summary>Finds a job of the current tenant.</summary>
    public Task<CodeJob?> FindAsync(string jobId, CancellationToken cancellationToken = default) => jobs.FindAsync(jobId, cancellationToken);

    /// <summary>
    /// Takes the oldest waiting job (or one whose worker stopped reporting) and runs it to the end, reporting after each
    /// batch. Each batch runs in a session of its own, read afresh: once the tenant's cancellation takes effect, the next
    /// batch is refused and the job stops as failed (the codes written before are kept). Returns whether there was a job.
    /// </summary>
    public async Task<bool> RunNextAsync(string holder, CancellationToken cancellationToken = default)
    {
        var job = await jobs.ClaimNextAsync(holder, Instants.Now(time), Lease, cancellationToken).ConfigureAwait(false);
        if (job is null)
        {
            return false;
        }
        var batch = options.CurrentValue.Codes.BatchSize;
        var generated = job.Generated;
        try
        {
            while (generated < job.Requested)
            {
                var session = await sessions.ForSystemAsync(job.TenantId, JobName, cancellationToken).ConfigureAwait(false);
                using var scope = session is null ? tenantContext.BeginScope(job.TenantId) : tenantContext.Begin(session);
                var step = Math.Min(batch, job.Requested - generated);
                var result = session is null
                    ? Failure.TenantCancelled
                    : await oneTimeCodes.GenerateAsync(job.CouponId, step, Actor.Member(job.RequestedBy), writeAudit: false, null, cancellationToken).ConfigureAwait(false);
                if (!result.Succeeded)
                {
                    await jobs.ReportAsync(job.Id, holder, generated, CodeJobStatus.Failed, result.Failure.Message.English, Instants.Now(time), Lease, cancellationToken).ConfigureAwait(false);
                    return true;
                }
                generated += result.Value;
                var status = generated >= job.Requested ? CodeJobStatus.Succeeded : CodeJobStatus.Running;
                if (!await jobs.ReportAsync(job.Id, holder, generated, status, null, Instants.Now(time), Lease, cancellationToken).ConfigureAwait(false))
                {
                    return true; // another worker took it over: it goes on from what was reported
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            using (tenantContext.BeginScope(job.TenantId))
            {
                await jobs.ReportAsync(job.Id, holder, generated, CodeJobStatus.Failed, ex.GetType().Name, Instants.Now(time), Lease, CancellationToken.None).ConfigureAwait(false);
            }
            throw;
        }
        return true;
    }

    /// <summary>The name code jobs act under in audit entries and sessions.</summary>
    internal const string JobName = "code-jobs";
}
