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

/// <summary>One failing field: the contract's <c>{field, code, message}</c>.</summary>
/// <param name="Field">The field's name as the caller sent it (camelCase, e.g. <c>title</c>).</param>
/// <param name="Code">A stable code from <see cref="FailureCodes"/>.</param>
/// <param name="Message">A human message in Japanese and English.</param>
public sealed record ValidationError(string Field, string Code, LocalizedMessage Message)
{
    /// <summary>For <see cref="FailureCodes.InvalidCharacters"/>: the characters that were refused, each once, as code points (<c>U+0009</c>).</summary>
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
