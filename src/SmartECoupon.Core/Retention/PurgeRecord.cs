using System.Text.Json;
using System.Text.Json.Serialization;

namespace SmartECoupon.Retention;

/// <summary>
/// What remains of a purged tenant: its id, the dates, how many rows each table lost, and when its backups were scrubbed.
/// No name, no personal data.
/// </summary>
public sealed record PurgeRecord
{
    /// <summary>The purged tenant.</summary>
    public required string TenantId { get; init; }

    /// <summary>The date the cancellation took effect.</summary>
    public DateOnly? CancelledOn { get; init; }

    /// <summary>The date the purge was due.</summary>
    public DateOnly? PurgeDueOn { get; init; }

    /// <summary>When the purge started.</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>When it completed; <see langword="null"/> while under way (a crashed purge is resumed by running it again).</summary>
    public DateTimeOffset? PurgedAt { get; init; }

    /// <summary>Rows deleted, by table.</summary>
    public IReadOnlyDictionary<string, long> DeletedRows { get; init; } = new Dictionary<string, long>();

    /// <summary>The date from which no backup holds the tenant: the day the purge scrubbed every backup generation.</summary>
    public DateOnly? BackupsClearBy { get; init; }

    /// <summary>When the purge finished rewriting every backup generation without the tenant.</summary>
    public DateTimeOffset? BackupsScrubbedAt { get; init; }

    /// <summary>Whether the purge completed.</summary>
    [JsonIgnore]
    public bool IsComplete => PurgedAt is not null;
}

/// <summary>
/// The purge ledger: every purge, kept outside the database (beside the backups). A restored backup predates the purges
/// made after it; replaying the ledger after a restore purges those tenants again before anything is served, so a
/// restore never brings a purged tenant back (the sheet's 3.9).
/// </summary>
public interface IPurgeLedger
{
    /// <summary>Appends a record (at the start of a purge and at its end).</summary>
    Task AppendAsync(PurgeRecord record, CancellationToken cancellationToken = default);

    /// <summary>Every record, in the order written.</summary>
    Task<IReadOnlyList<PurgeRecord>> ReadAsync(CancellationToken cancellationToken = default);
}

/// <summary>The purge ledger as a file of JSON lines (<c>purges.jsonl</c>) in the backup folder.</summary>
public sealed class FilePurgeLedger : IPurgeLedger, IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly string _path;
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Creates the ledger in <paramref name="folder"/>.</summary>
    public FilePurgeLedger(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        _path = Path.Combine(folder, "purges.jsonl");
    }

    /// <summary>The ledger file.</summary>
    public string FilePath => _path;

    /// <summary>Releases the ledger's lock.</summary>
    public void Dispose() => _gate.Dispose();

    /// <inheritdoc />
    public async Task AppendAsync(PurgeRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
            var stream = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read, 4096, FileOptions.WriteThrough);
            await using (stream.ConfigureAwait(false))
            {
                var line = JsonSerializer.SerializeToUtf8Bytes(record, Json);
                await stream.WriteAsync(line, cancellationToken).ConfigureAwait(false);
                await stream.WriteAsync("\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<PurgeRecord>> ReadAsync(CancellationToken cancellationToken = default)
    {
        if (!File.Exists(_path))
        {
            return [];
        }
        var records = new List<PurgeRecord>();
        foreach (var line in await File.ReadAllLinesAsync(_path, cancellationToken).ConfigureAwait(false))
        {
            if (line.Length > 0)
            {
                records.Add(JsonSerializer.Deserialize<PurgeRecord>(line, Json) ?? throw new InvalidDataException("An empty purge record."));
            }
        }
        return records;
    }
}
