using SmartECoupon.Tenancy;

namespace SmartECoupon.Storage;

/// <summary>What became of an operator's removal.</summary>
public enum OperatorRemoval
{
    /// <summary>The operator was removed.</summary>
    Removed,
    /// <summary>No such operator.</summary>
    NotFound,
    /// <summary>Refused: the platform would be left without an operator.</summary>
    LastOperator,
}

/// <summary>The platform's operators, who belong to no tenant.</summary>
public interface IOperatorRepository
{
    /// <summary>Whether any operator exists (for the bootstrap key at first start).</summary>
    Task<bool> AnyAsync(CancellationToken cancellationToken = default);

    /// <summary>Adds an operator.</summary>
    Task AddAsync(PlatformOperator platformOperator, CancellationToken cancellationToken = default);

    /// <summary>Finds an operator by identifier.</summary>
    Task<PlatformOperator?> FindAsync(string operatorId, CancellationToken cancellationToken = default);

    /// <summary>Finds the operator whose current key has <paramref name="keyId"/> (before any tenant is known).</summary>
    Task<PlatformOperator?> FindByKeyIdAsync(string keyId, CancellationToken cancellationToken = default);

    /// <summary>Removes an operator unless it is the last one; the check and the removal are one atomic step.</summary>
    Task<OperatorRemoval> RemoveAsync(string operatorId, CancellationToken cancellationToken = default);
}
