using SmartECoupon.Operations;
using SmartECoupon.Validation;

namespace SmartECoupon.DocSnippets;

/// <summary>docs/service-levels.md.</summary>
internal static class ServiceLevelSnippets
{
    public static void Run(Checks checks)
    {
        var now = DateTimeOffset.UtcNow;
        var notice = MaintenanceNoticePolicy.Create(new MaintenanceNoticeDraft
        {
            Title = "データベースのメンテナンス",
            StartsAt = now.AddDays(8),
            EndsAt = now.AddDays(8).AddHours(2),
        }, now, new InputPolicyOptions());
        // notice.Value!.IsDueWithin(now, TimeSpan.FromDays(7)) → shows as a banner from 7 days before until it ends

        checks.That(notice.Succeeded, "service-levels.md: a notice 8 days ahead is accepted");
        checks.That(!notice.Value!.IsDueWithin(now, TimeSpan.FromDays(7)), "service-levels.md: not yet a banner 8 days ahead");
        checks.That(notice.Value.IsDueWithin(now.AddDays(1.5), TimeSpan.FromDays(7)), "service-levels.md: a banner within 7 days of the start");
        var late = MaintenanceNoticePolicy.Create(new MaintenanceNoticeDraft { Title = "急ぎ", StartsAt = now.AddDays(2), EndsAt = now.AddDays(2).AddHours(1) }, now, new InputPolicyOptions());
        checks.Equal("notice_too_short", late.Failure?.Code, "service-levels.md: a notice 2 days ahead is refused");
    }
}
