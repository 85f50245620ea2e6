using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SmartECoupon.Storage.EfCore.Migrations.PostgreSql
{
    /// <summary>
    /// An idempotency key keeps an opaque outcome (outcome code, media type, payload) instead of an HTTP status: the
    /// library stores what a request came to, and the host maps it to its status. Records written before keep their
    /// answers: the outcome code is read from the old status and the problem's code.
    /// </summary>
    /// <inheritdoc />
    internal partial class IdempotentOutcome : Migration
    {
        /// <summary>The redemption function, now writing the key's outcome code, media type and payload.</summary>
        internal const string CreateSql = """
                CREATE OR REPLACE FUNCTION smartecoupon_redeem(
                    p_tenant_id text,
                    p_coupon_id text,
                    p_published text,
                    p_guard_ticket_id text,
                    p_guard_code text,
                    p_one_time_kind text,
                    p_redemption_id text,
                    p_ticket_id text,
                    p_one_time_code text,
                    p_user_key text,
                    p_store_id text,
                    p_channel text,
                    p_redeemed_at timestamptz,
                    p_redeemed_by text,
                    p_audit_id text,
                    p_audit_at timestamptz,
                    p_actor_kind text,
                    p_actor_id text,
                    p_action text,
                    p_target_type text,
                    p_target_id text,
                    p_key text,
                    p_fingerprint text,
                    p_state text,
                    p_created_at timestamptz,
                    p_locked_until timestamptz,
                    p_expires_at timestamptz,
                    p_outcome_code text,
                    p_media_type text,
                    p_payload text)
                RETURNS text
                LANGUAGE plpgsql
                AS $$
                BEGIN
                    -- The key first: a concurrent request with the same key waits here, holding nothing.
                    IF p_key IS NOT NULL THEN
                        INSERT INTO idempotency_records (tenant_id, key, fingerprint, state, created_at, locked_until, expires_at, outcome_code, media_type, payload)
                        VALUES (p_tenant_id, p_key, p_fingerprint, p_state, p_created_at, p_locked_until, p_expires_at, p_outcome_code, p_media_type, p_payload)
                        ON CONFLICT DO NOTHING;
                        IF NOT FOUND THEN
                            RETURN 'idempotency_key';
                        END IF;
                    END IF;

                    IF p_guard_ticket_id IS NOT NULL THEN
                        UPDATE tickets SET used_count = used_count + 1
                        WHERE tenant_id = p_tenant_id AND id = p_guard_ticket_id AND coupon_id = p_coupon_id
                          AND used_count < COALESCE((SELECT per_user_limit FROM coupons WHERE tenant_id = p_tenant_id AND id = p_coupon_id), 2147483647);
                        IF NOT FOUND THEN
                            RAISE EXCEPTION 'ticket_uses' USING ERRCODE = 'SC001';
                        END IF;
                    END IF;

                    IF p_guard_code IS NOT NULL THEN
                        UPDATE codes SET redemption_id = p_redemption_id
                        WHERE tenant_id = p_tenant_id AND code = p_guard_code AND coupon_id = p_coupon_id AND kind = p_one_time_kind AND redemption_id IS NULL;
                        IF NOT FOUND THEN
                            RAISE EXCEPTION 'one_time_code' USING ERRCODE = 'SC001';
                        END IF;
                    END IF;

                    INSERT INTO redemptions (tenant_id, id, coupon_id, ticket_id, one_time_code, user_key, store_id, channel, redeemed_at, redeemed_by, voided_at, voided_by)
                    VALUES (p_tenant_id, p_redemption_id, p_coupon_id, p_ticket_id, p_one_time_code, p_user_key, p_store_id, p_channel, p_redeemed_at, p_redeemed_by, NULL, NULL);

                    INSERT INTO audit_entries (tenant_id, id, at, actor_kind, actor_id, action, target_type, target_id)
                    VALUES (p_tenant_id, p_audit_id, p_audit_at, p_actor_kind, p_actor_id, p_action, p_target_type, p_target_id);

                    -- Last: the row every use of a hot coupon waits on.
                    UPDATE coupons SET redeemed_count = redeemed_count + 1
                    WHERE tenant_id = p_tenant_id AND id = p_coupon_id AND status = p_published AND (total_limit IS NULL OR redeemed_count < total_limit);
                    IF NOT FOUND THEN
                        RAISE EXCEPTION 'coupon' USING ERRCODE = 'SC001';
                    END IF;

                    RETURN NULL;
                END
                $$;
            """;

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.RenameColumn(
                name: "response_content_type",
                table: "idempotency_records",
                newName: "media_type");

            migrationBuilder.RenameColumn(
                name: "response_body",
                table: "idempotency_records",
                newName: "payload");

            migrationBuilder.AddColumn<string>(
                name: "outcome_code",
                table: "idempotency_records",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.Sql("""
                -- The table's row-level security binds its owner too: the fill reads every tenant's records.
                SELECT set_config('smartecoupon.scope', 'all', true);
                UPDATE "idempotency_records" SET "outcome_code" = CASE
                    WHEN "response_status" BETWEEN 200 AND 299 THEN 'succeeded'
                    WHEN "response_status" = 404 THEN 'not_found'
                    WHEN "media_type" LIKE '%json' THEN COALESCE("payload"::jsonb ->> 'code', 'conflict')
                    ELSE "payload" END
                WHERE "response_status" IS NOT NULL;
                """);

            migrationBuilder.DropColumn(
                name: "response_status",
                table: "idempotency_records");

            migrationBuilder.Sql("DROP FUNCTION IF EXISTS smartecoupon_redeem(text, text, text, text, text, text, text, text, text, text, text, text, timestamptz, text, text, timestamptz, text, text, text, text, text, text, text, text, timestamptz, timestamptz, timestamptz, integer, text, text);");
            migrationBuilder.Sql(CreateSql);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS smartecoupon_redeem(text, text, text, text, text, text, text, text, text, text, text, text, timestamptz, text, text, timestamptz, text, text, text, text, text, text, text, text, timestamptz, timestamptz, timestamptz, text, text, text);");

            migrationBuilder.RenameColumn(
                name: "payload",
                table: "idempotency_records",
                newName: "response_body");

            migrationBuilder.RenameColumn(
                name: "media_type",
                table: "idempotency_records",
                newName: "response_content_type");

            migrationBuilder.AddColumn<int>(
                name: "response_status",
                table: "idempotency_records",
                type: "integer",
                nullable: true);

            migrationBuilder.Sql("""
                SELECT set_config('smartecoupon.scope', 'all', true);
                UPDATE "idempotency_records" SET "response_status" = CASE "outcome_code" WHEN 'succeeded' THEN 201 WHEN 'not_found' THEN 404 ELSE 409 END
                WHERE "outcome_code" IS NOT NULL;
                """);

            migrationBuilder.DropColumn(
                name: "outcome_code",
                table: "idempotency_records");

            migrationBuilder.Sql(RedemptionFunction.CreateSql);
        }
    }
}
