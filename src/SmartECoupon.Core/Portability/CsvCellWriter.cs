using System.Globalization;
using System.Text;
using CsvHelper;
using SmartECoupon.Validation;

namespace SmartECoupon.Portability;

/// <summary>
/// Writes the cells of one dataset through CsvHelper: text with the formula guard, numbers and dates as themselves, and
/// (for Shift_JIS) a check of every text cell that names the row and column of a value Shift_JIS cannot hold.
/// </summary>
internal sealed class CsvCellWriter : IAsyncDisposable
{
    private const string InstantFormat = "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz";

    private readonly CsvWriter _csv;
    private readonly TimeZoneInfo _zone;
    private readonly bool _checkCp932;
    private readonly string _dataset;
    private readonly IReadOnlyList<string> _headers;
    private readonly int _maxErrors;
    private readonly List<ValidationError> _errors = [];
    private int _column;

    private CsvCellWriter(CsvWriter csv, TimeZoneInfo zone, bool checkCp932, string dataset, IReadOnlyList<string> headers, int maxErrors)
    {
        _csv = csv;
        _zone = zone;
        _checkCp932 = checkCp932;
        _dataset = dataset;
        _headers = headers;
        _maxErrors = maxErrors;
    }

    /// <summary>Data rows written so far.</summary>
    public long Rows { get; private set; }

    /// <summary>Values Shift_JIS cannot hold, with where they are.</summary>
    public IReadOnlyList<ValidationError> Errors => _errors;

    /// <summary>Whether enough errors were found to stop looking.</summary>
    public bool GaveUp => _errors.Count >= _maxErrors;

    /// <summary>A writer of <paramref name="dataset"/> onto <paramref name="destination"/>, header written.</summary>
    public static CsvCellWriter Create(Stream destination, CsvExportEncoding encoding, CsvDataset dataset, bool japaneseHeaders, TimeZoneInfo zone, int maxErrors)
    {
        var headers = CsvSchemas.ColumnsOf(dataset).Select(c => japaneseHeaders ? c.JapaneseHeader : c.Key).ToArray();
        // Injection is handled by CsvFormulaGuard (CsvHelper's option knows ASCII only and would make the round trip lossy).
        var options = CsvWriterOptions.Default with
        {
            NewLine = "\r\n",
            Injection = CsvInjection.None,
            FormatProvider = CultureInfo.InvariantCulture,
            WriteByteOrderMark = encoding == CsvExportEncoding.Utf8,
        };
        var csv = encoding == CsvExportEncoding.Utf8
            ? CsvWriter.Create(destination, options, leaveOpen: true)
            : CsvWriter.Create(new StreamWriter(destination, Cp932.StrictEncoding, 64 * 1024, leaveOpen: true), options, leaveOpen: false);
        var writer = new CsvCellWriter(csv, zone, encoding == CsvExportEncoding.ShiftJis, CsvDatasets.NameOf(dataset), headers, maxErrors);
        csv.WriteHeader(headers);
        return writer;
    }

    /// <summary>An instant as the export writes it, in <paramref name="zone"/>.</summary>
    public static string FormatInstant(DateTimeOffset value, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(value, zone).ToString(InstantFormat, CultureInfo.InvariantCulture);

    public void BeginRow()
    {
        Rows++;
        _column = 0;
    }

    public ValueTask EndRowAsync(CancellationToken cancellationToken) => _csv.EndRecordAsync(cancellationToken);

    public void Text(string? value)
    {
        if (value is not null)
        {
            var cell = CsvFormulaGuard.Protect(value);
            if (_checkCp932 && !Cp932.CanEncode(cell))
            {
                // Reported, and left out: the strict encoder would throw, and the file is discarded anyway.
                Unencodable(cell);
                cell = "";
            }
            _csv.WriteField(cell);
        }
        else
        {
            _csv.WriteField(ReadOnlySpan<char>.Empty);
        }
        _column++;
    }

    public void Integer(long? value)
    {
        _csv.WriteField(value, default);
        _column++;
    }

    public void Instant(DateTimeOffset? value)
    {
        if (value is { } instant)
        {
            _csv.WriteField(TimeZoneInfo.ConvertTime(instant, _zone), InstantFormat);
        }
        else
        {
            _csv.WriteField(ReadOnlySpan<char>.Empty);
        }
        _column++;
    }

    public ValueTask FlushAsync(CancellationToken cancellationToken) => _csv.FlushAsync(cancellationToken);

    public ValueTask DisposeAsync() => _csv.DisposeAsync();

    private void Unencodable(string cell)
    {
        if (_errors.Count >= _maxErrors)
        {
            return;
        }
        // Every character the cell cannot hold, once each, so that one export tells the user all there is to change.
        var offending = cell.EnumerateRunes().Where(r => !Cp932.CanEncode(r)).Distinct().Select(CharacterClassifier.Describe).ToList();
        var column = _headers[_column];
        // The row as Excel numbers it: the header is row 1, the first record row 2.
        var row = Rows + 1;
        _errors.Add(new ValidationError(column, FailureCodes.Unencodable, new LocalizedMessage(
            $"{_dataset}の{row}行目、{column}列の{string.Join("、", offending)}はShift_JISで表せません。UTF-8で出力してください。",
            $"{_dataset}, row {row}, column {column}: {string.Join(", ", offending)} cannot be written in Shift_JIS; export in UTF-8 instead."))
        {
            OffendingCharacters = offending,
            Location = new CsvLocation { Dataset = _dataset, Row = row, Column = column },
        });
    }
}

/// <summary>The encodings of a CSV export.</summary>
public enum CsvExportEncoding
{
    /// <summary>UTF-8 with a byte order mark, which Excel needs to read it as UTF-8 (the default).</summary>
    Utf8,
    /// <summary>CP932 (Windows-31J), what "Shift_JIS" means in Japanese Excel; a value it cannot hold fails the export.</summary>
    ShiftJis,
}

/// <summary>How a CSV export is written.</summary>
public sealed record CsvExportOptions
{
    /// <summary>The default: UTF-8 with a byte order mark, English column keys.</summary>
    public static CsvExportOptions Default { get; } = new();

    /// <summary>The encoding. Default <see cref="CsvExportEncoding.Utf8"/>.</summary>
    public CsvExportEncoding Encoding { get; init; }

    /// <summary>Whether the header row has the Japanese column names instead of the English keys.</summary>
    public bool JapaneseHeaders { get; init; }

    /// <summary>The <c>charset</c> of the file's content type: <c>utf-8</c> or <c>shift_jis</c>.</summary>
    public string Charset => Encoding == CsvExportEncoding.Utf8 ? "utf-8" : "shift_jis";

    /// <summary>Reads <c>utf-8</c> (or nothing) and <c>shift_jis</c> (also <c>cp932</c>, <c>windows-31j</c>, <c>sjis</c>), as a query string gives it.</summary>
    public static bool TryParseEncoding(string? name, out CsvExportEncoding encoding)
    {
        switch (name?.Trim().ToUpperInvariant())
        {
            case null or "" or "UTF-8" or "UTF8":
                encoding = CsvExportEncoding.Utf8;
                return true;
            case "SHIFT_JIS" or "SHIFT-JIS" or "SJIS" or "CP932" or "WINDOWS-31J":
                encoding = CsvExportEncoding.ShiftJis;
                return true;
            default:
                encoding = default;
                return false;
        }
    }
}

/// <summary>What was written of one file: its name, data rows (for CSV files), size and SHA-256 (lower-case hex).</summary>
/// <param name="Name">The file name.</param>
/// <param name="Rows">The data rows, header not counted; <see langword="null"/> for a file that is not CSV.</param>
/// <param name="Bytes">The size in bytes.</param>
/// <param name="Sha256">The SHA-256 of the bytes, lower-case hex.</param>
public sealed class ExportedFile(string Name, long? Rows, long Bytes, string Sha256)
{
    /// <summary>The file name.</summary>
    public string Name { get; } = Name;

    /// <summary>The data rows, header not counted; <see langword="null"/> for a file that is not CSV.</summary>
    public long? Rows { get; } = Rows;

    /// <summary>The size in bytes.</summary>
    public long Bytes { get; } = Bytes;

    /// <summary>The SHA-256 of the bytes, lower-case hex.</summary>
    public string Sha256 { get; } = Sha256;
}

/// <summary>
/// A write-only stream for a destination that refuses synchronous writes (an ASP.NET Core response body): asynchronous
/// writes pass straight through; the few synchronous ones (ZipArchive finishes an entry's deflate stream synchronously)
/// are held and written, in order, before the next asynchronous write or flush.
/// </summary>
internal sealed class DeferredSyncWriteStream(Stream inner) : Stream
{
    private MemoryStream? _pending;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer) => (_pending ??= new MemoryStream()).Write(buffer);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await DrainAsync(cancellationToken).ConfigureAwait(false);
        await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
    }

    public override void Flush()
    {
        // Held until the next asynchronous flush.
    }

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        await DrainAsync(cancellationToken).ConfigureAwait(false);
        await inner.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private async ValueTask DrainAsync(CancellationToken cancellationToken)
    {
        if (_pending is { Length: > 0 } pending)
        {
            await inner.WriteAsync(pending.GetBuffer().AsMemory(0, (int)pending.Length), cancellationToken).ConfigureAwait(false);
            pending.SetLength(0);
        }
    }
}

/// <summary>A write-only stream that passes bytes on and counts and hashes them.</summary>
internal sealed class HashingStream(Stream inner) : Stream
{
    private readonly System.Security.Cryptography.IncrementalHash _hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);

    public long Written { get; private set; }

    public string Sha256Hex() => Convert.ToHexStringLower(_hash.GetCurrentHash());

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => Written;

    public override long Position { get => Written; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _hash.AppendData(buffer);
        Written += buffer.Length;
        inner.Write(buffer);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _hash.AppendData(buffer.Span);
        Written += buffer.Length;
        return inner.WriteAsync(buffer, cancellationToken);
    }

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
        }
        base.Dispose(disposing);
    }
}
