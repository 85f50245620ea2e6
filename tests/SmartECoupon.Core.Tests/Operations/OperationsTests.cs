using SmartECoupon.Operations;
using SmartECoupon.Validation;

namespace SmartECoupon.Core.Tests.Operations;

public class MaintenanceNoticePolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 10, 0, 0, TimeSpan.FromHours(9));
    private static readonly InputPolicyOptions Fields = new();

    private static MaintenanceNoticeDraft Draft(TimeSpan ahead, bool emergency = false, string? reason = null) => new()
    {
        Title = "データベースのメンテナンス",
        Body = "サービスを停止します。",
        StartsAt = Now + ahead,
        EndsAt = Now + ahead + TimeSpan.FromHours(2),
        Emergency = emergency,
        Reason = reason,
    };

    [Fact]
    public void Seven_days_ahead_is_enough_and_a_moment_less_is_too_short()
    {
        var enough = MaintenanceNoticePolicy.Create(Draft(TimeSpan.FromDays(7)), Now, Fields);
        var tooShort = MaintenanceNoticePolicy.Create(Draft(TimeSpan.FromDays(7) - TimeSpan.FromSeconds(1)), Now, Fields);

        Assert.True(enough.Succeeded);
        Assert.Equal((false, (string?)null), (enough.Value.Emergency, enough.Value.Reason));
        Assert.Equal((FailureKind.Invalid, "notice_too_short"), (tooShort.Failure!.Kind, tooShort.Failure.Code));
        Assert.Equal("startsAt", tooShort.Failure.Errors[0].Field);
    }

    [Fact]
    public void An_emergency_may_be_announced_late_but_must_say_why()
    {
        var withReason = MaintenanceNoticePolicy.Create(Draft(TimeSpan.FromHours(1), emergency: true, reason: "ストレージ障害の復旧"), Now, Fields);
        var withoutReason = MaintenanceNoticePolicy.Create(Draft(TimeSpan.FromHours(1), emergency: true, reason: "  "), Now, Fields);

        Assert.True(withReason.Succeeded);
        Assert.Equal((true, "ストレージ障害の復旧"), (withReason.Value.Emergency, withReason.Value.Reason));
        Assert.Equal(("reason", FailureCodes.Required), (withoutReason.Failure!.Errors[0].Field, withoutReason.Failure.Errors[0].Code));
    }

    [Fact]
    public void Missing_or_inverted_times_and_a_missing_title_are_field_errors()
    {
        var result = MaintenanceNoticePolicy.Create(new MaintenanceNoticeDraft { Title = "", StartsAt = Now.AddDays(10), EndsAt = Now.AddDays(9) }, Now, Fields);
        var missing = MaintenanceNoticePolicy.Create(new MaintenanceNoticeDraft { Title = "t" }, Now, Fields);

        Assert.Equal(["title", "endsAt"], result.Failure!.Errors.Select(e => e.Field));
        Assert.Equal(["startsAt", "endsAt"], missing.Failure!.Errors.Select(e => e.Field));
    }

    [Fact]
    public void A_notice_shows_as_a_banner_from_seven_days_before_until_it_ends()
    {
        var notice = MaintenanceNoticePolicy.Create(Draft(TimeSpan.FromDays(10)), Now, Fields).Value!;
        var week = TimeSpan.FromDays(7);

        Assert.False(notice.IsDueWithin(Now, week));
        Assert.True(notice.IsDueWithin(Now + TimeSpan.FromDays(3), week));
        Assert.True(notice.IsDueWithin(notice.StartsAt.AddMinutes(30), week));
        Assert.False(notice.IsDueWithin(notice.EndsAt, week));
        Assert.True(notice.HasEnded(notice.EndsAt));
    }
}

public class AvailabilityCalculatorTests
{
    private static readonly DateTimeOffset From = new(2026, 11, 1, 0, 0, 0, TimeSpan.FromHours(9));
    private static readonly DateTimeOffset To = From.AddDays(30);
    private static readonly AvailabilityOptions Options = new();

    private static Outage At(double startMinute, double minutes, string source = "probe") =>
        new(From.AddMinutes(startMinute), From.AddMinutes(startMinute + minutes), source);

    [Fact]
    public void Outages_shorter_than_five_minutes_are_ignored_and_five_or_more_count()
    {
        var report = AvailabilityCalculator.Calculate([At(100, 4.99), At(1000, 5), At(2000, 30)], From, To, Options);

        Assert.Equal((2, 1, 35.0), (report.OutagesCounted, report.OutagesIgnored, report.DowntimeMinutes));
    }

    [Fact]
    public void Overlapping_or_touching_outages_are_merged_before_the_five_minute_rule()
    {
        // Three minutes seen by the probe and three by an outside monitor, overlapping by one: one outage of five.
        var merged = AvailabilityCalculator.Calculate([At(100, 3, "probe"), At(102, 3, "monitor")], From, To, Options);
        var touching = AvailabilityCalculator.Calculate([At(100, 3), At(103, 3)], From, To, Options);

        Assert.Equal((1, 0, 5.0), (merged.OutagesCounted, merged.OutagesIgnored, merged.DowntimeMinutes));
        Assert.Equal((1, 6.0), (touching.OutagesCounted, touching.DowntimeMinutes));
        Assert.Equal("probe+monitor", AvailabilityCalculator.Merge([At(100, 3, "probe"), At(102, 3, "monitor")]).Single().Source);
    }

    [Fact]
    public void An_outage_across_the_edge_counts_the_part_inside_and_outside_ones_not_at_all()
    {
        var report = AvailabilityCalculator.Calculate([At(-8, 10), At(60 * 24 * 30 - 3, 10), At(-100, 30), At(60 * 24 * 31, 60)], From, To, Options);

        Assert.Equal((2, 0, 5.0), (report.OutagesCounted, report.OutagesIgnored, report.DowntimeMinutes));
    }

    [Fact]
    public void Ninety_nine_percent_of_thirty_days_allows_432_minutes()
    {
        var atTarget = AvailabilityCalculator.Calculate([At(0, 432)], From, To, Options);
        var below = AvailabilityCalculator.Calculate([At(0, 433)], From, To, Options);
        var perfect = AvailabilityCalculator.Calculate([], From, To, Options);

        Assert.Equal((99.0000m, true), (atTarget.AvailabilityPercent, atTarget.MeetsTarget));
        Assert.Equal((98.9976m, false), (below.AvailabilityPercent, below.MeetsTarget));
        Assert.Equal((100m, 99.00m), (perfect.AvailabilityPercent, perfect.TargetPercent));
    }

    [Fact]
    public void The_period_must_be_ordered()
    {
        Assert.Throws<ArgumentException>(() => AvailabilityCalculator.Calculate([], To, From, Options));
    }
}
