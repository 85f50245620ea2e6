using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using SmartECoupon.Storage.EfCore.Rows;
using SmartECoupon.Tenancy;

namespace SmartECoupon.Storage.EfCore;

/// <summary>Which rows a database session may see.</summary>
internal enum SessionScope
{
    /// <summary>Only the current tenant's rows (the default for every request).</summary>
    Tenant,
    /// <summary>
    /// The platform role, which row-level security lets see every tenant's rows: <see cref="Tenancy.CrossTenantAccess"/>
    /// (the only code that lifts EF's tenant filter) and the stores of platform tables (operators, notices, incidents,
    /// outages, job leases), for which tenant tables stay invisible through the filter.
    /// </summary>
    AllTenants,
    /// <summary>The schema owner's session, for migrations and set-up; never used for data access.</summary>
    Owner,
}

/// <summary>
/// SmartECoupon's EF Core context. Tenant data is isolated in layers: the tenant leads every key, a named query filter
/// (<c>Tenant</c>) restricts every query to the current tenant (and matches nothing when there is none), saving a row
/// of another tenant or without a tenant throws, and on PostgreSQL row-level security enforces the same again in the
/// database.
/// </summary>
/// <remarks>
/// Use the provider's subclass (<see cref="SqliteSmartECouponDbContext"/> or <see cref="PostgreSqlSmartECouponDbContext"/>);
/// each carries its own migrations. Data access goes through the library's stores, not through this type.
/// </remarks>
public abstract class SmartECouponDbContext : DbContext
{
    /// <summary>The name of the tenant query filter.</summary>
    public const string TenantFilterName = "Tenant";

    /// <summary>Creates the context.</summary>
    protected SmartECouponDbContext(DbContextOptions options)
        : base(options)
    {
    }

    internal ITenantContext? TenantContext { get; set; }

    internal SessionScope Scope { get; set; } = SessionScope.Tenant;

    /// <summary>PostgreSQL: the role a tenant or cross-tenant transaction runs as.</summary>
    internal string RequestRole { get; set; } = "";

    /// <summary>PostgreSQL: the transaction whose session is set (see <c>PostgreSqlSessionInterceptor</c>).</summary>
    internal System.Data.Common.DbTransaction? EnteredTransaction { get; set; }

    /// <summary>The tenant every query is filtered to; <see langword="null"/> (which matches nothing) without one.</summary>
    internal string? CurrentTenantId => Scope == SessionScope.Tenant ? TenantContext?.TenantId : null;

    /// <summary>Which database this context talks to.</summary>
    internal abstract StorageProvider Provider { get; }

    internal DbSet<TenantRow> Tenants => Set<TenantRow>();
    internal DbSet<OperatorRow> Operators => Set<OperatorRow>();
    internal DbSet<MemberRow> Members => Set<MemberRow>();
    internal DbSet<StoreRow> Stores => Set<StoreRow>();
    internal DbSet<CouponRow> Coupons => Set<CouponRow>();
    internal DbSet<TicketRow> Tickets => Set<TicketRow>();
    internal DbSet<CodeRow> Codes => Set<CodeRow>();
    internal DbSet<RedemptionRow> Redemptions => Set<RedemptionRow>();
    internal DbSet<IdempotencyRow> IdempotencyRecords => Set<IdempotencyRow>();
    internal DbSet<AuditRow> AuditEntries => Set<AuditRow>();
    internal DbSet<DirectoryRow> Directory => Set<DirectoryRow>();
    internal DbSet<PurgeRecordRow> PurgeRecords => Set<PurgeRecordRow>();
    internal DbSet<JobLeaseRow> JobLeases => Set<JobLeaseRow>();
    internal DbSet<CodeJobRow> CodeJobs => Set<CodeJobRow>();
    internal DbSet<TenantSettingsRow> TenantSettings => Set<TenantSettingsRow>();
    internal DbSet<CouponImageRow> CouponImages => Set<CouponImageRow>();
    internal DbSet<LookupAttemptRow> LookupAttempts => Set<LookupAttemptRow>();
    internal DbSet<OutboxMessageRow> OutboxMessages => Set<OutboxMessageRow>();
    internal DbSet<MaintenanceNoticeRow> MaintenanceNotices => Set<MaintenanceNoticeRow>();
    internal DbSet<IncidentRow> Incidents => Set<IncidentRow>();
    internal DbSet<OutageRow> Outages => Set<OutageRow>();

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(SmartECouponDbContext).Assembly);

        foreach (var entityType in modelBuilder.Model.GetEntityTypes().ToList())
        {
            if (typeof(ITenantRow).IsAssignableFrom(entityType.ClrType))
            {
                modelBuilder.Entity(entityType.ClrType).HasQueryFilter(TenantFilterName, TenantFilterFor(entityType.ClrType));
            }
        }
        Naming.ApplySnakeCase(modelBuilder);
    }

    /// <inheritdoc />
    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        EnforceTenancy();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    /// <inheritdoc />
    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        EnforceTenancy();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    /// <summary>
    /// Fails closed: a tenant row may only be added, changed or deleted in its own tenant's session. ExecuteUpdate and
    /// ExecuteDelete do not come here, but they go through the query filter, which does the same.
    /// </summary>
    private void EnforceTenancy()
    {
        if (Scope != SessionScope.Tenant)
        {
            return;
        }
        foreach (var entry in ChangeTracker.Entries<ITenantRow>())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted))
            {
                continue;
            }
            var current = CurrentTenantId ?? throw new TenantNotSetException();
            var original = entry.State == EntityState.Added ? current : (string?)entry.OriginalValues[nameof(ITenantRow.TenantId)];
            if (!string.Equals(entry.Entity.TenantId, current, StringComparison.Ordinal) || !string.Equals(original, current, StringComparison.Ordinal))
            {
                throw new TenantMismatchException($"A {entry.Metadata.ClrType.Name} of another tenant cannot be saved in this tenant's session.");
            }
        }
    }

    private LambdaExpression TenantFilterFor(Type rowType)
    {
        // e => EF.Property<string>(e, "TenantId") == this.CurrentTenantId; EF reads the context property on every query.
        var row = Expression.Parameter(rowType, "row");
        var tenantColumn = Expression.Call(typeof(EF), nameof(EF.Property), [typeof(string)], row, Expression.Constant(nameof(ITenantRow.TenantId)));
        var current = Expression.Property(Expression.Constant(this), nameof(CurrentTenantId));
        return Expression.Lambda(Expression.Equal(tenantColumn, current), row);
    }
}

/// <summary>The SQLite flavour of <see cref="SmartECouponDbContext"/>, with its own migrations.</summary>
public sealed class SqliteSmartECouponDbContext : SmartECouponDbContext
{
    /// <summary>Creates the context.</summary>
    public SqliteSmartECouponDbContext(DbContextOptions<SqliteSmartECouponDbContext> options)
        : base(options)
    {
    }

    internal override StorageProvider Provider => StorageProvider.Sqlite;

    /// <inheritdoc />
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);
        // SQLite has no instant type, and EF's text form of DateTimeOffset does not sort or compare correctly across
        // offsets or fraction lengths. Microseconds since the Unix epoch (UTC) compare exactly, in SQL as in memory.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcMicrosecondsConverter>();
    }
}

/// <summary>The PostgreSQL flavour of <see cref="SmartECouponDbContext"/>, with its own migrations.</summary>
public sealed class PostgreSqlSmartECouponDbContext : SmartECouponDbContext
{
    /// <summary>Creates the context.</summary>
    public PostgreSqlSmartECouponDbContext(DbContextOptions<PostgreSqlSmartECouponDbContext> options)
        : base(options)
    {
    }

    internal override StorageProvider Provider => StorageProvider.PostgreSql;

    /// <inheritdoc />
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);
        // timestamptz holds UTC instants; Npgsql refuses a DateTimeOffset with any other offset.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcConverter>();
    }
}
