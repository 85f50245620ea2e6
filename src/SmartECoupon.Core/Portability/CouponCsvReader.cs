using System.Globalization;
using CsvHelper;
using SmartECoupon.Coupons;
using SmartECoupon.Validation;

namespace SmartECoupon.Portability;

/// <summary>A coupon read from a CSV file and checked by the input policies.</summary>
/// <param name="Line">The line of the file where its record starts.</param>
/// <param name="Content">The checked content.</param>
/// <param name="Status">The status to give it.</param>
internal sealed record CouponCsvRow(long Line, CouponContent Content, CouponStatus Status);

/// <summary>What reading a coupon CSV file gave: the rows, or every problem found, each with its line and column.</summary>
/// <param name="Rows">The coupons, in file order (empty when there are errors).</param>
/// <param name="Errors">The problems, at most <see cref="PortabilityOptions.MaxReportedErrors"/>.</param>
/// <param name="Encoding">The encoding found: <c>utf-8</c>, <c>shift_jis</c> or <c>utf-16</c>.</param>
internal sealed record CouponCsvReadResult(IReadOnlyList<CouponCsvRow> Rows, IReadOnlyList<ValidationError> Errors, string Encoding)
{
    /// <summary>The header of each imported column as the file writes it, by key (<c>storeIds</c> → <c>対象店舗ID</c>).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>The header the file gives the column <paramref name="key"/>, or the key itself.</summary>
    public string HeaderOf(string key) => Headers.TryGetValue(key, out var header) ? header : key;
}

/// <summary>
/// Reads coupons from CSV in the export's own format (English keys or Japanese headers; the export-only columns such
/// as <c>id</c> and <c>issuedCount</c> are ignored) and checks every row with the input policies. It stores nothing:
/// <see cref="CouponCsvImporter"/> does. It never throws for bad input.
/// </summary>
internal static class CouponCsvReader
{
    private static readonly string[] ImportedKeys = ["status", "title", "benefit", "description", "validFrom", "validUntil", "totalLimit", "perUserLimit", "storeIds", "sharedCode"];

    /// <summary>Reads <paramref name="input"/> (its first <paramref name="length"/> bytes), with dates in <paramref name="zone"/>.</summary>
    public static CouponCsvReadResult Read(byte[] input, int length, InputPolicyOptions policies, TimeZoneInfo zone, PortabilityOptions limits)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(zone);
        ArgumentNullException.ThrowIfNull(limits);
        var errors = new ErrorList(limits.MaxReportedErrors);
        if (!CsvInputDecoder.TryDecode(input, length, out var utf8, out var encoding, out var decodeError))
        {
            errors.Add(decodeError!);
            return new CouponCsvReadResult([], errors.Items, encoding);
        }
        if (utf8.Span.Trim(" \t\r\n"u8).IsEmpty)
        {
            errors.Add(FileError(1, null, "ファイルが空です。1行目に見出しの行が必要です。", "The file is empty; its first line must be the header."));
            return new CouponCsvReadResult([], errors.Items, encoding);
        }

        var rows = new List<CouponCsvRow>();
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        var options = CsvReaderOptions.Default with
        {
            Separator = SeparatorOf(utf8.Span, encoding),
            HasHeader = true,
            TrackLineNumbers = true,
            SkipEmptyLines = true,
            MalformedData = CsvMalformedDataHandling.Throw,
            FieldCountMismatch = CsvFieldCountHandling.Allow,
            IncludeValuesInExceptions = false,
            FormatProvider = CultureInfo.InvariantCulture,
        };
        try
        {
            using var reader = CsvReader.Create(utf8, options);
            if (ReadHeader(reader.Headers, errors) is not { } columns)
            {
                return new CouponCsvReadResult([], errors.Items, encoding);
            }
            headers = columns.Where(c => c.Key is not null).ToDictionary(c => c.Key!, c => c.Header, StringComparer.Ordinal);
            var sharedCodes = new Dictionary<string, long>(StringComparer.Ordinal);
            while (!errors.Full && reader.Read())
            {
                var line = reader.LineNumber;
                if (rows.Count + 1 > limits.MaxImportRows)
                {
                    errors.Add(FileError(line, null, $"一度に取り込めるのは{limits.MaxImportRows}件までです。", $"An import holds at most {limits.MaxImportRows} coupons."));
                    break;
                }
                if (reader.FieldCount != columns.Count)
                {
                    errors.Add(FileError(line, null, $"列の数が見出しと違います（{reader.FieldCount}列、見出しは{columns.Count}列）。",
                        $"The record has {reader.FieldCount} fields; the header has {columns.Count}."));
                    continue;
                }
                if (ReadRow(reader, columns, line, policies, zone, errors) is { } row)
                {
                    if (row.Content.SharedCodeKey is { } key && !sharedCodes.TryAdd(key, line))
                    {
                        errors.Add(At(line, columns, "sharedCode", new ValidationError("sharedCode", FailureCodes.AlreadyExists, new LocalizedMessage(
                            $"共通コードが{sharedCodes[key]}行目と同じです。", $"The shared code is the same as on line {sharedCodes[key]}."))));
                        continue;
                    }
                    rows.Add(row);
                }
            }
        }
        catch (CsvFormatException ex)
        {
            errors.Add(FileError(Math.Max(ex.LineNumber, 1), null,
                "CSVの形式が正しくありません（引用符の閉じ忘れや、閉じた引用符の後の文字）。",
                "The CSV is malformed (an unclosed quote, or text after a closing quote)."));
        }
        return errors.Items.Count > 0
            ? new CouponCsvReadResult([], errors.Items, encoding)
            : new CouponCsvReadResult(rows, [], encoding) { Headers = headers };
    }

    /// <summary>
    /// Excel's 「Unicode テキスト」 is UTF-16 with a tab between fields, where its CSV formats use commas: a UTF-16 file
    /// whose header line holds a tab is read as tab-separated. (A comma inside a header name is no reason to split it.)
    /// </summary>
    private static char SeparatorOf(ReadOnlySpan<byte> utf8, string encoding)
    {
        if (encoding != "utf-16")
        {
            return ',';
        }
        var end = utf8.IndexOfAny("\r\n"u8);
        return (end < 0 ? utf8 : utf8[..end]).Contains((byte)'\t') ? '\t' : ',';
    }

    /// <summary>Maps the header's columns to coupon keys; reports unknown, repeated and missing columns.</summary>
    private static List<FileColumn>? ReadHeader(IReadOnlyList<string> headers, ErrorList errors)
    {
        var known = CsvSchemas.ColumnsOf(CsvDataset.Coupons);
        var columns = new List<FileColumn>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var raw in headers)
        {
            var header = raw.Trim();
            var column = known.FirstOrDefault(c => string.Equals(c.Key, header, StringComparison.OrdinalIgnoreCase) || c.JapaneseHeader == header);
            if (column is null)
            {
                errors.Add(FileError(1, raw, $"知らない列「{header}」があります。", $"Unknown column \"{header}\"."));
            }
            else if (!seen.Add(column.Key))
            {
                errors.Add(FileError(1, raw, $"列「{header}」が2回あります。", $"Column \"{header}\" appears twice."));
            }
            // Export-only columns (id, counts, dates) are read past: the import makes new coupons.
            columns.Add(new FileColumn(column is not null && ImportedKeys.Contains(column.Key) ? column.Key : null, raw));
        }
        foreach (var required in (string[])["title", "benefit"])
        {
            if (!seen.Contains(required))
            {
                errors.Add(FileError(1, required, $"列「{required}」がありません。", $"The column \"{required}\" is missing."));
            }
        }
        return errors.Items.Count > 0 ? null : columns;
    }

    private static CouponCsvRow? ReadRow(CsvReader reader, List<FileColumn> columns, long line, InputPolicyOptions policies, TimeZoneInfo zone, ErrorList errors)
    {
        var cells = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < columns.Count; i++)
        {
            if (columns[i].Key is { } key)
            {
                cells[key] = reader.GetString(i);
            }
        }
        var found = new List<ValidationError>();
        string? Text(string key) => cells.TryGetValue(key, out var cell) ? CsvFormulaGuard.Unprotect(cell) : null;
        string? Optional(string key) => Text(key) is { Length: > 0 } text ? text : null;

        var draft = new CouponDraft
        {
            Title = Text("title"),
            Benefit = Text("benefit"),
            Description = Text("description"),
            ValidFrom = Bound("validFrom"),
            ValidUntil = Bound("validUntil"),
            TotalLimit = cells.ContainsKey("totalLimit") ? Limit("totalLimit") : null,
            PerUserLimit = cells.ContainsKey("perUserLimit") ? Limit("perUserLimit") : 1,
            StoreIds = Optional("storeIds")?.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries),
            SharedCode = Optional("sharedCode"),
        };
        var status = CouponStatus.Draft;
        if (Optional("status") is { } statusText && !TryParseStatus(statusText, out status))
        {
            found.Add(FieldErrors.InvalidFormat("status", "draft、published、paused、archivedのいずれか", "draft, published, paused or archived"));
        }
        var content = CouponRules.Validate(draft, policies, zone, out var ruleErrors);
        found.AddRange(ruleErrors);
        // In the order of the file's columns, as a person reading the line goes.
        foreach (var error in found.OrderBy(e => columns.FindIndex(c => c.Key == e.Field)))
        {
            errors.Add(At(line, columns, error.Field, error));
        }
        return found.Count == 0 ? new CouponCsvRow(line, content, status) : null;

        ValidityBound? Bound(string key)
        {
            if (Optional(key) is not { } text)
            {
                return null;
            }
            if (ValidityBound.TryParse(text, out var bound))
            {
                return bound;
            }
            found.Add(FieldErrors.InvalidFormat(key, "2026-12-01 または 2026-12-01T10:00:00+09:00", "2026-12-01 or 2026-12-01T10:00:00+09:00"));
            return null;
        }

        int? Limit(string key)
        {
            if (Optional(key) is not { } text)
            {
                return null; // empty: no limit, as the export writes it
            }
            if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            {
                return value;
            }
            found.Add(FieldErrors.InvalidFormat(key, "半角数字", "a whole number"));
            return null;
        }
    }

    private static bool TryParseStatus(string text, out CouponStatus status)
    {
        foreach (var candidate in Enum.GetValues<CouponStatus>())
        {
            if (string.Equals(CsvSchemas.NameOf(candidate), text, StringComparison.OrdinalIgnoreCase))
            {
                status = candidate;
                return true;
            }
        }
        status = CouponStatus.Draft;
        return false;
    }

    /// <summary>The error, placed at <paramref name="line"/> in the column of <paramref name="field"/> as the file names it.</summary>
    private static ValidationError At(long line, List<FileColumn> columns, string field, ValidationError error) =>
        error with { Location = new CsvLocation { Line = line, Column = columns.FirstOrDefault(c => c.Key == field)?.Header } };

    private static ValidationError FileError(long line, string? column, string japanese, string english) =>
        new(column ?? "file", FailureCodes.MalformedCsv, new LocalizedMessage(japanese, english))
        {
            Location = new CsvLocation { Line = line, Column = column },
        };

    /// <summary>A column of the file: the coupon key it imports (<see langword="null"/>: read past) and its header as written.</summary>
    private sealed record FileColumn(string? Key, string Header);

    private sealed class ErrorList(int max)
    {
        private readonly List<ValidationError> _items = [];

        public List<ValidationError> Items => _items;

        public bool Full => _items.Count >= max;

        public void Add(ValidationError error)
        {
            if (!Full)
            {
                _items.Add(error);
            }
        }
    }
}
