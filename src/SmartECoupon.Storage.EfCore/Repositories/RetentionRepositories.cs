using System.Reflection;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using SmartECoupon.Retention;
using SmartECoupon.Storage.EfCore.Rows;
using SmartECoupon.Storage.EfCore.Tenancy;
using SmartECoupon.Tenancy;

namespace SmartECoupon.Storage.EfCore.Repositories;

/// <summary>
/// The purge. The tables are not listed by hand: every tenant table of the EF model is erased, children before parents
/// (ordered by the model's foreign keys), each in its own short transaction together with the update of the purge
/// record's counts, so a crash mid-way loses nothing and a second run continues.
/// </summary>
internal sealed class EfTenantPurgeRepository(SmartECouponDbContextFactory factory, CrossTenantAccess crossTenant) : EfRepository(factory), ITenantPurgeRepository
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly MethodInfo EraseMethod = typeof(EfTenantPurgeRepository).GetMethod(nameof(EraseTableAsync), BindingFlags.NonPublic | BindingFlags.Static)!;

    public async Task<IReadOnlyList<Tenant>> ListDueAsync(DateOnly today, CancellationToken cancellationToken = default) =>
        (await crossTenant.ListDueForPurgeAsync(today, cancellationToken).ConfigureAwait(false)).Select(RowMapping.ToDomain).ToList();

    public async Task<PurgeRecord> BeginAsync(PurgeRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (await FindAsync(record.TenantId, cancellationToken).ConfigureAwait(false) is { } existing)
        {
            return existing;
        }
        try
        {
            // The ledger is the platform's: a purge begins before (and outside) the tenant's own scope.
            var db = Factory.ForPlatform();
            await using var dbScope = db.ConfigureAwait(false);
            var tx = await BeginWriteAsync(db, cancellationToken).ConfigureAwait(false);
            await using var txScope = tx.ConfigureAwait(false);
            db.PurgeRecords.Add(new PurgeRecordRow
            {
                PurgedTenantId = record.TenantId,
                CancelledOn = record.CancelledOn,
                PurgeDueOn = record.PurgeDueOn,
                StartedAt = record.StartedAt,
            });
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateException ex) when (UniqueViolation.Any(ex))
        {
            // Another sweep began the same purge at the same moment; both continue the one record.
        }
        return (await FindAsync(record.TenantId, cancellationToken).ConfigureAwait(false))!;
    }

    public async Task<PurgeRecord> EraseTenantDataAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        if (!string.Equals(CurrentTenant, tenantId, StringComparison.Ordinal))
        {
            throw new TenantMismatchException("A tenant's data is erased in that tenant's own scope.");
        }
        var probe = Factory.ForTenant();
        IReadOnlyList<IEntityType> tables;
        await using (probe.ConfigureAwait(false))
        {
            tables = TablesChildrenFirst(probe.Model);
        }
        foreach (var table in tables)
        {
            var db = Factory.ForTenant();
            await using var dbScope = db.ConfigureAwait(false);
            var tx = await BeginWriteAsync(db, cancellationToken).ConfigureAwait(false);
            await using var txScope = tx.ConfigureAwait(false);
            // The tenant filter restricts the delete to this tenant's rows (and row-level security does again).
            var deleted = await ((Task<int>)EraseMethod.MakeGenericMethod(table.ClrType).Invoke(null, [db, cancellationToken])!).ConfigureAwait(false);
            await AddCountAsync(db, tenantId, table.GetTableName()!, deleted, cancellationToken).ConfigureAwait(false);
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        var directoryDb = Factory.ForTenant();
        await using (directoryDb.ConfigureAwait(false))
        {
            var tx = await BeginWriteAsync(directoryDb, cancellationToken).ConfigureAwait(false);
            await using var txScope = tx.ConfigureAwait(false);
            var deleted = await directoryDb.Directory.Where(d => d.OwnerTenantId == tenantId).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            await AddCountAsync(directoryDb, tenantId, "tenant_directory", deleted, cancellationToken).ConfigureAwait(false);
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        return (await FindAsync(tenantId, cancellationToken).ConfigureAwait(false))!;
    }

    public async Task<PurgeRecord> CompleteAsync(string tenantId, DateTimeOffset purgedAt, DateOnly backupsClearBy, DateTimeOffset backupsScrubbedAt, CancellationToken cancellationToken = default)
    {
        var purged = RowMapping.Text(TenantStatus.Purged);
        var db = Factory.ForTenant();
        await using var dbScope = db.ConfigureAwait(false);
        var tx = await BeginWriteAsync(db, cancellationToken).ConfigureAwait(false);
        await using var txScope = tx.ConfigureAwait(false);
        // The tenant's row stays as the public trace of the purge: no name, no counters, status purged.
        await db.Tenants.Where(t => t.TenantId == tenantId)
            .ExecuteUpdateAsync(s => s
                .SetProperty(t => t.Name, (string?)null)
                .SetProperty(t => t.Status, purged)
                .SetProperty(t => t.PurgedAt, purgedAt)
                .SetProperty(t => t.MemberCount, 0)
                .SetProperty(t => t.StoreCount, 0)
                .SetProperty(t => t.PublishedCouponCount, 0), cancellationToken).ConfigureAwait(false);
        await db.PurgeRecords.Where(p => p.PurgedTenantId == tenantId)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.PurgedAt, purgedAt).SetProperty(p => p.BackupsClearBy, backupsClearBy).SetProperty(p => p.BackupsScrubbedAt, backupsScrubbedAt), cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return (await FindAsync(tenantId, cancellationToken).ConfigureAwait(false))!;
    }

    public async Task<PurgeRecord?> FindAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        var db = Factory.ForPlatform();
        await using var dbScope = db.ConfigureAwait(false);
        var row = await db.PurgeRecords.AsNoTracking().FirstOrDefaultAsync(p => p.PurgedTenantId == tenantId, cancellationToken).ConfigureAwait(false);
        return row is null ? null : new PurgeRecord
        {
            TenantId = row.PurgedTenantId,
            CancelledOn = row.CancelledOn,
            PurgeDueOn = row.PurgeDueOn,
            StartedAt = row.StartedAt,
            PurgedAt = row.PurgedAt,
            DeletedRows = JsonSerializer.Deserialize<Dictionary<string, long>>(row.DeletedRows, Json) ?? [],
            BackupsClearBy = row.BackupsClearBy,
            BackupsScrubbedAt = row.BackupsScrubbedAt,
        };
    }

    /// <summary>Every tenant table but the tenant's own row, ordered so that a table comes before the tables it references.</summary>
    internal static IReadOnlyList<IEntityType> TablesChildrenFirst(IModel model)
    {
        var tables = model.GetEntityTypes().Where(e => typeof(ITenantRow).IsAssignableFrom(e.ClrType) && e.ClrType != typeof(TenantRow)).ToList();
        var ordered = new List<IEntityType>();
        var visited = new HashSet<IEntityType>();
        void Visit(IEntityType table)
        {
            if (!visited.Add(table))
            {
                return;
            }
            // Everything that references this table goes first.
            foreach (var child in tables.Where(t => t != table && t.GetForeignKeys().Any(fk => fk.PrincipalEntityType == table)))
            {
                Visit(child);
            }
            ordered.Add(table);
        }
        foreach (var table in tables.OrderBy(t => t.GetTableName(), StringComparer.Ordinal))
        {
            Visit(table);
        }
        return ordered;
    }

    private static Task<int> EraseTableAsync<TRow>(SmartECouponDbContext db, CancellationToken cancellationToken)
        where TRow : class => db.Set<TRow>().ExecuteDeleteAsync(cancellationToken);

    private static async Task AddCountAsync(SmartECouponDbContext db, string tenantId, string table, int deleted, CancellationToken cancellationToken)
    {
        var row = await db.PurgeRecords.FirstAsync(p => p.PurgedTenantId == tenantId, cancellationToken).ConfigureAwait(false);
        var counts = JsonSerializer.Deserialize<Dictionary<string, long>>(row.DeletedRows, Json) ?? [];
        counts[table] = counts.GetValueOrDefault(table) + deleted;
        row.DeletedRows = JsonSerializer.Serialize(counts, Json);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
    }
}

internal sealed class EfJobLease(SmartECouponDbContextFactory factory) : EfRepository(factory), IJobLease
{
    public async Task<bool> TryAcquireAsync(string job, string holder, DateTimeOffset now, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        var expiresAt = now + duration;
        var db = Factory.ForPlatform();
        await using var dbScope = db.ConfigureAwait(false);
        // Taken over only when expired or already ours: one conditional statement, whatever races with it.
        var taken = await db.JobLeases.Where(l => l.Name == job && (l.ExpiresAt <= now || l.Holder == holder))
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.Holder, holder).SetProperty(l => l.ExpiresAt, expiresAt), cancellationToken).ConfigureAwait(false);
        if (taken == 1)
        {
            return true;
        }
        try
        {
            db.JobLeases.Add(new JobLeaseRow { Name = job, Holder = holder, ExpiresAt = expiresAt });
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (DbUpdateException ex) when (UniqueViolation.Any(ex))
        {
            return false;
        }
    }

    public async Task ReleaseAsync(string job, string holder, CancellationToken cancellationToken = default)
    {
        var db = Factory.ForPlatform();
        await using var dbScope = db.ConfigureAwait(false);
        await db.JobLeases.Where(l => l.Name == job && l.Holder == holder).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
    }
}
