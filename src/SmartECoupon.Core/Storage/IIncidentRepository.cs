namespace SmartECoupon.Storage;

/// <summary>Incidents. Operator-wide.</summary>
public interface IIncidentRepository
{
    /// <summary>Adds an incident.</summary>
    Task AddAsync(Operations.Incident incident, CancellationToken cancellationToken = default);

    /// <summary>Changes an incident's status; <see langword="null"/> when there is no such incident.</summary>
    Task<Operations.Incident?> UpdateStatusAsync(string incidentId, Operations.IncidentStatus status, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Finds an incident.</summary>
    Task<Operations.Incident?> FindAsync(string incidentId, CancellationToken cancellationToken = default);

    /// <summary>The incidents not resolved, and those resolved since <paramref name="since"/>, newest first.</summary>
    Task<IReadOnlyList<Operations.Incident>> ListSinceAsync(DateTimeOffset since, CancellationToken cancellationToken = default);
}
