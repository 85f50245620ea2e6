using Microsoft.AspNetCore.Mvc.RazorPages;
using SmartECoupon.Auditing;
using SmartECoupon.Tenancy;
using SmartECoupon.Validation;

namespace SmartECoupon.WebHost.Pages.Admin;

/// <summary>What the admin screens share: the signed-in member, and field errors shown next to their fields.</summary>
internal abstract class AdminPageModel : PageModel
{
    public AdminSession Session => AdminSession.Of(HttpContext) ?? throw new InvalidOperationException("The admin session middleware did not run.");

    public Actor Actor => Session.Session.Actor;

    public TimeZoneInfo Zone => Session.Session.TimeZone;

    /// <summary>A message for the whole form (a failure that is not about one field).</summary>
    public string? FormError { get; protected set; }

    /// <summary>A message after a change that worked.</summary>
    public string? Done { get; protected set; }

    /// <summary>The errors of each field, in Japanese.</summary>
    public Dictionary<string, List<string>> FieldMessages { get; } = new(StringComparer.Ordinal);

    public IEnumerable<string> ErrorsOf(string field) => FieldMessages.TryGetValue(field, out var messages) ? messages : [];

    protected void Show(Failure failure)
    {
        if (failure.Errors.Count == 0)
        {
            FormError = failure.Message.Japanese;
        }
        foreach (var error in failure.Errors)
        {
            if (!FieldMessages.TryGetValue(error.Field, out var messages))
            {
                FieldMessages[error.Field] = messages = [];
            }
            messages.Add(error.Message.Japanese);
        }
        FormError ??= failure.Message.Japanese;
    }
}
