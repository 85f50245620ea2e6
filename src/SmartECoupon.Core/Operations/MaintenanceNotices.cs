using SmartECoupon.Validation;

namespace SmartECoupon.Operations;

/// <summary>What an operator sends to announce maintenance (the sheet's 1.2: notice 7 days ahead).</summary>
public sealed record MaintenanceNoticeDraft
{
    /// <summary>The title.</summary>
    public string? Title { get; init; }

    /// <summary>Details, line breaks allowed.</summary>
    public string? Body { get; init; }

    /// <summary>When the maintenance starts.</summary>
    public DateTimeOffset? StartsAt { get; init; }

    /// <summary>When it ends.</summary>
    public DateTimeOffset? EndsAt { get; init; }

    /// <summary>Whether this is emergency maintenance, which may be announced at shorter notice with a reason.</summary>
    public bool Emergency { get; init; }

    /// <summary>Why an emergency notice is short; required with <see cref="Emergency"/>, shown wherever the notice is.</summary>
    public string? Reason { get; init; }
}

/// <summary>An announced maintenance window.</summary>
public sealed record MaintenanceNotice
{
    /// <summary>The notice identifier (<c>mnt_…</c>).</summary>
    public required string Id { get; init; }

    /// <summary>The title.</summary>
    public required string Title { get; init; }

    /// <summary>Details.</summary>
    public string Body { get; init; } = "";

    /// <summary>When the maintenance starts.</summary>
    public DateTimeOffset StartsAt { get; init; }

    /// <summary>When it ends.</summary>
    public DateTimeOffset EndsAt { get; init; }

    /// <summary>Whether it was announced as an emergency, at shorter notice than the sheet promises.</summary>
    public bool Emergency { get; init; }

    /// <summary>The reason for the short notice of an emergency.</summary>
    public string? Reason { get; init; }

    /// <summary>When the notice was made.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Whether the maintenance has ended at <paramref name="now"/>.</summary>
    public bool HasEnded(DateTimeOffset now) => EndsAt <= now;

    /// <summary>
    /// Whether a coupon page should show the notice as a banner at <paramref name="now"/>: it is under way or starts
    /// within <paramref name="window"/> (7 days by default on the pages).
    /// </summary>
    public bool IsDueWithin(DateTimeOffset now, TimeSpan window) => !HasEnded(now) && StartsAt <= now + window;
}

/// <summary>
/// The notice rule of the sheet's 1.2: maintenance is announced at least 7 days before it starts. A shorter notice is
/// refused with <c>notice_too_short</c>, unless it is marked as an emergency with a reason.
/// </summary>
public static class MaintenanceNoticePolicy
{
    /// <summary>The notice the sheet promises.</summary>
    public static readonly TimeSpan MinimumNotice = TimeSpan.FromDays(7);


    /// <summary>Checks a draft at <paramref name="now"/> and makes the notice.</summary>
    public static Result<MaintenanceNotice> Create(MaintenanceNoticeDraft draft, DateTimeOffset now, InputPolicyOptions fields)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentNullException.ThrowIfNull(fields);
        var errors = new List<ValidationError>();
        var title = fields.NoticeTitle.Apply("title", draft.Title, errors);
        var body = fields.NoticeBody.Apply("body", draft.Body, errors) ?? "";
        var reason = fields.NoticeReason.Apply("reason", draft.Reason, errors);
        if (draft.Emergency && string.IsNullOrEmpty(reason) && !errors.Any(e => e.Field == "reason"))
        {
            // An emergency notice must say why it is short; the reason is shown wherever the notice is.
            errors.Add(FieldErrors.Required("reason"));
        }
        if (draft.StartsAt is null)
        {
            errors.Add(FieldErrors.Required("startsAt"));
        }
        if (draft.EndsAt is null)
        {
            errors.Add(FieldErrors.Required("endsAt"));
        }
        if (draft.StartsAt is { } from && draft.EndsAt is { } to && to <= from)
        {
            errors.Add(FieldErrors.OutOfRange("endsAt", "startsAt より後", "after startsAt"));
        }
        if (errors.Count > 0)
        {
            return Failure.Invalid(errors);
        }
        var startsAt = Instants.Truncate(draft.StartsAt!.Value);
        if (!draft.Emergency && startsAt - now < MinimumNotice)
        {
            return new Failure(FailureKind.Invalid, FailureCodes.NoticeTooShort, new LocalizedMessage(
                "メンテナンスは開始の7日前までに告知してください（緊急の場合は emergency と reason を指定）。",
                "Maintenance must be announced at least 7 days ahead (or marked emergency with a reason)."))
            {
                Errors = [new ValidationError("startsAt", FailureCodes.NoticeTooShort, new LocalizedMessage("開始日時が7日後より前です。", "startsAt is less than 7 days ahead."))],
            };
        }
        return new MaintenanceNotice
        {
            Id = EntityIds.New(EntityIds.NoticePrefix, now),
            Title = title!,
            Body = body,
            StartsAt = startsAt,
            EndsAt = Instants.Truncate(draft.EndsAt!.Value),
            Emergency = draft.Emergency,
            Reason = string.IsNullOrEmpty(reason) ? null : reason,
            CreatedAt = now,
        };
    }
}
