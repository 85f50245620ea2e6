using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SmartECoupon.Storage.EfCore.Rows;

namespace SmartECoupon.Storage.EfCore.Configurations;

internal sealed class CodeJobConfiguration : IEntityTypeConfiguration<CodeJobRow>
{
    public void Configure(EntityTypeBuilder<CodeJobRow> builder)
    {
        builder.ToTable("code_jobs");
        builder.HasKey(j => new { j.TenantId, j.Id });
        builder.Property(j => j.TenantId).HasMaxLength(40);
        builder.Property(j => j.Id).HasMaxLength(40);
        builder.Property(j => j.CouponId).HasMaxLength(40);
        builder.Property(j => j.Status).HasMaxLength(16);
        builder.Property(j => j.Error).HasMaxLength(400);
        builder.Property(j => j.RequestedBy).HasMaxLength(40);
        builder.Property(j => j.LeaseHolder).HasMaxLength(200);
        // Workers look for the oldest job waiting, or running past its lease.
        builder.HasIndex(j => new { j.Status, j.CreatedAt });
        builder.HasOne<CouponRow>().WithMany().HasForeignKey(j => new { j.TenantId, j.CouponId }).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class TenantSettingsConfiguration : IEntityTypeConfiguration<TenantSettingsRow>
{
    public void Configure(EntityTypeBuilder<TenantSettingsRow> builder)
    {
        builder.ToTable("tenant_settings");
        builder.HasKey(s => s.TenantId);
        builder.Property(s => s.TenantId).HasMaxLength(40);
        builder.Property(s => s.PrimaryColor).HasMaxLength(7);
        builder.Property(s => s.ButtonTextColor).HasMaxLength(7);
        builder.Property(s => s.BackgroundColor).HasMaxLength(7);
        builder.Property(s => s.TextColor).HasMaxLength(7);
        builder.HasOne<TenantRow>().WithMany().HasForeignKey(s => s.TenantId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessageRow>
{
    public void Configure(EntityTypeBuilder<OutboxMessageRow> builder)
    {
        builder.ToTable("outbox_messages");
        builder.HasKey(m => new { m.TenantId, m.Id });
        builder.Property(m => m.TenantId).HasMaxLength(40);
        builder.Property(m => m.Id).HasMaxLength(40);
        builder.Property(m => m.MemberId).HasMaxLength(40);
        builder.Property(m => m.RecipientName).HasMaxLength(200);
        builder.Property(m => m.RecipientEmail).HasMaxLength(254);
        builder.Property(m => m.Subject).HasMaxLength(400);
        builder.Property(m => m.Body).HasMaxLength(20000);
        builder.Property(m => m.LastError).HasMaxLength(400);
        builder.Property(m => m.LeaseHolder).HasMaxLength(200);
        // The sender looks for what has not been sent, oldest first.
        builder.HasIndex(m => new { m.SentAt, m.CreatedAt });
        builder.HasOne<TenantRow>().WithMany().HasForeignKey(m => m.TenantId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class MaintenanceNoticeConfiguration : IEntityTypeConfiguration<MaintenanceNoticeRow>
{
    public void Configure(EntityTypeBuilder<MaintenanceNoticeRow> builder)
    {
        builder.ToTable("maintenance_notices");
        builder.HasKey(n => n.Id);
        builder.Property(n => n.Id).HasMaxLength(40);
        builder.Property(n => n.Title).HasMaxLength(400);
        builder.Property(n => n.Body).HasMaxLength(8000);
        builder.Property(n => n.Reason).HasMaxLength(2000);
        builder.HasIndex(n => n.EndsAt);
    }
}

internal sealed class IncidentConfiguration : IEntityTypeConfiguration<IncidentRow>
{
    public void Configure(EntityTypeBuilder<IncidentRow> builder)
    {
        builder.ToTable("incidents");
        builder.HasKey(i => i.Id);
        builder.Property(i => i.Id).HasMaxLength(40);
        builder.Property(i => i.Title).HasMaxLength(400);
        builder.Property(i => i.Status).HasMaxLength(16);
    }
}

internal sealed class OutageConfiguration : IEntityTypeConfiguration<OutageRow>
{
    public void Configure(EntityTypeBuilder<OutageRow> builder)
    {
        builder.ToTable("outages");
        builder.HasKey(o => o.Id);
        builder.Property(o => o.Id).HasMaxLength(40);
        builder.Property(o => o.Source).HasMaxLength(100);
        builder.HasIndex(o => o.StartedAt);
    }
}
