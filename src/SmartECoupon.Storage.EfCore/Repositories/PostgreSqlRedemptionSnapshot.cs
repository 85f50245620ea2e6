using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using SmartECoupon.Storage.EfCore.Rows;
using SmartECoupon.Storage.EfCore.Tenancy;

namespace SmartECoupon.Storage.EfCore.Repositories;

/// <summary>
/// PostgreSQL: a redemption's look-up in one call of <c>smartecoupon_redemption_snapshot</c> (migration
/// SnapshotFunctions), which answers the rows as JSON. The function's plans stay on the server connection, so the
/// look-up costs the same whether the client prepared anything or not: behind a transaction pooler, where nothing can
/// be prepared, EF's join of 27 columns was parsed and planned on every redemption, which cost more than running it.
/// </summary>
internal static class PostgreSqlRedemptionSnapshot
{
    public const string ByTicketToken = "token";
    public const string ByCode = "code";
    public const string BySharedCode = "shared";

    /// <summary>The rows the look-up found (the coupon, and the ticket or code), or null when nothing matched.</summary>
    public static async Task<Found?> FindAsync(SmartECouponDbContext db, string tenantId, string kind, string value, string? userKey, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var command = ((NpgsqlConnection)db.Database.GetDbConnection()).CreateCommand();
        await using (command.ConfigureAwait(false))
        {
            command.CommandText = "SELECT smartecoupon_redemption_snapshot(@tenant, @kind, @value, @user_key)";
            command.Parameters.Add(new NpgsqlParameter("tenant", NpgsqlDbType.Text) { Value = tenantId });
            command.Parameters.Add(new NpgsqlParameter("kind", NpgsqlDbType.Text) { Value = kind });
            command.Parameters.Add(new NpgsqlParameter("value", NpgsqlDbType.Text) { Value = value });
            command.Parameters.Add(new NpgsqlParameter("user_key", NpgsqlDbType.Text) { Value = (object?)userKey ?? DBNull.Value });
            PostgreSqlSessionInterceptor.Enter(command, db);
            var json = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
            var found = json is null ? null : JsonSerializer.Deserialize(json, SnapshotJson.Default.Found);
            // The tenant is in every condition of the function, and row-level security binds it too: a row of another
            // tenant here would be a defect of both, so it is refused rather than used.
            if (found?.Coupon is { } coupon && coupon.TenantId != tenantId)
            {
                throw new InvalidOperationException("The redemption look-up answered a row of another tenant.");
            }
            return found?.Coupon is null ? null : found;
        }
    }

    internal sealed class Found
    {
        public CouponRow? Coupon { get; set; }

        public TicketRow? Ticket { get; set; }

        public CodeRow? Code { get; set; }
    }

    /// <summary>Instants as the entity model reads them: UTC (to_json writes them in the session's time zone).</summary>
    internal sealed class UtcInstantConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.GetDateTimeOffset().ToUniversalTime();

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value);
    }
}

// Columns by their names in the database (snake_case of the row types' properties, as the model names them).
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, Converters = [typeof(PostgreSqlRedemptionSnapshot.UtcInstantConverter)])]
[JsonSerializable(typeof(PostgreSqlRedemptionSnapshot.Found))]
internal sealed partial class SnapshotJson : JsonSerializerContext;
