using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using SmartECoupon;
using SmartECoupon.Storage.EfCore;

/// <summary>
/// The baseline: the redemption's writes as a developer would hand-write them with ADO.NET, in one transaction on one
/// connection kept open per worker: the idempotency record (stored completed, with its answer), the ticket's guarded
/// use count, the redemption row, the audit row and the coupon's guarded counter. On PostgreSQL the five statements go
/// as one batch (one round trip) and COMMIT or ROLLBACK as a second; on SQLite they run under BEGIN IMMEDIATE with the
/// same in-process writer queue the library uses, since the database has one writer.
/// It reads nothing and checks no rule beyond the two guards: it is the floor of the writes, not a coupon engine.
/// </summary>
internal sealed class RawRedeemer : IAsyncDisposable
{
    private const string InsertIdempotency =
        "INSERT INTO idempotency_records (tenant_id, key, fingerprint, state, created_at, locked_until, expires_at, outcome_code, media_type, payload) " +
        "VALUES (@tenant, @key, @fingerprint, 'completed', @now, @now, @expires, 'succeeded', 'application/json', @body)";
    private const string GuardTicket =
        "UPDATE tickets SET used_count = used_count + 1 WHERE tenant_id = @tenant AND id = @ticket AND coupon_id = @coupon AND used_count < COALESCE((SELECT per_user_limit FROM coupons WHERE tenant_id = @tenant AND id = @coupon), 2147483647)";
    private const string InsertRedemption =
        "INSERT INTO redemptions (tenant_id, id, coupon_id, ticket_id, one_time_code, user_key, store_id, channel, redeemed_at, redeemed_by, voided_at, voided_by) " +
        "VALUES (@tenant, @redemption, @coupon, @ticket, NULL, @user, NULL, 'api', @now, @member, NULL, NULL)";
    private const string InsertAudit =
        "INSERT INTO audit_entries (tenant_id, id, at, actor_kind, actor_id, action, target_type, target_id) " +
        "VALUES (@tenant, @audit, @now, 'member', @member, 'redemption.created', 'redemption', @redemption)";
    private const string GuardCoupon =
        "UPDATE coupons SET redeemed_count = redeemed_count + 1 WHERE tenant_id = @tenant AND id = @coupon AND status = 'published' AND (total_limit IS NULL OR redeemed_count < total_limit)";

    private readonly StorageProvider _provider;
    private readonly DbConnection _connection;
    private readonly SemaphoreSlim? _writerQueue;
    private readonly string _tenantId;
    private readonly string _memberId;

    private RawRedeemer(StorageProvider provider, DbConnection connection, SemaphoreSlim? writerQueue, string tenantId, string memberId)
    {
        _provider = provider;
        _connection = connection;
        _writerQueue = writerQueue;
        _tenantId = tenantId;
        _memberId = memberId;
    }

    public static async Task<RawRedeemer> OpenAsync(StorageProvider provider, string connectionString, string tenantId, string memberId, SemaphoreSlim writerQueue) =>
        new(provider, await RedemptionFixture.OpenAsync(provider, connectionString, tenantId), provider == StorageProvider.Sqlite ? writerQueue : null, tenantId, memberId);

    public async Task<bool> RedeemAsync(RedemptionTarget target)
    {
        var now = Instants.Now(TimeProvider.System);
        var redemptionId = EntityIds.New(EntityIds.RedemptionPrefix, now);
        var auditId = EntityIds.New(EntityIds.AuditEntryPrefix, now);
        var body = $$"""{"id":"{{redemptionId}}","couponId":"{{target.CouponId}}","ticketId":"{{target.TicketId}}","userKey":"{{target.UserKey}}","storeId":null,"channel":"api","redeemedAt":"{{now:O}}","redeemedBy":"{{_memberId}}"}""";
        var values = new Dictionary<string, object>
        {
            ["@tenant"] = _tenantId,
            ["@key"] = Guid.NewGuid().ToString("N"),
            ["@fingerprint"] = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()),
            ["@now"] = Time(now),
            ["@expires"] = Time(now.AddHours(24)),
            ["@body"] = body,
            ["@ticket"] = target.TicketId,
            ["@coupon"] = target.CouponId,
            ["@perUser"] = RedemptionFixture.PerUserLimit,
            ["@redemption"] = redemptionId,
            ["@user"] = target.UserKey,
            ["@member"] = _memberId,
            ["@audit"] = auditId,
        };
        return _provider == StorageProvider.PostgreSql ? await RedeemPostgreSqlAsync(values) : await RedeemSqliteAsync(values);
    }

    /// <summary>An instant as each provider stores it: microseconds since the epoch (SQLite), timestamptz (PostgreSQL).</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1859", Justification = "Boxed on purpose: a long for SQLite, a DateTime for PostgreSQL.")]
    private object Time(DateTimeOffset value)
    {
        if (_provider == StorageProvider.Sqlite)
        {
            return (value.UtcTicks - DateTimeOffset.UnixEpoch.Ticks) / TimeSpan.TicksPerMicrosecond;
        }
        return value.UtcDateTime;
    }

    private async Task<bool> RedeemPostgreSqlAsync(Dictionary<string, object> values)
    {
        var connection = (NpgsqlConnection)_connection;
        await using var transaction = await connection.BeginTransactionAsync();
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var sql in (string[])[InsertIdempotency, GuardTicket, InsertRedemption, InsertAudit, GuardCoupon])
        {
            var command = new NpgsqlBatchCommand(sql);
            foreach (var (name, value) in values)
            {
                if (sql.Contains(name, StringComparison.Ordinal))
                {
                    command.Parameters.AddWithValue(name[1..], value);
                }
            }
            batch.BatchCommands.Add(command);
        }
        await batch.ExecuteNonQueryAsync();
        if (batch.BatchCommands[1].RecordsAffected != 1 || batch.BatchCommands[4].RecordsAffected != 1)
        {
            await transaction.RollbackAsync();
            return false;
        }
        await transaction.CommitAsync();
        return true;
    }

    private async Task<bool> RedeemSqliteAsync(Dictionary<string, object> values)
    {
        var connection = (SqliteConnection)_connection;
        await _writerQueue!.WaitAsync();
        try
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
            var affected = new int[5];
            var statements = (string[])[InsertIdempotency, GuardTicket, InsertRedemption, InsertAudit, GuardCoupon];
            for (var i = 0; i < statements.Length; i++)
            {
                await using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = statements[i];
                foreach (var (name, value) in values)
                {
                    if (statements[i].Contains(name, StringComparison.Ordinal))
                    {
                        command.Parameters.AddWithValue(name, value);
                    }
                }
                affected[i] = await command.ExecuteNonQueryAsync();
                if (affected[i] != 1)
                {
                    await transaction.RollbackAsync();
                    return false;
                }
            }
            await transaction.CommitAsync();
            return true;
        }
        finally
        {
            _writerQueue.Release();
        }
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
