using System.Globalization;

namespace SmartECoupon.Validation;

/// <summary>A message in Japanese and English; Japanese is the default.</summary>
/// <param name="Japanese">The Japanese text.</param>
/// <param name="English">The English text.</param>
public sealed record LocalizedMessage(string Japanese, string English)
{
    /// <summary>The text for <paramref name="culture"/>: English for any English culture, Japanese otherwise.</summary>
    public string For(CultureInfo? culture) =>
        culture is not null && culture.TwoLetterISOLanguageName == "en" ? English : Japanese;

    /// <summary>The Japanese text.</summary>
    public override string ToString() => Japanese;
}

/// <summary>The stable machine codes of field errors.</summary>
public static class ValidationCodes
{
    /// <summary>A required value is missing or only white space.</summary>
    public const string Required = "required";
    /// <summary>The value is shorter than the field allows.</summary>
    public const string TooShort = "too_short";
    /// <summary>The value is longer than the field allows.</summary>
    public const string TooLong = "too_long";
    /// <summary>The value holds characters the field does not allow.</summary>
    public const string InvalidCharacters = "invalid_characters";
    /// <summary>The value does not have the required format (a date, a colour, an identifier…).</summary>
    public const string InvalidFormat = "invalid_format";
    /// <summary>A number or date lies outside the allowed range.</summary>
    public const string OutOfRange = "out_of_range";
    /// <summary>The value must be unique and is already taken.</summary>
    public const string AlreadyExists = "already_exists";
    /// <summary>The value names an object that does not exist.</summary>
    public const string NotFound = "not_found";
    /// <summary>The value cannot be written in the chosen encoding (Shift_JIS).</summary>
    public const string Unencodable = "unencodable";
    /// <summary>The CSV record or file is malformed (quoting, field count, header, size).</summary>
    public const string MalformedCsv = "malformed_csv";
    /// <summary>The request names a field the operation does not know (a typo must never be silently ignored).</summary>
    public const string UnknownField = "unknown_field";
    /// <summary>A field has the wrong JSON type (a string where a number belongs, for example).</summary>
    public const string InvalidType = "invalid_type";
}

/// <summary>One failing field: the contract's <c>{field, code, message}</c>.</summary>
/// <param name="Field">The field's name as the caller sent it (camelCase, e.g. <c>title</c>).</param>
/// <param name="Code">A stable code from <see cref="ValidationCodes"/>.</param>
/// <param name="Message">A human message in Japanese and English.</param>
public sealed record ValidationError(string Field, string Code, LocalizedMessage Message)
{
    /// <summary>For <see cref="ValidationCodes.InvalidCharacters"/>: the characters that were refused, each once, as code points (<c>U+0009</c>).</summary>
    public IReadOnlyList<string> OffendingCharacters { get; init; } = [];

    /// <summary>For a CSV file: where the value is (an import's line and column, an export's dataset, row and column).</summary>
    public CsvLocation? Location { get; init; }
}

/// <summary>Where a value is in a CSV file.</summary>
public sealed record CsvLocation
{
    /// <summary>The dataset (<c>coupons</c>, <c>audit-log</c>…), for an export.</summary>
    public string? Dataset { get; init; }

    /// <summary>The 1-based line of the file where the record starts (the header is line 1), for an import.</summary>
    public long? Line { get; init; }

    /// <summary>The 1-based number of the data record (the header not counted).</summary>
    public long? Row { get; init; }

    /// <summary>The column's name as the file's header has it; <see langword="null"/> for a problem with the whole record.</summary>
    public string? Column { get; init; }
}
