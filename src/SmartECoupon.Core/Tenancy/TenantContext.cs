namespace SmartECoupon.Tenancy;

/// <summary>
/// The session the current operation runs in: its tenant, and who acts in it. Storage reads the tenant for every query
/// and every write; when there is no session (or it has no tenant), tenant data matches nothing on read and every write
/// throws <see cref="TenantNotSetException"/>.
/// </summary>
/// <remarks>
/// The session flows with the asynchronous call (it is an ambient <see cref="AsyncLocal{T}"/>). A host does not begin
/// one itself: <see cref="TenantSessionResolver"/> establishes it from what a request presents and enters it for the
/// rest of the request. <see cref="BeginScope"/> is for background work and tests that act for a tenant known by id;
/// its disposal restores the outer session, so a job that visits several tenants never leaks one into the next.
/// </remarks>
public interface ITenantContext
{
    /// <summary>The current session, or <see langword="null"/> when none is set.</summary>
    TenantSession? Session { get; }

    /// <summary>The current tenant identifier, or <see langword="null"/> when none is set.</summary>
    string? TenantId { get; }

    /// <summary>The current tenant identifier.</summary>
    /// <exception cref="TenantNotSetException">No tenant is set.</exception>
    string RequireTenantId();

    /// <summary>
    /// Makes <paramref name="tenantId"/> the current tenant until the returned scope is disposed, then restores the
    /// previous session. Pass <see langword="null"/> to run a block with no tenant at all (operator-wide work). The
    /// session it begins knows only the tenant's id: the library reads the tenant before its first write.
    /// </summary>
    IDisposable BeginScope(string? tenantId);

    /// <summary>Makes <paramref name="session"/> the current session until the returned scope is disposed.</summary>
    IDisposable Begin(TenantSession? session);
}

/// <summary>The default <see cref="ITenantContext"/>: an ambient value that flows with async calls.</summary>
public sealed class AsyncLocalTenantContext : ITenantContext
{
    // Static so that every resolution of the context (scoped services, the DbContext, background jobs) sees
    // the same ambient value for the same logical call, as Finbuckle's and ABP's accessors do.
    private static readonly AsyncLocal<TenantSession?> Current = new();

    /// <inheritdoc />
    public TenantSession? Session => Current.Value;

    /// <inheritdoc />
    public string? TenantId => Current.Value?.TenantId;

    /// <inheritdoc />
    public string RequireTenantId() => Current.Value?.TenantId ?? throw new TenantNotSetException();

    /// <inheritdoc />
    public IDisposable BeginScope(string? tenantId)
    {
        if (tenantId is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        }
        return Begin(tenantId is null ? null : TenantSession.ForTenantId(tenantId));
    }

    /// <inheritdoc />
    public IDisposable Begin(TenantSession? session)
    {
        var outer = Current.Value;
        Current.Value = session;
        return new Scope(outer);
    }

    private sealed class Scope(TenantSession? outer) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            Current.Value = outer;
        }
    }
}

/// <summary>Thrown when tenant data is touched while no tenant is set: tenancy fails closed.</summary>
public sealed class TenantNotSetException : InvalidOperationException
{
    /// <summary>Creates the exception with the default message.</summary>
    public TenantNotSetException()
        : base("No tenant is set for this operation. Tenant data can only be read or written inside ITenantContext.BeginScope(tenantId).")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public TenantNotSetException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public TenantNotSetException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>Thrown when an operation in one tenant's scope meets another tenant's row.</summary>
public sealed class TenantMismatchException : InvalidOperationException
{
    /// <summary>Creates the exception with the default message.</summary>
    public TenantMismatchException()
        : base("The object belongs to another tenant than the current one.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public TenantMismatchException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public TenantMismatchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
