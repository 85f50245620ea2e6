using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using SmartECoupon.Storage.EfCore.Rows;

namespace SmartECoupon.Storage.EfCore.Tests;

/// <summary>Walks the EF model: every tenant table must put the tenant first in every key, and carry the tenant filter.</summary>
public class ModelTests
{
    // Platform tables that belong to no tenant, each for a reason reviewed in CrossTenantAccess.
    // The platform's own tables: no tenant data in them (notices, incidents and outages are the platform's announcements).
    private static readonly Type[] GlobalRows =
    [
        typeof(OperatorRow), typeof(DirectoryRow), typeof(PurgeRecordRow), typeof(JobLeaseRow),
        typeof(MaintenanceNoticeRow), typeof(IncidentRow), typeof(OutageRow),
    ];

    public static TheoryData<string> Providers() => ["Sqlite", "PostgreSql"];

    private static IModel DesignModel(string provider)
    {
        SmartECouponDbContext db = provider == "Sqlite"
            ? new SqliteSmartECouponDbContext(new DbContextOptionsBuilder<SqliteSmartECouponDbContext>().UseSqlite("Data Source=:memory:").Options)
            : new PostgreSqlSmartECouponDbContext(new DbContextOptionsBuilder<PostgreSqlSmartECouponDbContext>().UseNpgsql("Host=localhost").Options);
        using (db)
        {
            return db.GetService<IDesignTimeModel>().Model;
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void Every_entity_is_either_tenant_data_or_a_reviewed_global_table(string provider)
    {
        var model = DesignModel(provider);
        var tenantRows = model.GetEntityTypes().Where(e => typeof(ITenantRow).IsAssignableFrom(e.ClrType)).Select(e => e.ClrType).ToList();
        var others = model.GetEntityTypes().Select(e => e.ClrType).Except(tenantRows).ToList();

        Assert.Equal(GlobalRows.OrderBy(t => t.Name), others.OrderBy(t => t.Name));
        Assert.Equal(14, tenantRows.Count);
        Assert.All(GlobalRows, t => Assert.Null(model.FindEntityType(t)!.FindProperty(nameof(ITenantRow.TenantId))));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void The_tenant_leads_every_primary_key_unique_index_and_foreign_key_of_tenant_data(string provider)
    {
        var failures = new List<string>();
        foreach (var entity in DesignModel(provider).GetEntityTypes().Where(e => typeof(ITenantRow).IsAssignableFrom(e.ClrType)))
        {
            var table = entity.GetTableName();
            Check(entity.FindPrimaryKey()!.Properties, $"{table}: primary key");
            foreach (var key in entity.GetKeys())
            {
                Check(key.Properties, $"{table}: key {key.GetName()}");
            }
            foreach (var index in entity.GetIndexes().Where(i => i.IsUnique))
            {
                Check(index.Properties, $"{table}: unique index {index.GetDatabaseName()}");
            }
            foreach (var foreignKey in entity.GetForeignKeys())
            {
                Check(foreignKey.Properties, $"{table}: foreign key {foreignKey.GetConstraintName()}");
                Check(foreignKey.PrincipalKey.Properties, $"{table}: foreign key {foreignKey.GetConstraintName()} (principal)");
            }
        }
        Assert.Empty(failures);

        void Check(IReadOnlyList<IReadOnlyProperty> properties, string what)
        {
            if (properties[0].Name != nameof(ITenantRow.TenantId))
            {
                failures.Add($"{what} starts with {properties[0].Name}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void Every_tenant_entity_has_the_named_tenant_filter(string provider)
    {
        foreach (var entity in DesignModel(provider).GetEntityTypes())
        {
            var filters = entity.GetDeclaredQueryFilters().Select(f => f.Key).ToList();
            if (typeof(ITenantRow).IsAssignableFrom(entity.ClrType))
            {
                Assert.Equal([SmartECouponDbContext.TenantFilterName], filters);
            }
            else
            {
                Assert.Empty(filters);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void The_migrations_match_the_model(string provider)
    {
        // A model change without its migration would fail at start (EF refuses pending model changes); catch it here.
        SmartECouponDbContext db = provider == "Sqlite"
            ? new SqliteSmartECouponDbContext(new DbContextOptionsBuilder<SqliteSmartECouponDbContext>().UseSqlite("Data Source=:memory:").Options)
            : new PostgreSqlSmartECouponDbContext(new DbContextOptionsBuilder<PostgreSqlSmartECouponDbContext>().UseNpgsql("Host=localhost").Options);
        using (db)
        {
            Assert.False(db.Database.HasPendingModelChanges(), $"The {provider} model has changes without a migration: run eng/add-migration.sh.");
        }
    }

    [Fact]
    public void Only_the_reviewed_place_ignores_the_tenant_filter()
    {
        // A bare IgnoreQueryFilters anywhere else would also lift the filter from bulk updates and deletes.
        var root = SmartECoupon.Tests.RepositoryRoot.Find();
        var offenders = Directory.EnumerateFiles(Path.Combine(root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => File.ReadAllText(f).Contains("IgnoreQueryFilters(", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .ToList();

        Assert.Equal(["src/SmartECoupon.Storage.EfCore/Tenancy/CrossTenantAccess.cs"], offenders);
    }
}
