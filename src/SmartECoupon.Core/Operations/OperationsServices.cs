using System.Globalization;
using Microsoft.Extensions.Options;
using SmartECoupon.Storage;
using SmartECoupon.Tenancy;
using SmartECoupon.Validation;

namespace SmartECoupon.Operations;

/// <summary>
/// Maintenance notices (sheet rows 1.2 and 1.3): checked by <see cref="MaintenanceNoticePolicy"/>, stored, and queued
/// for every tenant administrator in the same transaction, so that no notice goes out without its e-mails.
/// </summary>
public sealed class MaintenanceService(IMaintenanceNoticeRepository notices, TimeProvider time, IOptionsMonitor<SmartECouponOptions> options)
{
    /// <summary>Creates a notice and queues its message to each tenant administrator.</summary>
    public async Task<Result<MaintenanceNotice>> CreateAsync(MaintenanceNoticeDraft draft, CancellationToken cancellationToken = default)
    {
        var now = Instants.Now(time);
        var created = MaintenanceNoticePolicy.Create(draft, now, options.CurrentValue.Fields);
        if (!created.Succeeded)
        {
            return created;
        }
        var notice = created.Value;
        var zone = TenantTimeZones.Find(options.CurrentValue.DefaultTimeZoneId);
        await notices.AddAsync(notice, MessageFor(notice, zone), cancellationToken).ConfigureAwait(false);
        return notice;
    }

    /// <summary>The notices that have not ended, soonest first.</summary>
    public Task<IReadOnlyList<MaintenanceNotice>> ListCurrentAsync(CancellationToken cancellationToken = default) =>
        notices.ListNotEndedAsync(Instants.Now(time), cancellationToken);

    /// <summary>The subject and body of a notice's e-mail, in Japanese with the times in the platform's zone.</summary>
    public static (string Subject, string Body) MessageFor(MaintenanceNotice notice, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(notice);
        static string At(DateTimeOffset instant, TimeZoneInfo zone) =>
            TimeZoneInfo.ConvertTime(instant, zone).ToString("yyyy年M月d日 HH:mm", CultureInfo.InvariantCulture);
        var kind = notice.Emergency ? "【緊急メンテナンス】" : "【メンテナンスのお知らせ】";
        var body = $"""
            {kind}{notice.Title}

            期間: {At(notice.StartsAt, zone)} ～ {At(notice.EndsAt, zone)}（{zone.Id}）
            {(notice.Emergency ? $"緊急の理由: {notice.Reason}\n" : "")}
            {notice.Body}
            """;
        return (kind + notice.Title, body.Trim() + "\n");
    }
}

/// <summary>Where an incident stands, as status pages say it.</summary>
public enum IncidentStatus
{
    /// <summary>Looking for the cause.</summary>
    Investigating,
    /// <summary>The cause is known.</summary>
    Identified,
    /// <summary>Fixed, and watched.</summary>
    Monitoring,
    /// <summary>Over.</summary>
    Resolved,
}

/// <summary>An incident published on the status page (sheet rows 1.12 and 1.17).</summary>
public sealed record Incident
{
    /// <summary>The identifier (<c>inc_…</c>).</summary>
    public required string Id { get; init; }

    /// <summary>What is affected, for customers.</summary>
    public required string Title { get; init; }

    /// <summary>Where it stands.</summary>
    public IncidentStatus Status { get; init; }

    /// <summary>When it was opened.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When its status last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>When it was resolved.</summary>
    public DateTimeOffset? ResolvedAt { get; init; }
}

/// <summary>Opens incidents and moves them on.</summary>
public sealed class IncidentService(IIncidentRepository incidents, TimeProvider time, IOptionsMonitor<SmartECouponOptions> options)
{
    /// <summary>Opens an incident.</summary>
    public async Task<Result<Incident>> CreateAsync(string? title, IncidentStatus? status, CancellationToken cancellationToken = default)
    {
        var errors = new List<ValidationError>();
        var checkedTitle = options.CurrentValue.Fields.NoticeTitle.Apply("title", title, errors);
        if (status is null || !Enum.IsDefined(status.Value))
        {
            errors.Add(FieldErrors.InvalidFormat("status", "investigating、identified、monitoring、resolvedのいずれか", "investigating, identified, monitoring or resolved"));
        }
        if (errors.Count > 0)
        {
            return Failure.Invalid(errors);
        }
        var now = Instants.Now(time);
        var incident = new Incident
        {
            Id = EntityIds.New(EntityIds.IncidentPrefix, now),
            Title = checkedTitle!,
            Status = status!.Value,
            CreatedAt = now,
            UpdatedAt = now,
            ResolvedAt = status == IncidentStatus.Resolved ? now : null,
        };
        await incidents.AddAsync(incident, cancellationToken).ConfigureAwait(false);
        return incident;
    }

    /// <summary>Moves an incident to <paramref name="status"/>.</summary>
    public async Task<Result<Incident>> UpdateAsync(string incidentId, IncidentStatus? status, CancellationToken cancellationToken = default)
    {
        if (status is null || !Enum.IsDefined(status.Value))
        {
            return Failure.Invalid(FieldErrors.InvalidFormat("status", "investigating、identified、monitoring、resolvedのいずれか", "investigating, identified, monitoring or resolved"));
        }
        var updated = await incidents.UpdateStatusAsync(incidentId, status.Value, Instants.Now(time), cancellationToken).ConfigureAwait(false);
        return updated is null ? Failure.NotFound : updated;
    }

    /// <summary>Finds an incident.</summary>
    public Task<Incident?> FindAsync(string incidentId, CancellationToken cancellationToken = default) => incidents.FindAsync(incidentId, cancellationToken);

    /// <summary>The incidents not resolved, and those resolved in the last <paramref name="recent"/>, newest first.</summary>
    public Task<IReadOnlyList<Incident>> ListRecentAsync(TimeSpan recent, CancellationToken cancellationToken = default) =>
        incidents.ListSinceAsync(Instants.Now(time) - recent, cancellationToken);
}

/// <summary>An outage as recorded: seen by an outside monitor, by this host's probe, or by the probe command.</summary>
/// <param name="Id">The identifier (<c>out_…</c>).</param>
/// <param name="Outage">When it was, and who saw it.</param>
/// <param name="RecordedAt">When it was recorded.</param>
public sealed class RecordedOutage(string Id, Outage Outage, DateTimeOffset RecordedAt)
{
    /// <summary>The identifier (<c>out_…</c>).</summary>
    public string Id { get; } = Id;

    /// <summary>When it was, and who saw it.</summary>
    public Outage Outage { get; } = Outage;

    /// <summary>When it was recorded.</summary>
    public DateTimeOffset RecordedAt { get; } = RecordedAt;
}

/// <summary>Records outages and reports availability (sheet row 1.5).</summary>
public sealed class OutageService(IOutageRepository outages, TimeProvider time, IOptionsMonitor<SmartECouponOptions> options)
{
    /// <summary>The most characters of an outage's source.</summary>
    public const int MaxSourceLength = 100;

    /// <summary>Records an outage.</summary>
    public async Task<Result<RecordedOutage>> RecordAsync(DateTimeOffset? startedAt, DateTimeOffset? endedAt, string? source, CancellationToken cancellationToken = default)
    {
        var errors = new List<ValidationError>();
        var sourcePolicy = new FieldPolicy
        {
            Required = true,
            MaxLength = MaxSourceLength,
            AllowedCharacters = CharacterClasses.AsciiLetters | CharacterClasses.AsciiDigits | CharacterClasses.AsciiSymbols | CharacterClasses.Space,
            FoldFullWidthAscii = true,
        };
        var checkedSource = sourcePolicy.Apply("source", source, errors);
        if (startedAt is null)
        {
            errors.Add(FieldErrors.Required("startedAt"));
        }
        if (endedAt is null)
        {
            errors.Add(FieldErrors.Required("endedAt"));
        }
        if (startedAt is { } from && endedAt is { } to && to < from)
        {
            errors.Add(FieldErrors.OutOfRange("endedAt", "startedAt以降", "at or after startedAt"));
        }
        if (errors.Count > 0)
        {
            return Failure.Invalid(errors);
        }
        var now = Instants.Now(time);
        var recorded = new RecordedOutage(EntityIds.New(EntityIds.OutagePrefix, now),
            new Outage(Instants.Truncate(startedAt!.Value), Instants.Truncate(endedAt!.Value), checkedSource!), now);
        await outages.AddAsync(recorded, cancellationToken).ConfigureAwait(false);
        return recorded;
    }

    /// <summary>The availability from <paramref name="from"/> to <paramref name="to"/>, outages merged and the short ones not counted.</summary>
    public async Task<Result<AvailabilityReport>> ReportAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        if (to <= from)
        {
            return Failure.Invalid(FieldErrors.OutOfRange("to", "fromより後", "after from"));
        }
        var recorded = await outages.ListOverlappingAsync(from, to, cancellationToken).ConfigureAwait(false);
        return AvailabilityCalculator.Calculate(recorded.Select(r => r.Outage), from, to, options.CurrentValue.Availability);
    }
}

/// <summary>A message waiting in the outbox for a tenant's member.</summary>
public sealed record OutboxMessage
{
    /// <summary>The recipient's tenant.</summary>
    public required string TenantId { get; init; }

    /// <summary>The identifier.</summary>
    public required string Id { get; init; }

    /// <summary>The recipient.</summary>
    public required string MemberId { get; init; }

    /// <summary>The recipient's name as the tenant wrote it.</summary>
    public required string RecipientName { get; init; }

    /// <summary>The recipient's e-mail address, when the member has one.</summary>
    public string? RecipientEmail { get; init; }

    /// <summary>The subject.</summary>
    public required string Subject { get; init; }

    /// <summary>The text.</summary>
    public required string Body { get; init; }

    /// <summary>When it was queued.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>How many times sending was tried.</summary>
    public int Attempts { get; init; }
}
