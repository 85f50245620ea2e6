using Microsoft.EntityFrameworkCore.Migrations;

namespace SmartECoupon.Storage.EfCore.Tenancy;

/// <summary>
/// PostgreSQL row-level security for tenant tables: enabled and forced (so even the table owner is bound), with two
/// policies. <c>tenant_isolation</c> admits a row only in its own tenant's transaction (the tenant set by
/// <see cref="PostgreSqlSessionInterceptor"/>); <c>platform_access</c> admits every row to a session whose current role
/// is the platform role, which only
/// <see cref="CrossTenantAccess"/> and the platform tables' stores enter, and which a request login is not a member of
/// when the owner's login is kept apart (<see cref="EfCoreStorageOptions.OwnerConnectionString"/>). No setting a session
/// can change opens another tenant. Every migration that creates a tenant table calls <see cref="Enable"/>.
/// </summary>
internal static class RowLevelSecurity
{
    public const string PolicyName = "tenant_isolation";
    public const string PlatformPolicyName = "platform_access";

    /// <summary>The role that crosses tenants: cross-tenant look-ups, job and outbox claims, platform tables.</summary>
    public const string PlatformRole = "smartecoupon_platform";

    /// <summary>
    /// Creates the platform role when it is missing (the migrating login needs CREATEROLE for that; without it, create the
    /// role beforehand: <c>CREATE ROLE smartecoupon_platform NOLOGIN</c>).
    /// </summary>
    public const string EnsurePlatformRoleSql = $"""
        DO $$
        BEGIN
          IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{PlatformRole}') THEN
            CREATE ROLE {PlatformRole} NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
          END IF;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
          NULL;
        END $$;
        """;

    // Not "TO smartecoupon_platform": a policy for a role applies to every member that inherits it, and the owner is a
    // member. Only a session whose current role is the platform role itself (after SET ROLE) is admitted.
    private const string PlatformPredicate = $"current_user = '{PlatformRole}'";

    private static string Predicate(string column) => $"{column} = current_setting('{PostgreSqlSessionInterceptor.TenantSetting}', true)";

    /// <summary>Forces row-level security on <paramref name="tables"/>, whose tenant is <paramref name="tenantColumn"/>, with both policies.</summary>
    public static void Enable(MigrationBuilder migrationBuilder, string tenantColumn, params string[] tables)
    {
        migrationBuilder.Sql(EnsurePlatformRoleSql);
        Force(migrationBuilder, tables, table => $"""
            CREATE POLICY {PolicyName} ON {table} USING ({Predicate(tenantColumn)}) WITH CHECK ({Predicate(tenantColumn)});
            CREATE POLICY {PlatformPolicyName} ON {table} USING ({PlatformPredicate}) WITH CHECK ({PlatformPredicate});
            """);
    }

    /// <summary>
    /// The single policy as the first migrations created it: its own tenant, or any session that set
    /// <c>smartecoupon.scope</c> to <c>all</c>, which any session could. Kept so that those migrations (and the way down
    /// from <c>PlatformRole</c>) build what they always built.
    /// </summary>
    public static void EnableWithScopeSetting(MigrationBuilder migrationBuilder, params string[] tables)
    {
        var predicate = $"{Predicate("tenant_id")} OR current_setting('smartecoupon.scope', true) = 'all'";
        Force(migrationBuilder, tables, table => $"CREATE POLICY {PolicyName} ON {table} USING ({predicate}) WITH CHECK ({predicate});");
    }

    /// <summary>Enables and forces row-level security on each table, replacing whatever policies it had by <paramref name="policies"/>.</summary>
    private static void Force(MigrationBuilder migrationBuilder, string[] tables, Func<string, string> policies)
    {
        foreach (var table in tables)
        {
            migrationBuilder.Sql($"""
                ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;
                ALTER TABLE {table} FORCE ROW LEVEL SECURITY;
                DROP POLICY IF EXISTS {PolicyName} ON {table};
                DROP POLICY IF EXISTS {PlatformPolicyName} ON {table};
                {policies(table)}
                """);
        }
    }

    public static void Disable(MigrationBuilder migrationBuilder, params string[] tables)
    {
        foreach (var table in tables)
        {
            migrationBuilder.Sql($"""
                DROP POLICY IF EXISTS {PolicyName} ON {table};
                DROP POLICY IF EXISTS {PlatformPolicyName} ON {table};
                ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY;
                ALTER TABLE {table} DISABLE ROW LEVEL SECURITY;
                """);
        }
    }
}
