using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using SmartECoupon.Auditing;
using SmartECoupon.Tenancy;

namespace SmartECoupon.WebHost.Pages.Admin;

/// <summary>A member sets the admin screens' password, proving who they are with their API key.</summary>
internal sealed class PasswordModel(ApiKeyAuthenticator authenticator, MemberSignInService signIn, IPasswordHasher<Member> hasher, ITenantContext tenantContext) : AdminPageModel
{
    /// <summary>The sign-in id the password was set for.</summary>
    public string? SetFor { get; private set; }

    public async Task<IActionResult> OnPostAsync(string? apiKey, string? password, string? confirm)
    {
        var authentication = await authenticator.AuthenticateAsync(apiKey?.Trim(), HttpContext.RequestAborted);
        if (authentication is not { Tenant: { } tenant } || authentication.Principal.IsOperator)
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
        using (tenantContext.BeginScope(tenant.Id))
        {
            var memberId = authentication.Principal.Id;
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
