using Microsoft.EntityFrameworkCore;
using Npgsql;
using SmartECoupon.Redemptions;
using SmartECoupon.Storage.EfCore.Rows;
using SmartECoupon.Storage.EfCore.Tenancy;
using SmartECoupon.Tenancy;

namespace SmartECoupon.Storage.EfCore.Repositories;

/// <summary>Which guard of a redemption's write failed.</summary>
internal enum RedemptionGuard
{
    /// <summary>The idempotency key already has a record.</summary>
    IdempotencyKey,
    /// <summary>The ticket's uses (or the user's, for a shared code) reached the coupon's per-user limit.</summary>
    TicketUses,
    /// <summary>The one-time code was used.</summary>
    OneTimeCode,
    /// <summary>The coupon is no longer published, or its total limit is reached.</summary>
    Coupon,
}

/// <summary>
/// A redemption's writes, sent without EF's change tracking or LINQ translation, which on this hot path cost more than
/// the work. The statements, in the order that keeps locks short and every limit exact: the idempotency record first (a
/// concurrent request with the same key waits there, holding nothing), then each limit's guard, the rows that go with
/// the use, and last the coupon's counter, the row every use of a hot coupon waits on. Each guard is one conditional
/// statement whose affected-row count decides. Every statement names the tenant; on PostgreSQL row-level security still
/// binds them.
/// </summary>
/// <remarks>
/// SQLite runs the statements one by one in the write transaction, on a connection kept for them with the statements
/// compiled (<see cref="SqliteRedemptionWriter"/>), and stops at the first guard that fails. PostgreSQL runs the same statements in one function (migration <c>RedemptionFunction</c>): one round
/// trip, committed in it, so that the hot coupon's row is never locked across a round trip to the client.
/// </remarks>
internal sealed class RedemptionStatements
{
    private const string InsertIdempotency = """
        INSERT INTO "idempotency_records" ("tenant_id", "key", "fingerprint", "state", "created_at", "locked_until", "expires_at", "outcome_code", "media_type", "payload")
        VALUES (@tenant, @key, @fingerprint, @state, @created_at, @locked_until, @expires_at, @outcome_code, @media_type, @payload)
        ON CONFLICT DO NOTHING
        """;

    private const string GuardTicketUses = """
        UPDATE "tickets" SET "used_count" = "used_count" + 1
        WHERE "tenant_id" = @tenant AND "id" = @ticket AND "coupon_id" = @coupon
          AND "used_count" < COALESCE((SELECT "per_user_limit" FROM "coupons" WHERE "tenant_id" = @tenant AND "id" = @coupon), 2147483647)
        """;

    private const string GuardOneTimeCode = """
        UPDATE "codes" SET "redemption_id" = @redemption
        WHERE "tenant_id" = @tenant AND "code" = @code AND "coupon_id" = @coupon AND "kind" = @kind AND "redemption_id" IS NULL
        """;

    private const string InsertRedemption = """
        INSERT INTO "redemptions" ("tenant_id", "id", "coupon_id", "ticket_id", "one_time_code", "user_key", "store_id", "channel", "redeemed_at", "redeemed_by", "voided_at", "voided_by")
        VALUES (@tenant, @id, @coupon, @ticket, @code, @user_key, @store, @channel, @redeemed_at, @redeemed_by, NULL, NULL)
        """;

    private const string InsertAudit = """
        INSERT INTO "audit_entries" ("tenant_id", "id", "at", "actor_kind", "actor_id", "action", "target_type", "target_id")
        VALUES (@tenant, @id, @at, @actor_kind, @actor_id, @action, @target_type, @target_id)
        """;

    private const string GuardCoupon = """
        UPDATE "coupons" SET "redeemed_count" = "redeemed_count" + 1
        WHERE "tenant_id" = @tenant AND "id" = @coupon AND "status" = @published AND ("total_limit" IS NULL OR "redeemed_count" < "total_limit")
        """;

    /// <summary>The SQLSTATE the PostgreSQL function raises when a guard fails; the message names the guard.</summary>
    private const string GuardFailedState = "SC001";

    private readonly string _tenantId;
    private readonly RedemptionRow _redemption;
    private readonly AuditRow _audit;
    private readonly IdempotencyRow? _record;
    private readonly string? _guardTicketId;
    private readonly string? _guardCode;

    private RedemptionStatements(string tenantId, RedemptionWrite write)
    {
        _tenantId = tenantId;
        _redemption = RowMapping.ToRow(write.Redemption);
        _audit = RowMapping.ToRow(write.Audit);
        _record = write.Idempotency is null ? null : RowMapping.ToRow(write.Idempotency);
        if (_redemption.TenantId != tenantId || _audit.TenantId != tenantId || (_record is not null && _record.TenantId != tenantId))
        {
            throw new TenantMismatchException("A redemption is written only in the current tenant.");
        }
        if (write.Method is RedemptionMethod.Ticket or RedemptionMethod.SharedCode)
        {
            _guardTicketId = _redemption.TicketId ?? throw new ArgumentException("A ticket or shared-code redemption names the user's ticket.", nameof(write));
        }
        if (write.Method == RedemptionMethod.OneTimeCode)
        {
            _guardCode = _redemption.OneTimeCode ?? throw new ArgumentException("A one-time-code redemption names the code.", nameof(write));
        }
    }

    /// <summary>The statements for <paramref name="write"/>, whose rows must all belong to <paramref name="tenantId"/>.</summary>
    /// <exception cref="TenantMismatchException">A row belongs to another tenant.</exception>
    public static RedemptionStatements For(RedemptionWrite write, string tenantId) => new(tenantId, write);

    /// <summary>
    /// PostgreSQL: calls the function on the context's connection, outside any explicit transaction, so that it commits
    /// in its own round trip (with the session statement in front, in the same implicit transaction). Returns the guard that failed (everything rolled back), or null when written and committed.
    /// </summary>
    public async Task<RedemptionGuard?> RunAsync(SmartECouponDbContext db, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var command = ((NpgsqlConnection)db.Database.GetDbConnection()).CreateCommand();
        await using (command.ConfigureAwait(false))
        {
            command.CommandText = """
                SELECT smartecoupon_redeem(@tenant, @coupon, @published, @guard_ticket, @guard_code, @one_time_kind, @redemption, @ticket,
                    @code, @user_key, @store, @channel, @redeemed_at, @redeemed_by, @audit, @audit_at, @actor_kind, @actor_id, @action,
                    @target_type, @target_id, @key, @fingerprint, @state, @created_at, @locked_until, @expires_at, @outcome_code,
                    @media_type, @payload)
                """;
            Add(command, "tenant", _tenantId);
            Add(command, "coupon", _redemption.CouponId);
            Add(command, "published", RowMapping.Published);
            Add(command, "guard_ticket", _guardTicketId);
            Add(command, "guard_code", _guardCode);
            Add(command, "one_time_kind", CodeKinds.OneTime);
            Add(command, "redemption", _redemption.Id);
            Add(command, "ticket", _redemption.TicketId);
            Add(command, "code", _redemption.OneTimeCode);
            Add(command, "user_key", _redemption.UserKey);
            Add(command, "store", _redemption.StoreId);
            Add(command, "channel", _redemption.Channel);
            Add(command, "redeemed_at", _redemption.RedeemedAt);
            Add(command, "redeemed_by", _redemption.RedeemedBy);
            Add(command, "audit", _audit.Id);
            Add(command, "audit_at", _audit.At);
            Add(command, "actor_kind", _audit.ActorKind);
            Add(command, "actor_id", _audit.ActorId);
            Add(command, "action", _audit.Action);
            Add(command, "target_type", _audit.TargetType);
            Add(command, "target_id", _audit.TargetId);
            Add(command, "key", _record?.Key);
            Add(command, "fingerprint", _record?.Fingerprint);
            Add(command, "state", _record?.State);
            Add(command, "created_at", _record?.CreatedAt);
            Add(command, "locked_until", _record?.LockedUntil);
            Add(command, "expires_at", _record?.ExpiresAt);
            Add(command, "outcome_code", _record?.OutcomeCode);
            Add(command, "media_type", _record?.MediaType);
            Add(command, "payload", _record?.Payload);
            PostgreSqlSessionInterceptor.Enter(command, db);
            try
            {
                var result = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                return result is "idempotency_key" ? RedemptionGuard.IdempotencyKey : null;
            }
            catch (PostgresException ex) when (ex.SqlState == GuardFailedState)
            {
                return ex.MessageText switch
                {
                    "ticket_uses" => RedemptionGuard.TicketUses,
                    "one_time_code" => RedemptionGuard.OneTimeCode,
                    _ => RedemptionGuard.Coupon,
                };
            }
        }
    }

    private static void Add(NpgsqlCommand command, string name, string? value) =>
        command.Parameters.Add(new NpgsqlParameter(name, NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value });

    private static void Add(NpgsqlCommand command, string name, DateTimeOffset? value) =>
        command.Parameters.Add(new NpgsqlParameter(name, NpgsqlTypes.NpgsqlDbType.TimestampTz)
        {
            Value = value is { } instant ? Instants.Truncate(instant.ToUniversalTime()) : DBNull.Value,
        });

    /// <summary>A parameter's value as SQLite stores it: instants as microseconds since the epoch, null as NULL.</summary>
    internal static object SqliteValue(object? value) => value switch
    {
        null => DBNull.Value,
        DateTimeOffset instant => UtcMicrosecondsConverter.ToMicroseconds(instant),
        _ => value,
    };

    /// <summary>SQLite: the statements in order, each with its parameters and the guard its affected-row count decides.</summary>
    internal IEnumerable<(string Sql, KeyValuePair<string, object?>[] Parameters, RedemptionGuard? Guard)> SqliteStatements()
    {
        if (_record is { } record)
        {
            yield return (InsertIdempotency,
            [
                new("@tenant", _tenantId), new("@key", record.Key), new("@fingerprint", record.Fingerprint), new("@state", record.State),
                new("@created_at", record.CreatedAt), new("@locked_until", record.LockedUntil), new("@expires_at", record.ExpiresAt),
                new("@outcome_code", record.OutcomeCode), new("@media_type", record.MediaType), new("@payload", record.Payload),
            ], RedemptionGuard.IdempotencyKey);
        }
        if (_guardTicketId is not null)
        {
            yield return (GuardTicketUses, [new("@tenant", _tenantId), new("@ticket", _guardTicketId), new("@coupon", _redemption.CouponId)], RedemptionGuard.TicketUses);
        }
        if (_guardCode is not null)
        {
            yield return (GuardOneTimeCode,
                [new("@tenant", _tenantId), new("@redemption", _redemption.Id), new("@code", _guardCode), new("@coupon", _redemption.CouponId), new("@kind", CodeKinds.OneTime)],
                RedemptionGuard.OneTimeCode);
        }
        yield return (InsertRedemption,
        [
            new("@tenant", _tenantId), new("@id", _redemption.Id), new("@coupon", _redemption.CouponId), new("@ticket", _redemption.TicketId),
            new("@code", _redemption.OneTimeCode), new("@user_key", _redemption.UserKey), new("@store", _redemption.StoreId), new("@channel", _redemption.Channel),
            new("@redeemed_at", _redemption.RedeemedAt), new("@redeemed_by", _redemption.RedeemedBy),
        ], null);
        yield return (InsertAudit,
        [
            new("@tenant", _tenantId), new("@id", _audit.Id), new("@at", _audit.At), new("@actor_kind", _audit.ActorKind), new("@actor_id", _audit.ActorId),
            new("@action", _audit.Action), new("@target_type", _audit.TargetType), new("@target_id", _audit.TargetId),
        ], null);
        yield return (GuardCoupon, [new("@tenant", _tenantId), new("@coupon", _redemption.CouponId), new("@published", RowMapping.Published)], RedemptionGuard.Coupon);
    }
}
