using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SmartECoupon.Storage.EfCore.Migrations.PostgreSql
{
    /// <summary>
    /// The procedure that puts a transaction into a tenant's (or the cross-tenant) session: role, tenant and scope, each
    /// for the current transaction only. <c>CALL</c> returns no result set, so it can go in front of any command in the
    /// same round trip (see <c>PostgreSqlSessionInterceptor</c>). It runs with the caller's rights: it can set only
    /// a role the login may already set.
    /// </summary>
    /// <inheritdoc />
    internal partial class PerTransactionSession : Migration
    {
        /// <summary>The procedure as this migration creates it (<c>PlatformRole</c> replaces it and restores it on the way down).</summary>
        internal const string CreateSql = """
                CREATE OR REPLACE PROCEDURE smartecoupon_enter(p_role text, p_tenant_id text, p_scope text)
                LANGUAGE sql
                AS $$
                  SELECT set_config('role', p_role, true),
                         set_config('smartecoupon.tenant_id', p_tenant_id, true),
                         set_config('smartecoupon.scope', p_scope, true)
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
            migrationBuilder.Sql("DROP PROCEDURE IF EXISTS smartecoupon_enter(text, text, text);");
        }
    }
}
