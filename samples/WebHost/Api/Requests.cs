using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using SmartECoupon.Operations;
using SmartECoupon.Validation;

namespace SmartECoupon.WebHost.Api;

// The contract's request bodies. Each record is the body's schema: its properties are the only fields the endpoint
// accepts (any other field, at any depth, is 422 unknown_field) and their JSON types (another type is 422
// invalid_type); the OpenAPI document describes every body from them. The values themselves are checked by the
// library's rules, which name each failing field.

internal sealed record CreateOperatorRequest
{
    [Required, StringLength(50, MinimumLength = 1), Description("The operator's name, as shown in the audit log.")]
    public string? DisplayName { get; init; }
}

internal sealed record CreateTenantRequest
{
    [Required, StringLength(100, MinimumLength = 1), Description("The business's name.")]
    public string? Name { get; init; }

    [Required, AllowedValues("free", "standard", "premium"), Description("free, standard or premium: sets the plan's limits.")]
    public string? Plan { get; init; }

    [Required, StringLength(50, MinimumLength = 1), Description("The first administrator's name.")]
    public string? AdminName { get; init; }

    [EmailAddress, Description("Where the platform's notices to the administrator go.")]
    public string? AdminEmail { get; init; }
}

internal sealed record CancelTenantRequest
{
    [Description("The date (YYYY-MM-DD, in the tenant's zone) from which the tenant is read-only; default today. It may lie in the past or the future.")]
    public string? EffectiveOn { get; init; }
}

internal sealed record CreateMemberRequest
{
    [Required, StringLength(50, MinimumLength = 1), Description("The member's name.")]
    public string? DisplayName { get; init; }

    [Required, AllowedValues("admin", "staff"), Description("admin (everything in the tenant) or staff (reads coupons, redeems, voids, validates).")]
    public string? Role { get; init; }

    [EmailAddress, Description("Where the platform's notices to the member go.")]
    public string? Email { get; init; }
}

internal sealed record CreateStoreRequest
{
    [Required, StringLength(50, MinimumLength = 1), Description("The store's name.")]
    public string? Name { get; init; }
}

/// <summary>A coupon's fields: every one for a new coupon; for a change, those present are changed (null clears an optional one).</summary>
internal sealed record CouponRequest
{
    [StringLength(40, MinimumLength = 1), Description("1–40 characters (grapheme clusters); required for a new coupon.")]
    public string? Title { get; init; }

    [StringLength(20, MinimumLength = 1), Description("What the customer gets, 1–20 characters; required for a new coupon.")]
    public string? Benefit { get; init; }

    [StringLength(1000), Description("0–1000 characters; line breaks allowed.")]
    public string? Description { get; init; }

    [Description("The first instant of use (inclusive): an instant with its offset, or a date (YYYY-MM-DD) meaning the start of that day in the tenant's zone.")]
    public string? ValidFrom { get; init; }

    [Description("The last instant of use (inclusive): an instant with its offset, or a date (YYYY-MM-DD) meaning the end of that day in the tenant's zone.")]
    public string? ValidUntil { get; init; }

    [Range(1, int.MaxValue), Description("The most live redemptions across everyone; null for no limit.")]
    public int? TotalLimit { get; init; }

    [Range(1, int.MaxValue), Description("The most live redemptions per user; default 1.")]
    public int? PerUserLimit { get; init; }

    [Description("The stores where the coupon can be used; empty or absent for everywhere.")]
    public IReadOnlyList<string>? StoreIds { get; init; }

    [Description("A code anyone can show (e.g. WELCOME10), unique in the tenant; matched case- and width-insensitively.")]
    public string? SharedCode { get; init; }
}

internal sealed record IssueTicketRequest
{
    [Required, Description("Your pseudonymous key for the customer (never a name or e-mail); the same key gets the same ticket.")]
    public string? UserKey { get; init; }
}

internal sealed record GenerateCodesRequest
{
    [Required, Range(1, 1_000_000), Description("How many one-time codes: up to 10,000 at once (201), more as a job (202).")]
    public int? Count { get; init; }
}

/// <summary>What to redeem or validate: exactly one of ticketToken, code, or sharedCode with userKey.</summary>
internal sealed record RedemptionRequestBody
{
    [Description("A ticket's page token (from its URL /c/{token}).")]
    public string? TicketToken { get; init; }

    [Description("A ticket's code or a one-time code, as typed (any case or width).")]
    public string? Code { get; init; }

    [Description("A coupon's shared code; with userKey.")]
    public string? SharedCode { get; init; }

    [Description("The customer showing the shared code.")]
    public string? UserKey { get; init; }

    [Description("The store where the coupon is used; required when the coupon names stores.")]
    public string? StoreId { get; init; }
}

internal sealed record ThemeRequest
{
    [Required, RegularExpression("^#[0-9A-Fa-f]{6}$"), Description("The use button's background (#RRGGBB).")]
    public string? PrimaryColor { get; init; }

    [RegularExpression("^#[0-9A-Fa-f]{6}$"), Description("The use button's text (#RRGGBB); default #FFFFFF; at least 4.5:1 on primaryColor.")]
    public string? ButtonTextColor { get; init; }

    [Required, RegularExpression("^#[0-9A-Fa-f]{6}$"), Description("The page's background (#RRGGBB).")]
    public string? BackgroundColor { get; init; }

    [Required, RegularExpression("^#[0-9A-Fa-f]{6}$"), Description("The page's text (#RRGGBB); at least 4.5:1 on backgroundColor.")]
    public string? TextColor { get; init; }
}

internal sealed record CreateNoticeRequest
{
    [Required, StringLength(100, MinimumLength = 1), Description("What the maintenance is.")]
    public string? Title { get; init; }

    [StringLength(2000), Description("More about it.")]
    public string? Body { get; init; }

    [Required, Description("When it starts (an instant with its offset): at least 7 days ahead unless emergency.")]
    public string? StartsAt { get; init; }

    [Required, Description("When it ends (an instant with its offset).")]
    public string? EndsAt { get; init; }

    [Description("An emergency notice may start sooner; it needs a reason.")]
    public bool? Emergency { get; init; }

    [StringLength(500), Description("Why an emergency notice could not be given 7 days ahead.")]
    public string? Reason { get; init; }

    /// <summary>The library's draft; <paramref name="errors"/> gets instants that are not ISO 8601 with an offset.</summary>
    public MaintenanceNoticeDraft ToDraft(List<ValidationError> errors) => new()
    {
        Title = Title,
        Body = Body,
        Emergency = Emergency ?? false,
        Reason = Reason,
        StartsAt = RequestFields.Instant(StartsAt, "startsAt", errors),
        EndsAt = RequestFields.Instant(EndsAt, "endsAt", errors),
    };
}

internal sealed record CreateIncidentRequest
{
    [Required, StringLength(100, MinimumLength = 1), Description("What is affected, for customers.")]
    public string? Title { get; init; }

    [Required, AllowedValues("investigating", "identified", "monitoring", "resolved")]
    public string? Status { get; init; }
}

internal sealed record UpdateIncidentRequest
{
    [Required, AllowedValues("investigating", "identified", "monitoring", "resolved")]
    public string? Status { get; init; }
}

internal sealed record RecordOutageRequest
{
    [Required, Description("When the outage started (an instant with its offset).")]
    public string? StartedAt { get; init; }

    [Required, Description("When it ended (an instant with its offset).")]
    public string? EndedAt { get; init; }

    [Required, StringLength(100, MinimumLength = 1), Description("Who saw it (an outside monitor's name).")]
    public string? Source { get; init; }
}
