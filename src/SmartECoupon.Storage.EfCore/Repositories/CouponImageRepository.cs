using Microsoft.EntityFrameworkCore;
using SmartECoupon.Coupons;
using SmartECoupon.Storage.EfCore.Rows;

namespace SmartECoupon.Storage.EfCore.Repositories;

/// <summary>
/// Coupon images in the database (table <c>coupon_images</c>, a tenant table like any other): every instance serves an
/// image any instance stored, a backup holds it, and a purge erases it with the tenant's other rows. An image stored as
/// a file by an earlier version is still found in the uploads folder (<paramref name="earlierFiles"/>), until the coupon
/// gets a new image or the tenant is purged.
/// </summary>
internal sealed class EfCouponImageStorage(SmartECouponDbContextFactory factory, ICouponImageStorage? earlierFiles) : EfRepository(factory), ICouponImageStorage
{
    public async Task SaveAsync(string tenantId, string couponId, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        var db = Factory.ForTenant();
        await using var dbScope = db.ConfigureAwait(false);
        var bytes = content.ToArray();
        var tx = await BeginWriteAsync(db, cancellationToken).ConfigureAwait(false);
        await using var txScope = tx.ConfigureAwait(false);
        // Replaced in place: one statement when the coupon has an image, an insert when it has none.
        var replaced = await db.CouponImages.Where(i => i.CouponId == couponId)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.Content, bytes), cancellationToken).ConfigureAwait(false);
        if (replaced == 0)
        {
            db.CouponImages.Add(new CouponImageRow { TenantId = tenantId, CouponId = couponId, Content = bytes });
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<Stream?> OpenAsync(string tenantId, string couponId, CancellationToken cancellationToken = default)
    {
        var db = Factory.ForTenant();
        await using (db.ConfigureAwait(false))
        {
            var content = await db.CouponImages.AsNoTracking().Where(i => i.CouponId == couponId).Select(i => i.Content)
                .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            if (content is not null)
            {
                return new MemoryStream(content, writable: false);
            }
        }
        return earlierFiles is null ? null : await earlierFiles.OpenAsync(tenantId, couponId, cancellationToken).ConfigureAwait(false);
    }

    public async Task<int> DeleteTenantAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        // The purge erases the tenant's rows, images among them; what is left here is the files of an earlier version.
        var db = Factory.ForTenant();
        int deleted;
        await using (db.ConfigureAwait(false))
        {
            deleted = await db.CouponImages.ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        }
        return deleted + (earlierFiles is null ? 0 : await earlierFiles.DeleteTenantAsync(tenantId, cancellationToken).ConfigureAwait(false));
    }
}
