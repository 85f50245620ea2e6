using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using SmartECoupon.Auditing;
using SmartECoupon.Retention;
using SmartECoupon.Storage;

namespace SmartECoupon.Tenancy;

/// <summary>
/// The decorated ports the library's own services use: the storage adapter's repositories wrapped with the caches of
/// tenants and keys, and with the publication of every change to them (<see cref="ITenancyChangeFeed"/>). Services take
/// them as keyed services (<c>[FromKeyedServices(TenancyCaches.Key)]</c>); the adapter registers its ports as usual.
/// </summary>
internal static class TenancyCaches
{
    /// <summary>The service key of the decorated ports.</summary>
    public const string Key = "SmartECoupon.Decorated";
}

/// <summary>
/// Values remembered for <see cref="ApiKeyOptions.CacheDuration"/> (10 seconds by default; zero turns caching off) and
/// forgotten at once when a change touches them. A look-up that began before a change never stores what it read.
/// </summary>
internal sealed class RememberedValues<TValue>(TimeProvider time, IOptionsMonitor<SmartECouponOptions> options)
    where TValue : class
{
    private readonly ConcurrentDictionary<string, (TValue Value, DateTimeOffset ExpiresAt)> _values = new(StringComparer.Ordinal);
    private long _generation;

    /// <summary>The generation to pass to <see cref="Remember"/>, read before the look-up.</summary>
    public long Generation => Volatile.Read(ref _generation);

    public TValue? Find(string key) =>
        _values.TryGetValue(key, out var remembered) && remembered.ExpiresAt > time.GetUtcNow() ? remembered.Value : null;

    public void Remember(string key, TValue? value, long generation)
    {
        var duration = options.CurrentValue.ApiKeys.CacheDuration;
        if (value is null || duration <= TimeSpan.Zero)
        {
            return;
        }
        _values[key] = (value, time.GetUtcNow() + duration);
        if (Volatile.Read(ref _generation) != generation)
        {
            // A change arrived during the look-up: what it read may be stale.
            _values.TryRemove(key, out _);
        }
    }

    public void Forget(Func<string, TValue, bool> touched)
    {
        Interlocked.Increment(ref _generation);
        foreach (var (key, remembered) in _values)
        {
            if (touched(key, remembered.Value))
            {
                _values.TryRemove(key, out _);
            }
        }
    }

    public void ForgetAll()
    {
        Interlocked.Increment(ref _generation);
        _values.Clear();
    }
}

/// <summary>Tenants by id, remembered; a cancellation through the library is published and forgotten at once.</summary>
internal sealed class CachedTenantRepository : ITenantRepository, IDisposable
{
    private readonly ITenantRepository _inner;
    private readonly ITenancyChangeFeed _changes;
    private readonly RememberedValues<Tenant> _tenants;
    private readonly IDisposable _subscription;

    public CachedTenantRepository(ITenantRepository inner, ITenancyChangeFeed changes, TimeProvider time, IOptionsMonitor<SmartECouponOptions> options)
    {
        (_inner, _changes, _tenants) = (inner, changes, new RememberedValues<Tenant>(time, options));
        _subscription = changes.Subscribe(change =>
        {
            switch (change)
            {
                case TenancyChange.TenantChanged tenant:
                    _tenants.Forget((id, _) => id == tenant.TenantId);
                    break;
                case TenancyChange.StorageReplaced:
                    _tenants.ForgetAll();
                    break;
            }
        });
    }

    public Task AddAsync(Tenant tenant, Member firstAdmin, AuditEntry audit, CancellationToken cancellationToken = default) =>
        _inner.AddAsync(tenant, firstAdmin, audit, cancellationToken);

    public async Task<Tenant?> FindAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        if (_tenants.Find(tenantId) is { } remembered)
        {
            return remembered;
        }
        var generation = _tenants.Generation;
        var tenant = await _inner.FindAsync(tenantId, cancellationToken).ConfigureAwait(false);
        _tenants.Remember(tenantId, tenant, generation);
        return tenant;
    }

    public Task<Page<Tenant>> ListAsync(PageRequest page, CancellationToken cancellationToken = default) => _inner.ListAsync(page, cancellationToken);

    public async Task<Tenant?> CancelAsync(string tenantId, DateOnly cancelledOn, DateOnly purgeDueOn, AuditEntry audit, CancellationToken cancellationToken = default)
    {
        var cancelled = await _inner.CancelAsync(tenantId, cancelledOn, purgeDueOn, audit, cancellationToken).ConfigureAwait(false);
        _changes.Publish(new TenancyChange.TenantChanged(tenantId));
        return cancelled;
    }

    public void Dispose() => _subscription.Dispose();
}

/// <summary>Members by key id (within their tenant), remembered; removals, rotations and new passwords are published.</summary>
internal sealed class CachedMemberRepository : IMemberRepository, IDisposable
{
    private readonly IMemberRepository _inner;
    private readonly ITenancyChangeFeed _changes;
    private readonly ITenantContext _tenantContext;
    private readonly RememberedValues<Member> _byKey;
    private readonly IDisposable _subscription;

    public CachedMemberRepository(IMemberRepository inner, ITenancyChangeFeed changes, ITenantContext tenantContext, TimeProvider time, IOptionsMonitor<SmartECouponOptions> options)
    {
        (_inner, _changes, _tenantContext, _byKey) = (inner, changes, tenantContext, new RememberedValues<Member>(time, options));
        _subscription = changes.Subscribe(change =>
        {
            switch (change)
            {
                case TenancyChange.MemberChanged member:
                    _byKey.Forget((_, m) => m.TenantId == member.TenantId && m.Id == member.MemberId);
                    break;
                case TenancyChange.TenantChanged tenant:
                    _byKey.Forget((_, m) => m.TenantId == tenant.TenantId);
                    break;
                case TenancyChange.StorageReplaced:
                    _byKey.ForgetAll();
                    break;
            }
        });
    }

    public async Task<Member?> FindByKeyIdAsync(string keyId, CancellationToken cancellationToken = default)
    {
        var cacheKey = _tenantContext.RequireTenantId() + "." + keyId;
        if (_byKey.Find(cacheKey) is { } remembered)
        {
            return remembered;
        }
        var generation = _byKey.Generation;
        var member = await _inner.FindByKeyIdAsync(keyId, cancellationToken).ConfigureAwait(false);
        _byKey.Remember(cacheKey, member, generation);
        return member;
    }

    public async Task<bool> RemoveAsync(string memberId, AuditEntry audit, CancellationToken cancellationToken = default) =>
        Published(await _inner.RemoveAsync(memberId, audit, cancellationToken).ConfigureAwait(false), memberId);

    public async Task<bool> ReplaceKeyAsync(string memberId, string keyId, byte[] keyHash, AuditEntry audit, CancellationToken cancellationToken = default) =>
        Published(await _inner.ReplaceKeyAsync(memberId, keyId, keyHash, audit, cancellationToken).ConfigureAwait(false), memberId);

    public async Task<bool> RenewSessionStampAsync(string memberId, string sessionStamp, AuditEntry audit, CancellationToken cancellationToken = default) =>
        Published(await _inner.RenewSessionStampAsync(memberId, sessionStamp, audit, cancellationToken).ConfigureAwait(false), memberId);

    public async Task<bool> SetPasswordHashAsync(string memberId, string passwordHash, AuditEntry audit, CancellationToken cancellationToken = default) =>
        Published(await _inner.SetPasswordHashAsync(memberId, passwordHash, audit, cancellationToken).ConfigureAwait(false), memberId);

    public Task<bool> TryAddAsync(Member member, int? memberLimit, AuditEntry audit, CancellationToken cancellationToken = default) =>
        _inner.TryAddAsync(member, memberLimit, audit, cancellationToken);

    public Task<Member?> FindAsync(string memberId, CancellationToken cancellationToken = default) => _inner.FindAsync(memberId, cancellationToken);

    public Task<Page<Member>> ListAsync(PageRequest page, CancellationToken cancellationToken = default) => _inner.ListAsync(page, cancellationToken);

    public Task<Member?> RecordSignInFailureAsync(string memberId, DateTimeOffset now, int maxFailures, TimeSpan lockout, CancellationToken cancellationToken = default) =>
        _inner.RecordSignInFailureAsync(memberId, now, maxFailures, lockout, cancellationToken);

    public Task RecordSignInAsync(string memberId, AuditEntry audit, CancellationToken cancellationToken = default) => _inner.RecordSignInAsync(memberId, audit, cancellationToken);

    public void Dispose() => _subscription.Dispose();

    private bool Published(bool changed, string memberId)
    {
        if (changed)
        {
            _changes.Publish(new TenancyChange.MemberChanged(_tenantContext.RequireTenantId(), memberId));
        }
        return changed;
    }
}

/// <summary>Operators by key id, remembered; a removal is published.</summary>
internal sealed class CachedOperatorRepository : IOperatorRepository, IDisposable
{
    private readonly IOperatorRepository _inner;
    private readonly ITenancyChangeFeed _changes;
    private readonly RememberedValues<PlatformOperator> _byKey;
    private readonly IDisposable _subscription;

    public CachedOperatorRepository(IOperatorRepository inner, ITenancyChangeFeed changes, TimeProvider time, IOptionsMonitor<SmartECouponOptions> options)
    {
        (_inner, _changes, _byKey) = (inner, changes, new RememberedValues<PlatformOperator>(time, options));
        _subscription = changes.Subscribe(change =>
        {
            switch (change)
            {
                case TenancyChange.OperatorChanged removed:
                    _byKey.Forget((_, o) => o.Id == removed.OperatorId);
                    break;
                case TenancyChange.StorageReplaced:
                    _byKey.ForgetAll();
                    break;
            }
        });
    }

    public async Task<PlatformOperator?> FindByKeyIdAsync(string keyId, CancellationToken cancellationToken = default)
    {
        if (_byKey.Find(keyId) is { } remembered)
        {
            return remembered;
        }
        var generation = _byKey.Generation;
        var found = await _inner.FindByKeyIdAsync(keyId, cancellationToken).ConfigureAwait(false);
        _byKey.Remember(keyId, found, generation);
        return found;
    }

    public async Task<OperatorRemoval> RemoveAsync(string operatorId, CancellationToken cancellationToken = default)
    {
        var removal = await _inner.RemoveAsync(operatorId, cancellationToken).ConfigureAwait(false);
        if (removal == OperatorRemoval.Removed)
        {
            _changes.Publish(new TenancyChange.OperatorChanged(operatorId));
        }
        return removal;
    }

    public Task<bool> AnyAsync(CancellationToken cancellationToken = default) => _inner.AnyAsync(cancellationToken);

    public Task AddAsync(PlatformOperator platformOperator, CancellationToken cancellationToken = default) => _inner.AddAsync(platformOperator, cancellationToken);

    public Task<PlatformOperator?> FindAsync(string operatorId, CancellationToken cancellationToken = default) => _inner.FindAsync(operatorId, cancellationToken);

    public void Dispose() => _subscription.Dispose();
}

/// <summary>The purge, publishing that the tenant changed as its data is erased and as the purge completes.</summary>
internal sealed class PublishingTenantPurgeRepository(ITenantPurgeRepository inner, ITenancyChangeFeed changes) : ITenantPurgeRepository
{
    public Task<IReadOnlyList<Tenant>> ListDueAsync(DateOnly today, CancellationToken cancellationToken = default) => inner.ListDueAsync(today, cancellationToken);

    public Task<PurgeRecord> BeginAsync(PurgeRecord record, CancellationToken cancellationToken = default) => inner.BeginAsync(record, cancellationToken);

    public async Task<PurgeRecord> EraseTenantDataAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        var record = await inner.EraseTenantDataAsync(tenantId, cancellationToken).ConfigureAwait(false);
        changes.Publish(new TenancyChange.TenantChanged(tenantId));
        return record;
    }

    public async Task<PurgeRecord> CompleteAsync(string tenantId, DateTimeOffset purgedAt, DateOnly backupsClearBy, DateTimeOffset backupsScrubbedAt, CancellationToken cancellationToken = default)
    {
        var record = await inner.CompleteAsync(tenantId, purgedAt, backupsClearBy, backupsScrubbedAt, cancellationToken).ConfigureAwait(false);
        changes.Publish(new TenancyChange.TenantChanged(tenantId));
        return record;
    }

    public Task<PurgeRecord?> FindAsync(string tenantId, CancellationToken cancellationToken = default) => inner.FindAsync(tenantId, cancellationToken);
}

/// <summary>Backups, publishing that everything changed once a restore has replaced the database.</summary>
internal sealed class PublishingDatabaseBackup(IDatabaseBackup inner, ITenancyChangeFeed changes) : IDatabaseBackup
{
    public string FileExtension => inner.FileExtension;

    public Task<IReadOnlyDictionary<string, long>> BackupToAsync(string path, CancellationToken cancellationToken = default) => inner.BackupToAsync(path, cancellationToken);

    public Task<IReadOnlyDictionary<string, long>> ScrubTenantAsync(string path, string tenantId, CancellationToken cancellationToken = default) =>
        inner.ScrubTenantAsync(path, tenantId, cancellationToken);

    public async Task<RestoreCheck> RestoreFromAsync(string path, CancellationToken cancellationToken = default)
    {
        try
        {
            return await inner.RestoreFromAsync(path, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Even a failed restore may have replaced part of the database: nothing remembered is trusted after it.
            changes.Publish(new TenancyChange.StorageReplaced());
        }
    }
}
