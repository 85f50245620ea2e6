using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SmartECoupon.Storage.EfCore.Rows;

namespace SmartECoupon.Storage.EfCore.Configurations;

internal sealed class TenantConfiguration : IEntityTypeConfiguration<TenantRow>
{
    public void Configure(EntityTypeBuilder<TenantRow> builder)
    {
        builder.ToTable("tenants", t =>
        {
            t.HasCheckConstraint("ck_tenants_counters", "member_count >= 0 AND store_count >= 0 AND published_coupon_count >= 0");
        });
        builder.HasKey(t => t.TenantId);
        builder.Property(t => t.TenantId).HasMaxLength(40);
        builder.Property(t => t.Name).HasMaxLength(400);
        builder.Property(t => t.Plan).HasMaxLength(16);
        builder.Property(t => t.Status).HasMaxLength(16);
        builder.Property(t => t.TimeZoneId).HasMaxLength(64);
    }
}

internal sealed class OperatorConfiguration : IEntityTypeConfiguration<OperatorRow>
{
    public void Configure(EntityTypeBuilder<OperatorRow> builder)
    {
        // Operators belong to no tenant: a platform table, outside the tenant filter and row-level security.
        builder.ToTable("operators");
        builder.HasKey(o => o.Id);
        builder.Property(o => o.Id).HasMaxLength(40);
        builder.Property(o => o.DisplayName).HasMaxLength(200);
        builder.Property(o => o.ApiKeyId).HasMaxLength(32);
        builder.Property(o => o.ApiKeyHash).HasMaxLength(32);
        builder.HasIndex(o => o.ApiKeyId).IsUnique();
    }
}

internal sealed class MemberConfiguration : IEntityTypeConfiguration<MemberRow>
{
    public void Configure(EntityTypeBuilder<MemberRow> builder)
    {
        builder.ToTable("members");
        builder.HasKey(m => new { m.TenantId, m.Id });
        builder.Property(m => m.TenantId).HasMaxLength(40);
        builder.Property(m => m.Id).HasMaxLength(40);
        builder.Property(m => m.DisplayName).HasMaxLength(200);
        builder.Property(m => m.Role).HasMaxLength(16);
        builder.Property(m => m.ApiKeyId).HasMaxLength(32);
        builder.Property(m => m.ApiKeyHash).HasMaxLength(32);
        builder.Property(m => m.Email).HasMaxLength(254);
        builder.Property(m => m.PasswordHash).HasMaxLength(200);
        builder.HasIndex(m => new { m.TenantId, m.ApiKeyId }).IsUnique();
        builder.HasOne<TenantRow>().WithMany().HasForeignKey(m => m.TenantId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class StoreConfiguration : IEntityTypeConfiguration<StoreRow>
{
    public void Configure(EntityTypeBuilder<StoreRow> builder)
    {
        builder.ToTable("stores");
        builder.HasKey(s => new { s.TenantId, s.Id });
        builder.Property(s => s.TenantId).HasMaxLength(40);
        builder.Property(s => s.Id).HasMaxLength(40);
        builder.Property(s => s.Name).HasMaxLength(200);
        builder.HasOne<TenantRow>().WithMany().HasForeignKey(s => s.TenantId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class AuditConfiguration : IEntityTypeConfiguration<AuditRow>
{
    public void Configure(EntityTypeBuilder<AuditRow> builder)
    {
        builder.ToTable("audit_entries");
        builder.HasKey(a => new { a.TenantId, a.Id });
        builder.Property(a => a.TenantId).HasMaxLength(40);
        builder.Property(a => a.Id).HasMaxLength(40);
        builder.Property(a => a.ActorKind).HasMaxLength(16);
        builder.Property(a => a.ActorId).HasMaxLength(64);
        builder.Property(a => a.Action).HasMaxLength(64);
        builder.Property(a => a.TargetType).HasMaxLength(32);
        builder.Property(a => a.TargetId).HasMaxLength(64);
        builder.HasOne<TenantRow>().WithMany().HasForeignKey(a => a.TenantId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class IdempotencyConfiguration : IEntityTypeConfiguration<IdempotencyRow>
{
    public void Configure(EntityTypeBuilder<IdempotencyRow> builder)
    {
        builder.ToTable("idempotency_records");
        builder.HasKey(i => new { i.TenantId, i.Key });
        builder.Property(i => i.TenantId).HasMaxLength(40);
        builder.Property(i => i.Key).HasMaxLength(255);
        builder.Property(i => i.Fingerprint).HasMaxLength(64);
        builder.Property(i => i.State).HasMaxLength(16);
        builder.Property(i => i.OutcomeCode).HasMaxLength(64);
        builder.Property(i => i.MediaType).HasMaxLength(100);
        // For the sweep that removes expired records of every tenant.
        builder.HasIndex(i => i.ExpiresAt);
        builder.HasOne<TenantRow>().WithMany().HasForeignKey(i => i.TenantId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class DirectoryConfiguration : IEntityTypeConfiguration<DirectoryRow>
{
    public void Configure(EntityTypeBuilder<DirectoryRow> builder)
    {
        // The one table read before a tenant is known (see DirectoryRow). No tenant filter, no row-level security,
        // and nothing in it but a hash, a kind and a tenant id.
        builder.ToTable("tenant_directory");
        builder.HasKey(d => d.HandleHash);
        builder.Property(d => d.HandleHash).HasMaxLength(32);
        builder.Property(d => d.Kind).HasMaxLength(16);
        builder.Property(d => d.OwnerTenantId).HasMaxLength(40);
        builder.HasIndex(d => d.OwnerTenantId);
    }
}

internal sealed class PurgeRecordConfiguration : IEntityTypeConfiguration<PurgeRecordRow>
{
    public void Configure(EntityTypeBuilder<PurgeRecordRow> builder)
    {
        builder.ToTable("purge_records");
        builder.HasKey(p => p.PurgedTenantId);
        builder.Property(p => p.PurgedTenantId).HasMaxLength(40);
        builder.Property(p => p.DeletedRows).HasMaxLength(4000);
    }
}

internal sealed class JobLeaseConfiguration : IEntityTypeConfiguration<JobLeaseRow>
{
    public void Configure(EntityTypeBuilder<JobLeaseRow> builder)
    {
        builder.ToTable("job_leases");
        builder.HasKey(l => l.Name);
        builder.Property(l => l.Name).HasMaxLength(100);
        builder.Property(l => l.Holder).HasMaxLength(200);
    }
}
