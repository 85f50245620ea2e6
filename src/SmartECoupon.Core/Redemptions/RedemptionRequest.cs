using System.Diagnostics.CodeAnalysis;

namespace SmartECoupon.Redemptions;

/// <summary>How a redemption names what is being used.</summary>
public enum RedemptionMethod
{
    /// <summary>A ticket, by its page token or its code.</summary>
    Ticket,
    /// <summary>A one-time code generated in bulk.</summary>
    OneTimeCode,
    /// <summary>A coupon's shared code, with the user who shows it.</summary>
    SharedCode,
}

/// <summary>
/// What a redemption (or a validation) is asked to use: exactly one of a ticket token, a code (a ticket's code or a
/// one-time code), or a shared code with a user key; optionally the store where it is used.
/// </summary>
public sealed record RedemptionRequest
{
    /// <summary>A ticket's page token.</summary>
    public string? TicketToken { get; init; }

    /// <summary>A ticket's code or a one-time code, as typed.</summary>
    public string? Code { get; init; }

    /// <summary>A coupon's shared code, as typed.</summary>
    public string? SharedCode { get; init; }

    /// <summary>The user who shows the shared code; required with <see cref="SharedCode"/>.</summary>
    public string? UserKey { get; init; }

    /// <summary>The store where the coupon is used.</summary>
    public string? StoreId { get; init; }

    /// <summary>A request by ticket token.</summary>
    public static RedemptionRequest ForTicketToken(string token, string? storeId = null) => new() { TicketToken = token, StoreId = storeId };

    /// <summary>A request by ticket or one-time code.</summary>
    public static RedemptionRequest ForCode(string code, string? storeId = null) => new() { Code = code, StoreId = storeId };

    /// <summary>A request by shared code for a user.</summary>
    public static RedemptionRequest ForSharedCode(string sharedCode, string userKey, string? storeId = null) =>
        new() { SharedCode = sharedCode, UserKey = userKey, StoreId = storeId };

    /// <summary>
    /// Whether exactly one way of naming the coupon is given (and a user key with a shared code, and no user key
    /// otherwise). The field errors say what is wrong for a request that is not.
    /// </summary>
    public bool IsWellFormed([NotNullWhen(false)] out string? problemField)
    {
        var given = (TicketToken is not null ? 1 : 0) + (Code is not null ? 1 : 0) + (SharedCode is not null ? 1 : 0);
        if (given != 1)
        {
            problemField = given == 0 ? "ticketToken" : "code";
            return false;
        }
        if (SharedCode is not null && UserKey is null)
        {
            problemField = "userKey";
            return false;
        }
        if (SharedCode is null && UserKey is not null)
        {
            problemField = "userKey";
            return false;
        }
        problemField = null;
        return true;
    }
}
