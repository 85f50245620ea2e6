using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SmartECoupon.Storage.EfCore.Rows;

namespace SmartECoupon.Storage.EfCore.Configurations;

internal sealed class LookupAttemptConfiguration : IEntityTypeConfiguration<LookupAttemptRow>
{
    public void Configure(EntityTypeBuilder<LookupAttemptRow> builder)
    {
        builder.ToTable("lookup_attempts");
        builder.HasKey(a => new { a.TenantId, a.MemberId, a.WindowStart });
        builder.Property(a => a.TenantId).HasMaxLength(40);
        builder.Property(a => a.MemberId).HasMaxLength(40);
    }
}

internal sealed class CouponImageConfiguration : IEntityTypeConfiguration<CouponImageRow>
{
    public void Configure(EntityTypeBuilder<CouponImageRow> builder)
    {
        builder.ToTable("coupon_images");
        builder.HasKey(i => new { i.TenantId, i.CouponId });
        builder.Property(i => i.TenantId).HasMaxLength(40);
        builder.Property(i => i.CouponId).HasMaxLength(40);
        builder.HasOne<CouponRow>().WithMany().HasForeignKey(i => new { i.TenantId, i.CouponId }).HasPrincipalKey(c => new { c.TenantId, c.Id }).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class CouponConfiguration : IEntityTypeConfiguration<CouponRow>
{
    public void Configure(EntityTypeBuilder<CouponRow> builder)
    {
        builder.ToTable("coupons", t =>
        {
            // The guarded UPDATE keeps redeemed_count within total_limit; the database refuses anything that does not.
            t.HasCheckConstraint("ck_coupons_redeemed", "redeemed_count >= 0 AND (total_limit IS NULL OR redeemed_count <= total_limit)");
            t.HasCheckConstraint("ck_coupons_issued", "issued_count >= 0");
            t.HasCheckConstraint("ck_coupons_limits", "(total_limit IS NULL OR total_limit >= 1) AND (per_user_limit IS NULL OR per_user_limit >= 1)");
        });
        builder.HasKey(c => new { c.TenantId, c.Id });
        builder.Property(c => c.TenantId).HasMaxLength(40);
        builder.Property(c => c.Id).HasMaxLength(40);
        builder.Property(c => c.Status).HasMaxLength(16);
        builder.Property(c => c.Title).HasMaxLength(400);
        builder.Property(c => c.Benefit).HasMaxLength(200);
        builder.Property(c => c.Description).HasMaxLength(8000);
        builder.Property(c => c.SharedCode).HasMaxLength(64);
        builder.Property(c => c.SharedCodeKey).HasMaxLength(64);
        builder.Property(c => c.ImageContentType).HasMaxLength(32);
        builder.Property(c => c.Version).IsConcurrencyToken();
        builder.PrimitiveCollection(c => c.StoreIds);
        builder.HasIndex(c => new { c.TenantId, c.SharedCodeKey }).IsUnique();
        builder.HasOne<TenantRow>().WithMany().HasForeignKey(c => c.TenantId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class TicketConfiguration : IEntityTypeConfiguration<TicketRow>
{
    public void Configure(EntityTypeBuilder<TicketRow> builder)
    {
        builder.ToTable("tickets", t => t.HasCheckConstraint("ck_tickets_used", "used_count >= 0"));
        builder.HasKey(t => new { t.TenantId, t.Id });
        builder.Property(t => t.TenantId).HasMaxLength(40);
        builder.Property(t => t.Id).HasMaxLength(40);
        builder.Property(t => t.CouponId).HasMaxLength(40);
        builder.Property(t => t.UserKey).HasMaxLength(256);
        builder.Property(t => t.Token).HasMaxLength(32);
        builder.Property(t => t.Code).HasMaxLength(32);
        // One ticket per user and coupon: the row that carries the user's count under the per-user limit.
        builder.HasIndex(t => new { t.TenantId, t.CouponId, t.UserKey }).IsUnique();
        builder.HasIndex(t => new { t.TenantId, t.Token }).IsUnique();
        builder.HasOne<CouponRow>().WithMany().HasForeignKey(t => new { t.TenantId, t.CouponId }).HasPrincipalKey(c => new { c.TenantId, c.Id }).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class CodeConfiguration : IEntityTypeConfiguration<CodeRow>
{
    public void Configure(EntityTypeBuilder<CodeRow> builder)
    {
        builder.ToTable("codes");
        // The key makes a code unique within the tenant across ticket codes and one-time codes.
        builder.HasKey(c => new { c.TenantId, c.Code });
        builder.Property(c => c.TenantId).HasMaxLength(40);
        builder.Property(c => c.Code).HasMaxLength(32);
        builder.Property(c => c.CouponId).HasMaxLength(40);
        builder.Property(c => c.Kind).HasMaxLength(16);
        builder.Property(c => c.TicketId).HasMaxLength(40);
        builder.Property(c => c.RedemptionId).HasMaxLength(40);
        builder.HasIndex(c => new { c.TenantId, c.CouponId, c.Code });
        builder.HasOne<CouponRow>().WithMany().HasForeignKey(c => new { c.TenantId, c.CouponId }).HasPrincipalKey(c => new { c.TenantId, c.Id }).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class RedemptionConfiguration : IEntityTypeConfiguration<RedemptionRow>
{
    public void Configure(EntityTypeBuilder<RedemptionRow> builder)
    {
        builder.ToTable("redemptions");
        builder.HasKey(r => new { r.TenantId, r.Id });
        builder.Property(r => r.TenantId).HasMaxLength(40);
        builder.Property(r => r.Id).HasMaxLength(40);
        builder.Property(r => r.CouponId).HasMaxLength(40);
        builder.Property(r => r.TicketId).HasMaxLength(40);
        builder.Property(r => r.OneTimeCode).HasMaxLength(32);
        builder.Property(r => r.UserKey).HasMaxLength(256);
        builder.Property(r => r.StoreId).HasMaxLength(40);
        builder.Property(r => r.Channel).HasMaxLength(8);
        builder.Property(r => r.RedeemedBy).HasMaxLength(40);
        builder.Property(r => r.VoidedBy).HasMaxLength(40);
        builder.HasIndex(r => new { r.TenantId, r.CouponId });
        builder.HasOne<CouponRow>().WithMany().HasForeignKey(r => new { r.TenantId, r.CouponId }).HasPrincipalKey(c => new { c.TenantId, c.Id }).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<TicketRow>().WithMany().HasForeignKey(r => new { r.TenantId, r.TicketId }).HasPrincipalKey(t => new { t.TenantId, t.Id }).OnDelete(DeleteBehavior.Restrict);
    }
}
