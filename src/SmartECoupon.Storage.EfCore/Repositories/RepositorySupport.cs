using System.Data.Common;
using System.Linq.Expressions;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using SmartECoupon.Storage.EfCore.Rows;

namespace SmartECoupon.Storage.EfCore.Repositories;

/// <summary>Recognises a unique-key violation on either provider, and which table or key it hit.</summary>
internal static class UniqueViolation
{
    public static bool Hit(Exception exception, string table, string? column = null)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } pg:
                    var constraint = pg.ConstraintName ?? "";
                    return constraint.Contains(table, StringComparison.Ordinal)
                        && (column is null || constraint.Contains(column, StringComparison.Ordinal));
                case SqliteException { SqliteErrorCode: 19 } sqlite when sqlite.Message.Contains("UNIQUE", StringComparison.Ordinal):
                    // "UNIQUE constraint failed: tickets.tenant_id, tickets.coupon_id, tickets.user_key"
                    return sqlite.Message.Contains(table + ".", StringComparison.Ordinal)
                        && (column is null || sqlite.Message.Contains(table + "." + column, StringComparison.Ordinal));
            }
        }
        return false;
    }

    public static bool Any(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } or SqliteException { SqliteErrorCode: 19 })
            {
                return true;
            }
        }
        return false;
    }
}

/// <summary>Keyset paging by an ordered string key, with an opaque cursor.</summary>
internal static class Paging
{
    private const string Version = "v1:";

    private static string? After(PageRequest page)
    {
        if (page.Cursor is null)
        {
            return null;
        }
        try
        {
            var text = Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(page.Cursor));
            return text.StartsWith(Version, StringComparison.Ordinal) ? text[Version.Length..] : InvalidCursor();
        }
        catch (FormatException)
        {
            return InvalidCursor();
        }
    }

    /// <summary>
    /// One page of <paramref name="query"/> ordered by <paramref name="key"/>: the rows after the cursor, and one more to
    /// tell whether a next page exists.
    /// </summary>
    public static async Task<Page<T>> ListAsync<TRow, T>(IQueryable<TRow> query, Expression<Func<TRow, string>> key, PageRequest page, Func<TRow, T> map, CancellationToken cancellationToken)
    {
        if (After(page) is { } after)
        {
            // key(row).CompareTo(after) > 0, with `after` read through a member so that EF sends it as a parameter.
            var bound = Expression.Property(Expression.Constant(new CursorValue(after)), nameof(CursorValue.Value));
            var compare = Expression.Call(key.Body, typeof(string).GetMethod(nameof(string.CompareTo), [typeof(string)])!, bound);
            query = query.Where(Expression.Lambda<Func<TRow, bool>>(Expression.GreaterThan(compare, Expression.Constant(0)), key.Parameters));
        }
        var rows = await query.OrderBy(key).Take(page.Limit + 1).ToListAsync(cancellationToken).ConfigureAwait(false);
        return Of(rows, page.Limit, key.Compile(), map);
    }

    private sealed record CursorValue(string Value);

    private static Page<T> Of<TRow, T>(List<TRow> rows, int limit, Func<TRow, string> key, Func<TRow, T> map)
    {
        var hasMore = rows.Count > limit;
        var items = rows.Take(limit).Select(map).ToList();
        var next = hasMore ? System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(Version + key(rows[limit - 1]))) : null;
        return new Page<T>(items, next);
    }

    private static string InvalidCursor() => throw new ArgumentException("The cursor is not one this store issued.", "cursor");
}

/// <summary>Shared plumbing of the stores.</summary>
internal abstract class EfRepository(SmartECouponDbContextFactory factory)
{
    protected SmartECouponDbContextFactory Factory { get; } = factory;

    protected string CurrentTenant => Factory.TenantContext.RequireTenantId();

    protected Task<WriteTransaction> BeginWriteAsync(SmartECouponDbContext db, CancellationToken cancellationToken) =>
        WriteTransaction.BeginAsync(db, Factory.WriteGate, cancellationToken);

    protected static DbConnection Connection(SmartECouponDbContext db) => db.Database.GetDbConnection();

    protected static AuditRow Audit(Auditing.AuditEntry entry) => RowMapping.ToRow(entry);
}
