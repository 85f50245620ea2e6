using System.Collections.Concurrent;

namespace SmartECoupon.Tenancy;

/// <summary>
/// A change to what sessions are resolved from (a tenant, a member and their key, an operator, or the whole database),
/// made through the library. Caches of tenants and keys forget what it touched.
/// </summary>
public abstract class TenancyChange
{
    private protected TenancyChange()
    {
    }

    /// <summary>A tenant changed (cancelled, purged).</summary>
    /// <param name="tenantId">The tenant.</param>
    public sealed class TenantChanged(string tenantId) : TenancyChange
    {
        /// <summary>The tenant.</summary>
        public string TenantId { get; } = tenantId;
    }

    /// <summary>A member changed (removed, key rotated, password set).</summary>
    /// <param name="tenantId">The member's tenant.</param>
    /// <param name="memberId">The member.</param>
    public sealed class MemberChanged(string tenantId, string memberId) : TenancyChange
    {
        /// <summary>The member's tenant.</summary>
        public string TenantId { get; } = tenantId;

        /// <summary>The member.</summary>
        public string MemberId { get; } = memberId;
    }

    /// <summary>An operator changed (removed).</summary>
    /// <param name="operatorId">The operator.</param>
    public sealed class OperatorChanged(string operatorId) : TenancyChange
    {
        /// <summary>The operator.</summary>
        public string OperatorId { get; } = operatorId;
    }

    /// <summary>The database was replaced (a restore): everything remembered is forgotten.</summary>
    public sealed class StorageReplaced : TenancyChange;
}

/// <summary>
/// The feed of <see cref="TenancyChange"/>s: the library publishes every change it makes to tenants, members, keys and
/// operators, and its caches subscribe. The default feed is in process; a deployment of several instances plugs in one
/// that carries the changes between them.
/// </summary>
public interface ITenancyChangeFeed
{
    /// <summary>Tells every subscriber of <paramref name="change"/>.</summary>
    void Publish(TenancyChange change);

    /// <summary>Calls <paramref name="handler"/> for every change published from now on, until the returned handle is disposed.</summary>
    IDisposable Subscribe(Action<TenancyChange> handler);
}

/// <summary>The default <see cref="ITenancyChangeFeed"/>: subscribers in this process, called at once on the publisher's thread.</summary>
public sealed class InProcessTenancyChangeFeed : ITenancyChangeFeed
{
    private readonly ConcurrentDictionary<object, Action<TenancyChange>> _handlers = new();

    /// <inheritdoc />
    public void Publish(TenancyChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        foreach (var handler in _handlers.Values)
        {
            handler(change);
        }
    }

    /// <inheritdoc />
    public IDisposable Subscribe(Action<TenancyChange> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var token = new object();
        _handlers[token] = handler;
        return new Subscription(() => _handlers.TryRemove(token, out _));
    }

    private sealed class Subscription(Action dispose) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                dispose();
            }
        }
    }
}
