using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using SmartECoupon.Tenancy;

namespace SmartECoupon.WebHost.Pages.Admin;

/// <summary>
/// Sign-in with the member id and a password (hashed by ASP.NET Core's password hasher); each sign-in is audited.
/// Failures are counted per member and client address (<see cref="Operations.ClientThrottle"/>): a client that fails 5
/// times for a member waits 15 minutes before it may try that member again, while the member, from anywhere else, signs in
/// as usual, so nobody can keep an administrator locked out. Every failure (unknown id, wrong password, a client that must
/// wait) gets the same message and takes the same time: the password check runs in each case.
/// </summary>
internal sealed class SignInModel(MemberSignInService signIn, IPasswordHasher<Member> hasher, Operations.ClientThrottle throttle) : AdminPageModel
{
    /// <summary>The one message of every failed sign-in: it tells nobody whether the id exists or is being slowed.</summary>
    public const string FailedMessage = "サインインできませんでした。IDとパスワードをお確かめのうえ、もう一度お試しください。続けて失敗した場合は、しばらくしてからお試しください。";

    // Verified against when the id is unknown, so that the time taken does not tell whether it exists.
    private static readonly string DummyHash = new PasswordHasher<Member>().HashPassword(null!, "not a password of anyone");

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty]
    public string? MemberId { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool Denied { get; set; }

    public async Task<IActionResult> OnPostAsync(string? password)
    {
        var memberId = MemberId?.Trim() ?? "";
        var candidate = await signIn.FindAsync(memberId, HttpContext.RequestAborted);
        var paused = throttle.SignInPause(HttpContext, memberId) is not null;
        // The hash is checked whatever the state, so that an answer takes as long for an unknown id or a paused client.
        var verified = candidate?.Member.PasswordHash is { } hash && password is not null
            ? hasher.VerifyHashedPassword(candidate.Member, hash, password)
            : VerifyDummy(password);
        if (paused || candidate is null || verified == PasswordVerificationResult.Failed)
        {
            if (!paused)
            {
                throttle.SignInFailed(HttpContext, memberId);
            }
            FormError = FailedMessage;
            return Page();
        }
        if (candidate.Member.Role != MemberRole.Admin)
        {
            Denied = true;
            return Page();
        }
        await signIn.RecordSuccessAsync(candidate, HttpContext.RequestAborted);
        await HttpContext.SignInAsync(AdminSession.Scheme, AdminSession.PrincipalFor(candidate));
        return LocalRedirect(ReturnUrl is { } url && Url.IsLocalUrl(url) && url.StartsWith("/admin", StringComparison.Ordinal) ? url : "/admin");
    }

    private PasswordVerificationResult VerifyDummy(string? password)
    {
        hasher.VerifyHashedPassword(null!, DummyHash, password ?? "");
        return PasswordVerificationResult.Failed;
    }
}
