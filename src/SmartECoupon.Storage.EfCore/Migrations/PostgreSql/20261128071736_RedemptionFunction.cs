using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SmartECoupon.Storage.EfCore.Migrations.PostgreSql
{
    /// <summary>
    /// A redemption's writes as one function, so that they take one round trip and commit in it: the coupon row, which
    /// every use of a hot coupon waits on, stays locked for the update and the commit only, not for a round trip to the
    /// client. The statements and their order are those of the SQLite path (Stores/RedemptionStatements.cs); a guard that
    /// fails raises SQLSTATE SC001 with the guard's name, which rolls every statement back. The function runs with the
    /// caller's rights, so row-level security binds it like any other statement.
    /// </summary>
    /// <inheritdoc />
    internal partial class RedemptionFunction : Migration
    {
        /// <summary>The function as this migration creates it (a later migration that replaces it restores it on the way down).</summary>
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
                    p_response_status integer,
                    p_response_content_type text,
                    p_response_body text)
                RETURNS text
                LANGUAGE plpgsql
                AS $$
                BEGIN
                    -- The key first: a concurrent request with the same key waits here, holding nothing.
                    IF p_key IS NOT NULL THEN
                        INSERT INTO idempotency_records (tenant_id, key, fingerprint, state, created_at, locked_until, expires_at, response_status, response_content_type, response_body)
                        VALUES (p_tenant_id, p_key, p_fingerprint, p_state, p_created_at, p_locked_until, p_expires_at, p_response_status, p_response_content_type, p_response_body)
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
            migrationBuilder.Sql(CreateSql);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS smartecoupon_redeem(text, text, text, text, text, text, text, text, text, text, text, text, timestamptz, text, text, timestamptz, text, text, text, text, text, text, text, text, timestamptz, timestamptz, timestamptz, integer, text, text);");
        }
    }
}
