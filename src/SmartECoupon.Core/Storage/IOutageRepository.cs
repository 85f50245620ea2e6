namespace SmartECoupon.Storage;

/// <summary>Recorded outages. Operator-wide.</summary>
public interface IOutageRepository
{
    /// <summary>Records an outage.</summary>
    Task AddAsync(Operations.RecordedOutage outage, CancellationToken cancellationToken = default);

    /// <summary>The outages that overlap <paramref name="start"/>–<paramref name="finish"/>.</summary>
    Task<IReadOnlyList<Operations.RecordedOutage>> ListOverlappingAsync(DateTimeOffset start, DateTimeOffset finish, CancellationToken cancellationToken = default);
}
