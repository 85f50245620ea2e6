using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SmartECoupon.Auditing;
using SmartECoupon.Storage;
using SmartECoupon.Tenancy;
using SmartECoupon.Validation;

namespace SmartECoupon.Stores;

/// <summary>Manages the current tenant's stores.</summary>
public sealed class StoreService(IStoreRepository stores, [FromKeyedServices(TenancyCaches.Key)] ITenantRepository tenants, ITenantContext tenantContext, TenantWriteGate gate, TimeProvider time, IOptionsMonitor<SmartECouponOptions> options)
{
    /// <summary>Adds a store, within the plan's store limit.</summary>
    public async Task<Result<Store>> CreateAsync(string? name, Actor actor, CancellationToken cancellationToken = default)
    {
        var tenantId = tenantContext.RequireTenantId();
        if (await gate.RefusalAsync(cancellationToken).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }
        var settings = options.CurrentValue;
        var errors = new List<ValidationError>();
        var storeName = settings.Fields.StoreName.Apply("name", name, errors);
        if (errors.Count > 0)
        {
            return Failure.Invalid(errors);
        }
        var tenant = await tenants.FindCurrentAsync(tenantContext, cancellationToken).ConfigureAwait(false);
        var now = Instants.Now(time);
        var store = new Store { TenantId = tenantId, Id = EntityIds.New(EntityIds.StorePrefix, now), Name = storeName!, CreatedAt = now };
        var audit = AuditEntry.Create(tenantId, actor, AuditActions.StoreCreated, AuditTargets.Store, store.Id, now);
        return await stores.TryAddAsync(store, settings.Plans.For(tenant.Plan).Stores, audit, cancellationToken).ConfigureAwait(false)
            ? store
            : Failure.PlanLimit("店舗数", "stores");
    }

    /// <summary>Finds a store.</summary>
    public Task<Store?> FindAsync(string storeId, CancellationToken cancellationToken = default) => stores.FindAsync(storeId, cancellationToken);

    /// <summary>Lists stores.</summary>
    public Task<Page<Store>> ListAsync(PageRequest page, CancellationToken cancellationToken = default) => stores.ListAsync(page, cancellationToken);
}
