using Microsoft.EntityFrameworkCore.Migrations;
using SmartECoupon.Storage.EfCore.Tenancy;

#nullable disable

namespace SmartECoupon.Storage.EfCore.Migrations.PostgreSql
{
    /// <summary>
    /// Closes the cross-tenant escape: until now any session could set <c>smartecoupon.scope = 'all'</c> and read every
    /// tenant. Cross-tenant work now runs as the platform role <c>smartecoupon_platform</c>, which a second policy on every
    /// tenant table names; the tenant policy admits only the transaction's own tenant. The tenant directory and the purge
    /// ledger get the same two policies (on their tenant columns), so a tenant's session writes only its own entries.
    /// The session procedure loses its scope argument.
    /// </summary>
    /// <inheritdoc />
    internal partial class PlatformRole : Migration
    {
        private static readonly string[] TenantTables =
        [
            "tenants", "members", "stores", "coupons", "tickets", "codes", "redemptions", "idempotency_records", "audit_entries",
            "code_jobs", "outbox_messages", "tenant_settings",
        ];

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            RowLevelSecurity.Enable(migrationBuilder, "tenant_id", TenantTables);
            RowLevelSecurity.Enable(migrationBuilder, "owner_tenant_id", "tenant_directory");
            RowLevelSecurity.Enable(migrationBuilder, "purged_tenant_id", "purge_records");
            migrationBuilder.Sql($"""
                DROP PROCEDURE IF EXISTS {PostgreSqlSessionInterceptor.EnterProcedure}(text, text, text);
                CREATE OR REPLACE PROCEDURE {PostgreSqlSessionInterceptor.EnterProcedure}(p_role text, p_tenant_id text)
                LANGUAGE sql
                AS $$
                  SELECT set_config('role', p_role, true), set_config('{PostgreSqlSessionInterceptor.TenantSetting}', p_tenant_id, true)
                $$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql($"DROP PROCEDURE IF EXISTS {PostgreSqlSessionInterceptor.EnterProcedure}(text, text);");
            migrationBuilder.Sql(PerTransactionSession.CreateSql);
            RowLevelSecurity.Disable(migrationBuilder, "tenant_directory", "purge_records");
            RowLevelSecurity.EnableWithScopeSetting(migrationBuilder, TenantTables);
        }
    }
}
