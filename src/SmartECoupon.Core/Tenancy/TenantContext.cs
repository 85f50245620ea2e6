namespace SmartECoupon.Tenancy;

/// <summary>
/// The tenant the current operation acts for. Storage reads it for every query and every write; when no tenant
/// is set, tenant data matches nothing on read and every write throws <see cref="TenantNotSetException"/>.
/// </summary>
/// <remarks>
/// The current tenant flows with the asynchronous call (it is an ambient <see cref="AsyncLocal{T}"/>), and is
/// changed only through <see cref="BeginScope"/>, whose disposal restores the outer value. That keeps a
/// background job that visits several tenants from leaking one tenant's scope into the next.
/// </remarks>
public interface ITenantContext
{
    /// <summary>The current tenant identifier, or <see langword="null"/> when none is set.</summary>
    string? TenantId { get; }

    /// <summary>The current tenant identifier.</summary>
    /// <exception cref="TenantNotSetException">No tenant is set.</exception>
    string RequireTenantId();

    /// <summary>
    /// Makes <paramref name="tenantId"/> the current tenant until the returned scope is disposed, then restores the
    /// previous one. Pass <see langword="null"/> to run a block with no tenant at all (operator-wide work).
    /// </summary>
    IDisposable BeginScope(string? tenantId);
}

/// <summary>The default <see cref="ITenantContext"/>: an ambient value that flows with async calls.</summary>
public sealed class AsyncLocalTenantContext : ITenantContext
{
    // Static so that every resolution of the context (scoped services, the DbContext, background jobs) sees
    // the same ambient value for the same logical call, as Finbuckle's and ABP's accessors do.
    private static readonly AsyncLocal<string?> Current = new();

    /// <inheritdoc />
    public string? TenantId => Current.Value;

    /// <inheritdoc />
    public string RequireTenantId() => Current.Value ?? throw new TenantNotSetException();

    /// <inheritdoc />
    public IDisposable BeginScope(string? tenantId)
    {
        if (tenantId is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        }
        var outer = Current.Value;
        Current.Value = tenantId;
        return new Scope(outer);
    }

    private sealed class Scope(string? outer) : IDisposable
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
