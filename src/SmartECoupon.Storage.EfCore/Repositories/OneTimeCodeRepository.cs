using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;
using SmartECoupon.Auditing;
using SmartECoupon.Coupons;
using SmartECoupon.Storage.EfCore.Rows;

namespace SmartECoupon.Storage.EfCore.Repositories;

/// <summary>
/// One-time codes, inserted in bulk. Each call is one short transaction, so on SQLite (one writer) other writes go on
/// between batches; uniqueness within the tenant is the database's primary key, and codes it already holds are skipped
/// (<c>ON CONFLICT DO NOTHING</c>) and counted out, for the caller to replace.
/// </summary>
internal sealed class EfOneTimeCodeRepository(SmartECouponDbContextFactory factory) : EfRepository(factory), IOneTimeCodeRepository
{
    public async Task<int> AddBatchAsync(string couponId, IReadOnlyList<string> codes, DateTimeOffset createdAt, AuditEntry? audit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(codes);
        var tenantId = CurrentTenant;
        var db = Factory.ForTenant();
        await using var dbScope = db.ConfigureAwait(false);
        var tx = await BeginWriteAsync(db, cancellationToken).ConfigureAwait(false);
        await using var txScope = tx.ConfigureAwait(false);
        var inserted = db.Provider == StorageProvider.PostgreSql
            ? await InsertPostgreSqlAsync(db, tenantId, couponId, codes, createdAt, cancellationToken).ConfigureAwait(false)
            : await InsertSqliteAsync(db, tenantId, couponId, codes, createdAt, cancellationToken).ConfigureAwait(false);
        if (inserted > 0)
        {
            await db.Coupons.Where(c => c.Id == couponId)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.IssuedCount, c => c.IssuedCount + inserted), cancellationToken).ConfigureAwait(false);
        }
        if (audit is not null)
        {
            db.AuditEntries.Add(Audit(audit));
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return inserted;
    }

    private static async Task<int> InsertSqliteAsync(SmartECouponDbContext db, string tenantId, string couponId, IReadOnlyList<string> codes, DateTimeOffset createdAt, CancellationToken cancellationToken)
    {
        var connection = (SqliteConnection)Connection(db);
        var command = connection.CreateCommand();
        await using var commandScope = command.ConfigureAwait(false);
        command.Transaction = (SqliteTransaction)db.Database.CurrentTransaction!.GetDbTransaction();
        command.CommandText = """
            INSERT INTO codes (tenant_id, code, coupon_id, kind, created_at)
            VALUES ($tenant, $code, $coupon, $kind, $at)
            ON CONFLICT DO NOTHING
            """;
        command.Parameters.AddWithValue("$tenant", tenantId);
        var code = command.Parameters.Add("$code", SqliteType.Text);
        command.Parameters.AddWithValue("$coupon", couponId);
        command.Parameters.AddWithValue("$kind", CodeKinds.OneTime);
        command.Parameters.AddWithValue("$at", UtcMicrosecondsConverter.ToMicroseconds(createdAt));
        command.Prepare();
        var inserted = 0;
        foreach (var value in codes)
        {
            code.Value = value;
            inserted += await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        return inserted;
    }

    private static async Task<int> InsertPostgreSqlAsync(SmartECouponDbContext db, string tenantId, string couponId, IReadOnlyList<string> codes, DateTimeOffset createdAt, CancellationToken cancellationToken)
    {
        // PostgreSQL refuses COPY FROM into a table under row-level security. Binary COPY into a temporary table that
        // lives as long as this transaction (a pooler may give the next one another server session), then one INSERT ... SELECT, which the policies check like any other insert. In code order, so that
        // the primary key's B-tree is filled page by page rather than at random.
        var connection = (NpgsqlConnection)Connection(db);
        await db.Database.ExecuteSqlRawAsync(
            "CREATE TEMPORARY TABLE codes_staging (code text NOT NULL) ON COMMIT DROP", cancellationToken).ConfigureAwait(false);
        var importer = await connection.BeginBinaryImportAsync("COPY codes_staging (code) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
        await using (importer.ConfigureAwait(false))
        {
            foreach (var value in codes)
            {
                await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(value, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            }
            await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
        return await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO codes (tenant_id, code, coupon_id, kind, created_at)
            SELECT {tenantId}, code, {couponId}, {CodeKinds.OneTime}, {createdAt.ToUniversalTime()} FROM codes_staging ORDER BY code
            ON CONFLICT DO NOTHING
            """, cancellationToken).ConfigureAwait(false);
    }

    public async Task<OneTimeCode?> FindAsync(string code, CancellationToken cancellationToken = default)
    {
        var db = Factory.ForTenant();
        await using var dbScope = db.ConfigureAwait(false);
        var row = await db.Codes.AsNoTracking().FirstOrDefaultAsync(c => c.Code == code && c.Kind == CodeKinds.OneTime, cancellationToken).ConfigureAwait(false);
        return row is null ? null : RowMapping.ToOneTimeCode(row);
    }

    public async Task<Page<OneTimeCode>> ListAsync(string couponId, PageRequest page, CancellationToken cancellationToken = default)
    {
        var db = Factory.ForTenant();
        await using var dbScope = db.ConfigureAwait(false);
        return await Paging.ListAsync(db.Codes.AsNoTracking().Where(c => c.CouponId == couponId && c.Kind == CodeKinds.OneTime), r => r.Code, page, RowMapping.ToOneTimeCode, cancellationToken).ConfigureAwait(false);
    }
}
