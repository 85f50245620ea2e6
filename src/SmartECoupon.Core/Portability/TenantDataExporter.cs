using Microsoft.Extensions.DependencyInjection;
using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using SmartECoupon.Coupons;
using SmartECoupon.Storage;
using SmartECoupon.Tenancy;
using SmartECoupon.Validation;

namespace SmartECoupon.Portability;

/// <summary>
/// Exports the current tenant's data as CSV: one dataset, or a bundle of every dataset with the coupon images and a
/// manifest. Rows stream from the store to the destination, so memory stays flat however many there are.
/// </summary>
/// <remarks>
/// A Shift_JIS export is written to a temporary file first: a value Shift_JIS cannot hold fails it with the dataset,
/// row and column before a single byte reaches the caller, so a host can still answer 422. A UTF-8 export cannot fail
/// that way and streams straight through.
/// </remarks>
public sealed class TenantDataExporter(
    ITenantDataSource source,
    [FromKeyedServices(TenancyCaches.Key)] ITenantRepository tenants,
    ICouponImageStorage images,
    ITenantContext tenantContext,
    TimeProvider time,
    IOptionsMonitor<SmartECouponOptions> options)
{
    private static readonly JsonSerializerOptions ManifestJson = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
    };

    /// <summary>
    /// Prepares the export of one dataset. For Shift_JIS, fails with <see cref="FailureCodes.Unencodable"/> (the errors
    /// name the dataset, row and column) when a value cannot be written. Dispose the export when done.
    /// </summary>
    public async Task<Result<CsvExport>> ExportAsync(CsvDataset dataset, CsvExportOptions? exportOptions = null, CancellationToken cancellationToken = default)
    {
        var scope = await ScopeAsync(exportOptions, cancellationToken).ConfigureAwait(false);
        return await PrepareAsync(scope, dataset, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Prepares the bundle of every dataset, the coupon images under <c>images/</c> and <c>manifest.json</c>
    /// (<c>{tenantId, generatedAt, files:[{name, rows, sha256}]}</c>), as one zip. Dispose the bundle when done.
    /// </summary>
    public async Task<Result<CsvBundle>> ExportBundleAsync(CsvExportOptions? exportOptions = null, CancellationToken cancellationToken = default)
    {
        var scope = await ScopeAsync(exportOptions, cancellationToken).ConfigureAwait(false);
        var exports = new List<CsvExport>();
        try
        {
            foreach (var dataset in CsvDatasets.All)
            {
                var prepared = await PrepareAsync(scope, dataset, cancellationToken).ConfigureAwait(false);
                if (!prepared.Succeeded)
                {
                    await DisposeAllAsync(exports).ConfigureAwait(false);
                    return prepared.Failure;
                }
                exports.Add(prepared.Value);
            }
        }
        catch
        {
            await DisposeAllAsync(exports).ConfigureAwait(false);
            throw;
        }
        var generatedAt = TimeZoneInfo.ConvertTime(Instants.Now(time), scope.Zone);
        return new CsvBundle($"smartecoupon-{scope.Tenant.Id}-{generatedAt:yyyyMMdd'T'HHmmss}.zip", exports,
            (zip, cancellationToken) => WriteImagesAsync(scope, zip, cancellationToken),
            files => JsonSerializer.SerializeToUtf8Bytes(new ManifestDocument(scope.Tenant.Id, generatedAt,
                [.. files.Select(f => new ManifestFile(f.Name, f.Rows, f.Sha256))]), ManifestJson),
            generatedAt);
    }

    private async Task<ExportScope> ScopeAsync(CsvExportOptions? exportOptions, CancellationToken cancellationToken)
    {
        var tenantId = tenantContext.RequireTenantId();
        var tenant = await tenants.FindAsync(tenantId, cancellationToken).ConfigureAwait(false)
            ?? throw new TenantNotSetException($"Tenant {tenantId} does not exist.");
        return new ExportScope(tenant, TenantTimeZones.Find(tenant.TimeZoneId), exportOptions ?? CsvExportOptions.Default, options.CurrentValue.Portability);
    }

    private async Task<Result<CsvExport>> PrepareAsync(ExportScope scope, CsvDataset dataset, CancellationToken cancellationToken)
    {
        if (scope.Options.Encoding == CsvExportEncoding.Utf8)
        {
            return new CsvExport(dataset, scope.Options, (destination, cancellationToken) => WriteAsync(scope, dataset, destination, cancellationToken), null);
        }

        var folder = scope.Portability.TemporaryFolder ?? Path.GetTempPath();
        Directory.CreateDirectory(folder);
        // DeleteOnClose: the file goes with the export, or with the process if it dies first.
        var file = new FileStream(Path.Combine(folder, $"smartecoupon-export-{Guid.NewGuid():N}.csv"), FileMode.CreateNew, FileAccess.ReadWrite,
            FileShare.None, 64 * 1024, FileOptions.Asynchronous | FileOptions.DeleteOnClose);
        try
        {
            var written = await WriteAsync(scope, dataset, file, cancellationToken).ConfigureAwait(false);
            if (written.Errors.Count > 0)
            {
                await file.DisposeAsync().ConfigureAwait(false);
                return new Failure(FailureKind.Invalid, FailureCodes.Unencodable, new LocalizedMessage(
                    $"{CsvDatasets.NameOf(dataset)}にShift_JISで表せない文字があります。UTF-8で出力してください。",
                    $"{CsvDatasets.NameOf(dataset)} holds characters Shift_JIS cannot represent; export in UTF-8 instead."))
                {
                    Errors = written.Errors,
                };
            }
            var rows = written.Rows;
            return new CsvExport(dataset, scope.Options, async (destination, cancellationToken) =>
            {
                file.Position = 0;
                await file.CopyToAsync(destination, cancellationToken).ConfigureAwait(false);
                return new DatasetWrite(rows, []);
            }, file);
        }
        catch
        {
            await file.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task<DatasetWrite> WriteAsync(ExportScope scope, CsvDataset dataset, Stream destination, CancellationToken cancellationToken)
    {
        // The export may be written after the call that prepared it returned: it reads the tenant it was made for.
        using var tenantScope = tenantContext.BeginScope(scope.Tenant.Id);
        var cells = CsvCellWriter.Create(destination, scope.Options.Encoding, dataset, scope.Options.JapaneseHeaders, scope.Zone, scope.Portability.MaxReportedErrors);
        await using var cellsScope = cells.ConfigureAwait(false);
        var task = dataset switch
        {
            CsvDataset.Coupons => WriteRowsAsync(source.CouponsAsync(cancellationToken), CsvSchemas.Coupons, cells, cancellationToken),
            CsvDataset.Tickets => WriteRowsAsync(source.TicketsAsync(cancellationToken), CsvSchemas.Tickets, cells, cancellationToken),
            CsvDataset.Codes => WriteRowsAsync(source.OneTimeCodesAsync(cancellationToken), CsvSchemas.Codes, cells, cancellationToken),
            CsvDataset.Redemptions => WriteRowsAsync(source.RedemptionsAsync(cancellationToken), CsvSchemas.Redemptions, cells, cancellationToken),
            CsvDataset.Stores => WriteRowsAsync(source.StoresAsync(cancellationToken), CsvSchemas.Stores, cells, cancellationToken),
            CsvDataset.Members => WriteRowsAsync(source.MembersAsync(cancellationToken), CsvSchemas.Members, cells, cancellationToken),
            CsvDataset.Settings => WriteRowsAsync(CsvSchemas.SettingsOf(scope.Tenant, scope.Zone).ToAsyncEnumerable(), CsvSchemas.Settings, cells, cancellationToken),
            CsvDataset.AuditLog => WriteRowsAsync(source.AuditEntriesAsync(cancellationToken), CsvSchemas.AuditLog, cells, cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(dataset), dataset, null),
        };
        await task.ConfigureAwait(false);
        await cells.FlushAsync(cancellationToken).ConfigureAwait(false);
        return new DatasetWrite(cells.Rows, cells.Errors);
    }

    private static async Task WriteRowsAsync<T>(IAsyncEnumerable<T> rows, CsvColumn<T>[] columns, CsvCellWriter cells, CancellationToken cancellationToken)
    {
        await foreach (var row in rows.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            cells.BeginRow();
            foreach (var column in columns)
            {
                column.Write(cells, row);
            }
            await cells.EndRowAsync(cancellationToken).ConfigureAwait(false);
            if (cells.GaveUp)
            {
                return;
            }
        }
    }

    private async Task<List<ExportedFile>> WriteImagesAsync(ExportScope scope, ZipArchive zip, CancellationToken cancellationToken)
    {
        using var tenantScope = tenantContext.BeginScope(scope.Tenant.Id);
        var files = new List<ExportedFile>();
        await foreach (var coupon in source.CouponsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (CsvSchemas.ImagePathOf(coupon) is not { } path)
            {
                continue;
            }
            var image = await images.OpenAsync(scope.Tenant.Id, coupon.Id, cancellationToken).ConfigureAwait(false);
            if (image is null)
            {
                continue;
            }
            await using var imageScope = image.ConfigureAwait(false);
            files.Add(await CsvBundle.EntryAsync(zip, path, null,
                entry => CsvBundle.HashedAsync(entry, path, destination => image.CopyToAsync(destination, cancellationToken)), cancellationToken).ConfigureAwait(false));
        }
        return files;
    }

    private static async Task DisposeAllAsync(List<CsvExport> exports)
    {
        foreach (var export in exports)
        {
            await export.DisposeAsync().ConfigureAwait(false);
        }
    }

    private sealed record ExportScope(Tenant Tenant, TimeZoneInfo Zone, CsvExportOptions Options, PortabilityOptions Portability);

    private sealed record ManifestDocument(string TenantId, DateTimeOffset GeneratedAt, IReadOnlyList<ManifestFile> Files);

    private sealed record ManifestFile(string Name, long? Rows, string Sha256);
}

/// <summary>What writing a dataset gave: its data rows and the values Shift_JIS could not hold.</summary>
internal sealed record DatasetWrite(long Rows, IReadOnlyList<ValidationError> Errors);

/// <summary>One dataset ready to be written: to an HTTP response, a file, a zip entry. Dispose it when done.</summary>
public sealed class CsvExport : IAsyncDisposable
{
    private readonly Func<Stream, CancellationToken, Task<DatasetWrite>> _write;
    private readonly IAsyncDisposable? _temporary;

    internal CsvExport(CsvDataset dataset, CsvExportOptions options, Func<Stream, CancellationToken, Task<DatasetWrite>> write, IAsyncDisposable? temporary)
    {
        Dataset = dataset;
        Options = options;
        _write = write;
        _temporary = temporary;
    }

    /// <summary>The dataset.</summary>
    public CsvDataset Dataset { get; }

    /// <summary>How it is written.</summary>
    public CsvExportOptions Options { get; }

    /// <summary>The file name: <c>coupons.csv</c>.</summary>
    public string FileName => CsvDatasets.FileNameOf(Dataset);

    /// <summary>The content type: <c>text/csv; charset=utf-8</c> or <c>text/csv; charset=shift_jis</c>.</summary>
    public string ContentType => "text/csv; charset=" + Options.Charset;

    /// <summary>Writes the file to <paramref name="destination"/> (which stays open) and says what was written.</summary>
    public async Task<ExportedFile> WriteToAsync(Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        using var hashing = new HashingStream(destination);
        var written = await _write(hashing, cancellationToken).ConfigureAwait(false);
        await hashing.FlushAsync(cancellationToken).ConfigureAwait(false);
        return new ExportedFile(FileName, written.Rows, hashing.Written, hashing.Sha256Hex());
    }

    /// <summary>Deletes the temporary file of a Shift_JIS export.</summary>
    public ValueTask DisposeAsync() => _temporary?.DisposeAsync() ?? ValueTask.CompletedTask;
}

/// <summary>Every dataset, the coupon images and a manifest, ready to be written as one zip. Dispose it when done.</summary>
public sealed class CsvBundle : IAsyncDisposable
{
    private readonly IReadOnlyList<CsvExport> _exports;
    private readonly Func<ZipArchive, CancellationToken, Task<List<ExportedFile>>> _writeImages;
    private readonly Func<IReadOnlyList<ExportedFile>, byte[]> _manifest;
    private readonly DateTimeOffset _generatedAt;

    internal CsvBundle(string fileName, IReadOnlyList<CsvExport> exports, Func<ZipArchive, CancellationToken, Task<List<ExportedFile>>> writeImages,
        Func<IReadOnlyList<ExportedFile>, byte[]> manifest, DateTimeOffset generatedAt)
    {
        FileName = fileName;
        _exports = exports;
        _writeImages = writeImages;
        _manifest = manifest;
        _generatedAt = generatedAt;
    }

    /// <summary>The file name: <c>smartecoupon-{tenantId}-{yyyyMMddTHHmmss}.zip</c>.</summary>
    public string FileName { get; }

    /// <summary>The content type: <c>application/zip</c>.</summary>
    public static string ContentType => "application/zip";

    /// <summary>
    /// Writes the zip to <paramref name="destination"/> (which stays open; it need not be seekable) and returns what it
    /// holds, as <c>manifest.json</c> lists it.
    /// </summary>
    public async Task<IReadOnlyList<ExportedFile>> WriteToAsync(Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var output = new DeferredSyncWriteStream(destination);
        await using (output.ConfigureAwait(false))
        {
            var files = await WriteZipAsync(output, cancellationToken).ConfigureAwait(false);
            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
            return files;
        }
    }

    private async Task<IReadOnlyList<ExportedFile>> WriteZipAsync(Stream output, CancellationToken cancellationToken)
    {
        var zip = await ZipArchive.CreateAsync(output, ZipArchiveMode.Create, leaveOpen: true, entryNameEncoding: null, cancellationToken).ConfigureAwait(false);
        var files = new List<ExportedFile>();
        await using var zipScope = zip.ConfigureAwait(false);
        foreach (var export in _exports)
        {
            files.Add(await EntryAsync(zip, export.FileName, _generatedAt, entry => export.WriteToAsync(entry, cancellationToken), cancellationToken).ConfigureAwait(false));
        }
        files.AddRange(await _writeImages(zip, cancellationToken).ConfigureAwait(false));
        var manifest = _manifest(files);
        await EntryAsync(zip, "manifest.json", _generatedAt, async entry =>
        {
            await entry.WriteAsync(manifest, cancellationToken).ConfigureAwait(false);
            return manifest.Length;
        }, cancellationToken).ConfigureAwait(false);
        return files;
    }

    /// <summary>Deletes the temporary files of a Shift_JIS bundle.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var export in _exports)
        {
            await export.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Writes one entry of <paramref name="zip"/> with <paramref name="write"/>.</summary>
    internal static async Task<T> EntryAsync<T>(ZipArchive zip, string name, DateTimeOffset? modified, Func<Stream, Task<T>> write, CancellationToken cancellationToken)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
        if (modified is { } at)
        {
            entry.LastWriteTime = at;
        }
        var stream = await entry.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var streamScope = stream.ConfigureAwait(false);
        return await write(stream).ConfigureAwait(false);
    }

    /// <summary>Writes a file that is not CSV with <paramref name="write"/>, counting and hashing it.</summary>
    internal static async Task<ExportedFile> HashedAsync(Stream destination, string name, Func<Stream, Task> write)
    {
        using var hashing = new HashingStream(destination);
        await write(hashing).ConfigureAwait(false);
        return new ExportedFile(name, null, hashing.Written, hashing.Sha256Hex());
    }
}
