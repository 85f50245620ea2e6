using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SmartECoupon.Storage.EfCore.Migrations.PostgreSql
{
    /// <summary>
    /// A redemption's look-up (the coupon, and the ticket or code behind a ticket token, a code or a shared code) as one
    /// PL/pgSQL function, whose plans PostgreSQL keeps per server connection whichever client calls. Behind a
    /// transaction pooler nothing can be prepared, and parsing and planning the look-up's join under row-level security
    /// cost more than running it; a call of one function with four text arguments parses and plans in a fraction of
    /// that. It answers the rows as JSON (<c>{"coupon":…,"ticket":…,"code":…}</c>, absent rows as null, columns by name),
    /// which the adapter reads into its row types (<c>PostgreSqlRedemptionSnapshot</c>). It runs with the caller's
    /// rights, so row-level security binds it like any other statement, and it names the tenant in every condition.
    /// </summary>
    /// <inheritdoc />
    internal partial class SnapshotFunctions : Migration
    {
        private const string CreateSql = """
            CREATE OR REPLACE FUNCTION smartecoupon_redemption_snapshot(p_tenant_id text, p_kind text, p_value text, p_user_key text)
            RETURNS json
            LANGUAGE plpgsql STABLE
            AS $$
            DECLARE
                found json;
            BEGIN
                IF p_kind = 'token' THEN
                    SELECT json_build_object('coupon', to_json(c), 'ticket', to_json(t)) INTO found
                    FROM tickets t JOIN coupons c ON c.tenant_id = t.tenant_id AND c.id = t.coupon_id
                    WHERE t.tenant_id = p_tenant_id AND t.token = p_value;
                ELSIF p_kind = 'code' THEN
                    SELECT json_build_object('coupon', to_json(c), 'code', to_json(k), 'ticket', to_json(t)) INTO found
                    FROM codes k JOIN coupons c ON c.tenant_id = k.tenant_id AND c.id = k.coupon_id
                    LEFT JOIN tickets t ON t.tenant_id = k.tenant_id AND t.id = k.ticket_id
                    WHERE k.tenant_id = p_tenant_id AND k.code = p_value;
                ELSIF p_kind = 'shared' THEN
                    SELECT json_build_object('coupon', to_json(c), 'ticket', to_json(t)) INTO found
                    FROM coupons c LEFT JOIN tickets t ON t.tenant_id = c.tenant_id AND t.coupon_id = c.id AND t.user_key = p_user_key
                    WHERE c.tenant_id = p_tenant_id AND c.shared_code_key = p_value;
                ELSE
                    RAISE EXCEPTION 'unknown look-up kind %', p_kind;
                END IF;
                RETURN found;
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
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS smartecoupon_redemption_snapshot(text, text, text, text);");
        }
    }
}
