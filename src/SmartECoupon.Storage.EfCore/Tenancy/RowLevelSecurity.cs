using Microsoft.EntityFrameworkCore.Migrations;

namespace SmartECoupon.Storage.EfCore.Tenancy;

/// <summary>
/// PostgreSQL row-level security for tenant tables: enabled and forced (so even the table owner is bound), with one
/// policy that admits a row only in its own tenant's session, or in the cross-tenant session that
/// <see cref="CrossTenantAccess"/> alone opens. Every migration that creates a tenant table calls <see cref="Enable"/>.
/// </summary>
internal static class RowLevelSecurity
{
    public const string PolicyName = "tenant_isolation";

    private static readonly string Predicate =
        $"tenant_id = current_setting('{PostgreSqlSessionInterceptor.TenantSetting}', true) " +
        $"OR current_setting('{PostgreSqlSessionInterceptor.ScopeSetting}', true) = 'all'";

    public static void Enable(MigrationBuilder migrationBuilder, params string[] tables)
    {
        foreach (var table in tables)
        {
            migrationBuilder.Sql($"""
                ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;
                ALTER TABLE {table} FORCE ROW LEVEL SECURITY;
                CREATE POLICY {PolicyName} ON {table} USING ({Predicate}) WITH CHECK ({Predicate});
                """);
        }
    }

    public static void Disable(MigrationBuilder migrationBuilder, params string[] tables)
    {
        foreach (var table in tables)
        {
            migrationBuilder.Sql($"""
                DROP POLICY IF EXISTS {PolicyName} ON {table};
                ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY;
                ALTER TABLE {table} DISABLE ROW LEVEL SECURITY;
                """);
        }
    }
}
