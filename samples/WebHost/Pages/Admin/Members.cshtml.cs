using Microsoft.AspNetCore.Mvc;
using SmartECoupon.Storage;
using SmartECoupon.Tenancy;

namespace SmartECoupon.WebHost.Pages.Admin;

/// <summary>The tenant's members and their roles: add one (its key shown once), rotate a key, remove a member.</summary>
internal sealed class MembersModel(MemberService members) : AdminPageModel
{
    public IReadOnlyList<Member> Members { get; private set; } = [];

    public string? NewKey { get; private set; }

    public string? NewKeyFor { get; private set; }

    public string? NewKeyMemberId { get; private set; }

    public Task OnGetAsync() => LoadAsync();

    public async Task<IActionResult> OnPostAddAsync(string? displayName, string? email, MemberRole role)
    {
        var created = await members.CreateAsync(displayName, role, Actor, email, HttpContext.RequestAborted);
        if (created.Succeeded)
        {
            (NewKey, NewKeyFor, NewKeyMemberId) = (created.Value.ApiKey, created.Value.Person.DisplayName, created.Value.Person.Id);
        }
        else
        {
            Show(created.Failure);
        }
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostRotateAsync(string memberId)
    {
        var rotated = await members.RotateKeyAsync(memberId, Actor, HttpContext.RequestAborted);
        if (rotated.Succeeded)
        {
            (NewKey, NewKeyFor, NewKeyMemberId) = (rotated.Value, (await members.FindAsync(memberId, HttpContext.RequestAborted))?.DisplayName, memberId);
        }
        else
        {
            Show(rotated.Failure);
        }
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostRemoveAsync(string memberId)
    {
        var removed = await members.RemoveAsync(memberId, Actor, HttpContext.RequestAborted);
        if (!removed.Succeeded)
        {
            Show(removed.Failure);
        }
        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync() => Members = (await members.ListAsync(new PageRequest(PageRequest.MaxLimit), HttpContext.RequestAborted)).Items;
}
