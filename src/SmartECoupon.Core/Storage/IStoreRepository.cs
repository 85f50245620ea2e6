using SmartECoupon.Auditing;
using SmartECoupon.Stores;

namespace SmartECoupon.Storage;

/// <summary>The current tenant's stores.</summary>
public interface IStoreRepository
{
    /// <summary>Adds a store unless the tenant already has <paramref name="storeLimit"/> stores; one guarded step.</summary>
    Task<bool> TryAddAsync(Store store, int? storeLimit, AuditEntry audit, CancellationToken cancellationToken = default);

    /// <summary>Finds a store.</summary>
    Task<Store?> FindAsync(string storeId, CancellationToken cancellationToken = default);

    /// <summary>Lists stores, oldest first.</summary>
    Task<Page<Store>> ListAsync(PageRequest page, CancellationToken cancellationToken = default);

    /// <summary>Which of <paramref name="storeIds"/> exist in the tenant.</summary>
    Task<IReadOnlyList<string>> FindExistingAsync(IReadOnlyCollection<string> storeIds, CancellationToken cancellationToken = default);
}
