using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using SmartECoupon.Auditing;
using SmartECoupon.Tenancy;

namespace SmartECoupon.WebHost.Pages.Admin;

/// <summary>A member sets the admin screens' password, proving who they are with their API key.</summary>
internal sealed class PasswordModel(TenantSessionResolver sessions, MemberSignInService signIn, IPasswordHasher<Member> hasher) : AdminPageModel
{
    /// <summary>The sign-in id the password was set for.</summary>
    public string? SetFor { get; private set; }

    public async Task<IActionResult> OnPostAsync(string? apiKey, string? password, string? confirm)
    {
        var session = await sessions.ResolveAsync(TenantCredential.ApiKey(apiKey?.Trim() ?? ""), HttpContext.RequestAborted);
        if (session is not { Tenant: not null, Actor.Kind: ActorKind.Member })
        {
            FormError = "APIキーが正しくありません。メンバーのAPIキーを入力してください。";
            return Page();
        }
        var problems = signIn.CheckPassword(password);
        if (problems.Count > 0)
        {
            Show(Failure.Invalid(problems));
            return Page();
        }
        if (!string.Equals(password, confirm, StringComparison.Ordinal))
        {
            FormError = "確認用のパスワードが一致しません。";
            return Page();
        }
        var entered = sessions.Enter(session);
        if (!entered.Succeeded)
        {
            Show(entered.Failure);
            return Page();
        }
        using (entered.Value)
        {
            var memberId = session.Actor.Id;
            var set = await signIn.SetPasswordHashAsync(memberId, hasher.HashPassword(null!, password!), Actor.Member(memberId), HttpContext.RequestAborted);
            if (!set.Succeeded)
            {
                Show(set.Failure);
                return Page();
            }
            SetFor = memberId;
        }
        return Page();
    }
}
