namespace SmartECoupon.Storage;

/// <summary>The result of a restore's integrity check.</summary>
/// <param name="IntegrityOk">Whether the database's own check passed.</param>
/// <param name="Detail">What the check said.</param>
/// <param name="RowCounts">Rows per table after the restore.</param>
public sealed class RestoreCheck(bool IntegrityOk, string Detail, IReadOnlyDictionary<string, long> RowCounts)
{
    /// <summary>Whether the database's own check passed.</summary>
    public bool IntegrityOk { get; } = IntegrityOk;

    /// <summary>What the check said.</summary>
    public string Detail { get; } = Detail;

    /// <summary>Rows per table after the restore.</summary>
    public IReadOnlyDictionary<string, long> RowCounts { get; } = RowCounts;
}

/// <summary>A consistent full copy of the database, and its restore. Provider-specific.</summary>
public interface IDatabaseBackup
{
    /// <summary>The file extension of a backup (<c>sqlite</c>, <c>dump</c>).</summary>
    string FileExtension { get; }

    /// <summary>Writes a consistent copy to <paramref name="path"/> and returns the rows per table it holds.</summary>
    Task<IReadOnlyDictionary<string, long>> BackupToAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>Replaces the database's contents with the copy at <paramref name="path"/>, then checks it.</summary>
    Task<RestoreCheck> RestoreFromAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>
    /// Rewrites the copy at <paramref name="path"/> without any row of <paramref name="tenantId"/> (its data, directory
    /// entries, purge record and tenant row), so that nothing of the tenant stays in the file's bytes, and returns the rows
    /// per table it holds now. Every other row is kept as it was. The live database is not touched.
    /// </summary>
    Task<IReadOnlyDictionary<string, long>> ScrubTenantAsync(string path, string tenantId, CancellationToken cancellationToken = default);
}
