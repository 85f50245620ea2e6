namespace SmartECoupon.Coupons;

/// <summary>The image types a coupon can carry, recognised from their bytes, never from a name or a header.</summary>
public static class CouponImageTypes
{
    /// <summary>The largest image accepted: 2 MB.</summary>
    public const int MaxBytes = 2 * 1024 * 1024;

    /// <summary>PNG.</summary>
    public const string Png = "image/png";

    /// <summary>JPEG.</summary>
    public const string Jpeg = "image/jpeg";

    /// <summary>WebP.</summary>
    public const string WebP = "image/webp";

    /// <summary>The content type the bytes show (PNG, JPEG or WebP signature), or <see langword="null"/> for anything else.</summary>
    public static string? Detect(ReadOnlySpan<byte> content) => content switch
    {
        [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, ..] => Png,
        [0xFF, 0xD8, 0xFF, ..] => Jpeg,
        [(byte)'R', (byte)'I', (byte)'F', (byte)'F', _, _, _, _, (byte)'W', (byte)'E', (byte)'B', (byte)'P', ..] => WebP,
        _ => null,
    };

    /// <summary>The file extension of a content type this class detects (<c>.png</c>), for file names in exports.</summary>
    public static string ExtensionOf(string contentType) => contentType switch
    {
        Png => ".png",
        Jpeg => ".jpg",
        WebP => ".webp",
        _ => throw new ArgumentOutOfRangeException(nameof(contentType), contentType, "Not an image type of a coupon."),
    };
}

/// <summary>Where coupon images are kept. Files live outside any web root, one folder per tenant.</summary>
public interface ICouponImageStorage
{
    /// <summary>Stores (or replaces) a coupon's image.</summary>
    Task SaveAsync(string tenantId, string couponId, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default);

    /// <summary>Opens a coupon's image, or returns <see langword="null"/> when it has none.</summary>
    Task<Stream?> OpenAsync(string tenantId, string couponId, CancellationToken cancellationToken = default);

    /// <summary>Deletes every file of a tenant; returns how many were deleted.</summary>
    Task<int> DeleteTenantAsync(string tenantId, CancellationToken cancellationToken = default);
}

/// <summary>Coupon images as files: <c>{folder}/{tenantId}/{couponId}</c>, with no extension, so nothing can execute them.</summary>
public sealed class FileCouponImageStorage : ICouponImageStorage
{
    private readonly string _root;

    /// <summary>Creates the store under <paramref name="folder"/>.</summary>
    public FileCouponImageStorage(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        _root = Path.GetFullPath(folder);
    }

    /// <inheritdoc />
    public async Task SaveAsync(string tenantId, string couponId, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        var path = PathOf(tenantId, couponId);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + ".tmp-" + Guid.NewGuid().ToString("N");
        await File.WriteAllBytesAsync(temporary, content.ToArray(), cancellationToken).ConfigureAwait(false);
        File.Move(temporary, path, overwrite: true);
    }

    /// <inheritdoc />
    public Task<Stream?> OpenAsync(string tenantId, string couponId, CancellationToken cancellationToken = default)
    {
        var path = PathOf(tenantId, couponId);
        return Task.FromResult<Stream?>(File.Exists(path) ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, useAsync: true) : null);
    }

    /// <inheritdoc />
    public Task<int> DeleteTenantAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        var folder = FolderOf(tenantId);
        if (!Directory.Exists(folder))
        {
            return Task.FromResult(0);
        }
        var count = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Count();
        Directory.Delete(folder, recursive: true);
        return Task.FromResult(count);
    }

    private string FolderOf(string tenantId)
    {
        // Identifiers are checked for their shape, so a path can never leave the root.
        if (!EntityIds.HasShape(tenantId, EntityIds.TenantPrefix))
        {
            throw new ArgumentException("Not a tenant identifier.", nameof(tenantId));
        }
        return Path.Combine(_root, tenantId);
    }

    private string PathOf(string tenantId, string couponId)
    {
        if (!EntityIds.HasShape(couponId, EntityIds.CouponPrefix))
        {
            throw new ArgumentException("Not a coupon identifier.", nameof(couponId));
        }
        return Path.Combine(FolderOf(tenantId), couponId);
    }
}
