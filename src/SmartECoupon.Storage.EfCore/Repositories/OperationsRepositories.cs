using Microsoft.EntityFrameworkCore;
using SmartECoupon.Auditing;
using SmartECoupon.Coupons;
using SmartECoupon.Operations;
using SmartECoupon.Storage.EfCore.Rows;
using SmartECoupon.Storage.EfCore.Tenancy;
using SmartECoupon.Tenancy;

namespace SmartECoupon.Storage.EfCore.Repositories;

internal sealed class EfCodeJobRepository(SmartECouponDbContextFactory factory, CrossTenantAccess crossTenant) : EfRepository(factory), ICodeJobRepository
{
    public async Task AddAsync(CodeJob job, AuditEntry audit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        var db = Factory.ForTenant();
        await using var dbScope = db.ConfigureAwait(false);
        var tx = await BeginWriteAsync(db, cancellationToken).ConfigureAwait(false);
        await using var txScope = tx.ConfigureAwait(false);
        db.CodeJobs.Add(RowMapping.ToRow(job));
        db.AuditEntries.Add(Audit(audit));
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<CodeJob?> FindAsync(string jobId, CancellationToken cancellationToken = default)
    {
        var db = Factory.ForTenant();
        await using var dbScope = db.ConfigureAwait(false);
        var row = await db.CodeJobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == jobId, cancellationToken).ConfigureAwait(false);
        return row is null ? null : RowMapping.ToDomain(row);
    }

    public async Task<CodeJob?> ClaimNextAsync(string holder, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        var row = await crossTenant.ClaimNextCodeJobAsync(holder, now, lease, cancellationToken).ConfigureAwait(false);
        return row is null ? null : RowMapping.ToDomain(row);
    }

    public async Task<bool> ReportAsync(string jobId, string holder, int generated, CodeJobStatus status, string? failure, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        var text = RowMapping.Text(status);
        var until = now + lease;
        var db = Factory.ForTenant();
        await using var dbScope = db.ConfigureAwait(false);
        // Only the holder reports: a worker whose lease was taken over changes nothing.
        return await db.CodeJobs.Where(j => j.Id == jobId && j.LeaseHolder == holder)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.Generated, generated).SetProperty(j => j.Status, text).SetProperty(j => j.Error, failure)
                .SetProperty(j => j.UpdatedAt, now).SetProperty(j => j.LeaseUntil, until), cancellationToken).ConfigureAwait(false) == 1;
    }
}

internal sealed class EfTenantSettingsRepository(SmartECouponDbContextFactory factory) : EfRepository(factory), ITenantSettingsRepository
{
    public async Task<TenantTheme?> FindThemeAsync(CancellationToken cancellationToken = default)
    {
        var db = Factory.ForTenant();
        await using var dbScope = db.ConfigureAwait(false);
        var row = await db.TenantSettings.AsNoTracking().FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return row is null ? null : RowMapping.ToDomain(row);
    }

    public async Task SaveThemeAsync(TenantTheme theme, AuditEntry audit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(theme);
        ArgumentNullException.ThrowIfNull(audit);
        var db = Factory.ForTenant();
        await using var dbScope = db.ConfigureAwait(false);
        var tx = await BeginWriteAsync(db, cancellationToken).ConfigureAwait(false);
        await using var txScope = tx.ConfigureAwait(false);
        var row = await db.TenantSettings.FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (row is null)
        {
            row = new TenantSettingsRow { TenantId = CurrentTenant };
            db.TenantSettings.Add(row);
        }
        (row.PrimaryColor, row.ButtonTextColor, row.BackgroundColor, row.TextColor, row.UpdatedAt) =
            (theme.PrimaryColor, theme.ButtonTextColor, theme.BackgroundColor, theme.TextColor, audit.At);
        db.AuditEntries.Add(Audit(audit));
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }
}

internal sealed class EfMaintenanceNoticeRepository(SmartECouponDbContextFactory factory, CrossTenantAccess crossTenant) : EfRepository(factory), IMaintenanceNoticeRepository
{
    public Task AddAsync(MaintenanceNotice notice, (string Subject, string Body) message, CancellationToken cancellationToken = default) =>
        crossTenant.AddNoticeWithMessagesAsync(RowMapping.ToRow(notice), message.Subject, message.Body, cancellationToken);

    public async Task<IReadOnlyList<MaintenanceNotice>> ListNotEndedAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var db = Factory.ForPlatform();
        await using var dbScope = db.ConfigureAwait(false);
        var rows = await db.MaintenanceNotices.AsNoTracking().Where(n => n.EndsAt > now).OrderBy(n => n.StartsAt).ThenBy(n => n.Id)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(RowMapping.ToDomain)];
    }
}

internal sealed class EfIncidentRepository(SmartECouponDbContextFactory factory) : EfRepository(factory), IIncidentRepository
{
    public async Task AddAsync(Incident incident, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(incident);
        var db = Factory.ForPlatform();
        await using var dbScope = db.ConfigureAwait(false);
        db.Incidents.Add(RowMapping.ToRow(incident));
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<Incident?> UpdateStatusAsync(string incidentId, IncidentStatus status, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var db = Factory.ForPlatform();
        await using var dbScope = db.ConfigureAwait(false);
        var row = await db.Incidents.FirstOrDefaultAsync(i => i.Id == incidentId, cancellationToken).ConfigureAwait(false);
        if (row is null)
        {
            return null;
        }
        row.Status = RowMapping.Text(status);
        row.UpdatedAt = now;
        row.ResolvedAt = status == IncidentStatus.Resolved ? row.ResolvedAt ?? now : null;
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return RowMapping.ToDomain(row);
    }

    public async Task<Incident?> FindAsync(string incidentId, CancellationToken cancellationToken = default)
    {
        var db = Factory.ForPlatform();
        await using var dbScope = db.ConfigureAwait(false);
        var row = await db.Incidents.AsNoTracking().FirstOrDefaultAsync(i => i.Id == incidentId, cancellationToken).ConfigureAwait(false);
        return row is null ? null : RowMapping.ToDomain(row);
    }

    public async Task<IReadOnlyList<Incident>> ListSinceAsync(DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        var db = Factory.ForPlatform();
        await using var dbScope = db.ConfigureAwait(false);
        var rows = await db.Incidents.AsNoTracking().Where(i => i.ResolvedAt == null || i.ResolvedAt >= since)
            .OrderByDescending(i => i.CreatedAt).ThenByDescending(i => i.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(RowMapping.ToDomain)];
    }
}

internal sealed class EfOutageRepository(SmartECouponDbContextFactory factory) : EfRepository(factory), IOutageRepository
{
    public async Task AddAsync(RecordedOutage outage, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(outage);
        var db = Factory.ForPlatform();
        await using var dbScope = db.ConfigureAwait(false);
        db.Outages.Add(RowMapping.ToRow(outage));
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<RecordedOutage>> ListOverlappingAsync(DateTimeOffset start, DateTimeOffset finish, CancellationToken cancellationToken = default)
    {
        var db = Factory.ForPlatform();
        await using var dbScope = db.ConfigureAwait(false);
        var rows = await db.Outages.AsNoTracking().Where(o => o.StartedAt < finish && o.EndedAt > start).OrderBy(o => o.StartedAt)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(RowMapping.ToDomain)];
    }
}

internal sealed class EfOutbox(CrossTenantAccess crossTenant) : IOutbox
{
    public async Task<IReadOnlyList<OutboxMessage>> ClaimAsync(string holder, DateTimeOffset now, TimeSpan lease, int max, CancellationToken cancellationToken = default) =>
        [.. (await crossTenant.ClaimOutboxAsync(holder, now, lease, max, cancellationToken).ConfigureAwait(false)).Select(RowMapping.ToDomain)];

    public Task MarkSentAsync(OutboxMessage message, DateTimeOffset sentAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        return crossTenant.CompleteOutboxMessageAsync(message.TenantId, message.Id, sentAt, null, cancellationToken);
    }

    public Task MarkFailedAsync(OutboxMessage message, string failure, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        return crossTenant.CompleteOutboxMessageAsync(message.TenantId, message.Id, null, failure.Length > 400 ? failure[..400] : failure, cancellationToken);
    }
}
