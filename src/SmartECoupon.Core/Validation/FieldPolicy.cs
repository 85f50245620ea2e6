using System.Globalization;
using System.Text;

namespace SmartECoupon.Validation;

/// <summary>
/// The rules one text field follows: whether it is required, its length in characters (extended grapheme clusters,
/// what a person sees as one character), a hard cap in UTF-16 code units for storage, and whether line breaks are
/// allowed. Characters that are never acceptable in stored text are always refused.
/// </summary>
/// <remarks>
/// Before checking, line ends are made <c>\n</c> and the value is trimmed (including the ideographic space U+3000); after
/// the forbidden characters are refused, it is put into Unicode normalisation form C, so that a decomposed <c>か</c> + U+3099 is stored as <c>が</c>. Checking
/// the stored value again returns it unchanged. Always refused: control characters (other than <c>\n</c> where line
/// breaks are allowed), lone surrogates, non-characters, bidirectional overrides and isolates, and private-use
/// characters.
/// </remarks>
public sealed class FieldPolicy
{
    /// <summary>Whether a value must be given (white space alone does not count).</summary>
    public bool Required { get; set; }

    /// <summary>The fewest characters (grapheme clusters) a given value may have.</summary>
    public int MinLength { get; set; }

    /// <summary>The most characters (grapheme clusters) a value may have.</summary>
    public int MaxLength { get; set; } = 100;

    /// <summary>
    /// The most UTF-16 code units a value may have, whatever it looks like: a guard against values that look short but
    /// are huge (long emoji sequences, piles of combining marks). Defaults to four units per allowed character.
    /// </summary>
    public int? MaxUtf16Length { get; set; }

    /// <summary>Whether line breaks are allowed (stored as <c>\n</c>).</summary>
    public bool AllowLineBreaks { get; set; }

    /// <summary>The effective UTF-16 cap.</summary>
    public int EffectiveMaxUtf16Length => MaxUtf16Length ?? checked(MaxLength * 4);

    /// <summary>
    /// Normalises <paramref name="value"/> and checks it. Returns the value to store, or <see langword="null"/> when the
    /// value is absent (and not required) or fails; every failure is added to <paramref name="errors"/>.
    /// </summary>
    public string? Apply(string field, string? value, ICollection<ValidationError> errors)
    {
        ArgumentNullException.ThrowIfNull(field);
        ArgumentNullException.ThrowIfNull(errors);
        if (value is null)
        {
            if (Required)
            {
                errors.Add(FieldErrors.Required(field));
            }
            return null;
        }

        // Trim first (the contract's order), so a trailing tab or line break pasted with a value is dropped rather than
        // refused; then refuse what must never be stored; only then compose (NFC throws on a lone surrogate).
        var trimmed = LineEndsAndTrim(value);
        var offending = TextSafety.FindForbidden(trimmed, AllowLineBreaks);
        if (offending.Count > 0)
        {
            errors.Add(FieldErrors.InvalidCharacters(field, offending));
            return null;
        }

        var normalized = trimmed.IsNormalized(NormalizationForm.FormC) ? trimmed : trimmed.Normalize(NormalizationForm.FormC);
        if (normalized.Length == 0)
        {
            if (Required)
            {
                errors.Add(FieldErrors.Required(field));
                return null;
            }
            return "";
        }

        if (normalized.Length > EffectiveMaxUtf16Length)
        {
            errors.Add(FieldErrors.TooLong(field, MaxLength));
            return null;
        }
        var length = new StringInfo(normalized).LengthInTextElements;
        if (length > MaxLength)
        {
            errors.Add(FieldErrors.TooLong(field, MaxLength));
            return null;
        }
        if (length < MinLength)
        {
            errors.Add(FieldErrors.TooShort(field, MinLength));
            return null;
        }
        return normalized;
    }

    private string LineEndsAndTrim(string value)
    {
        var text = AllowLineBreaks ? value.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n') : value;
        return text.Trim();
    }
}

/// <summary>Builds the library's field errors with their messages.</summary>
public static class FieldErrors
{
    /// <summary>A required field is missing.</summary>
    public static ValidationError Required(string field) => new(field, ValidationCodes.Required,
        new LocalizedMessage($"{field} は必須です。", $"{field} is required."));

    /// <summary>A value is longer than <paramref name="max"/> characters.</summary>
    public static ValidationError TooLong(string field, int max) => new(field, ValidationCodes.TooLong,
        new LocalizedMessage($"{field} は {max} 文字以内で入力してください。", $"{field} must be at most {max} characters."));

    /// <summary>A value is shorter than <paramref name="min"/> characters.</summary>
    public static ValidationError TooShort(string field, int min) => new(field, ValidationCodes.TooShort,
        new LocalizedMessage($"{field} は {min} 文字以上で入力してください。", $"{field} must be at least {min} characters."));

    /// <summary>A value holds characters that are not allowed.</summary>
    public static ValidationError InvalidCharacters(string field, IReadOnlyList<string> offending) => new(field, ValidationCodes.InvalidCharacters,
        new LocalizedMessage(
            $"{field} に使用できない文字が含まれています: {string.Join(", ", offending)}",
            $"{field} contains characters that are not allowed: {string.Join(", ", offending)}"))
    {
        OffendingCharacters = offending,
    };

    /// <summary>A value does not have the expected format.</summary>
    public static ValidationError InvalidFormat(string field, string expectedJa, string expectedEn) => new(field, ValidationCodes.InvalidFormat,
        new LocalizedMessage($"{field} の形式が正しくありません（{expectedJa}）。", $"{field} has an invalid format (expected {expectedEn})."));

    /// <summary>A number or date lies outside its range.</summary>
    public static ValidationError OutOfRange(string field, string rangeJa, string rangeEn) => new(field, ValidationCodes.OutOfRange,
        new LocalizedMessage($"{field} は{rangeJa}にしてください。", $"{field} must be {rangeEn}."));
}

/// <summary>Finds characters that are never acceptable in stored text.</summary>
internal static class TextSafety
{
    public static IReadOnlyList<string> FindForbidden(string value, bool allowLineBreaks)
    {
        List<string>? found = null;
        var index = 0;
        while (index < value.Length)
        {
            if (Rune.DecodeFromUtf16(value.AsSpan(index), out var rune, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                Add(ref found, $"U+{(int)value[index]:X4}");
                index++;
                continue;
            }
            index += consumed;
            if (IsForbidden(rune, allowLineBreaks))
            {
                Add(ref found, $"U+{rune.Value:X4}");
            }
        }
        return found ?? (IReadOnlyList<string>)[];
    }

    private static bool IsForbidden(Rune rune, bool allowLineBreaks)
    {
        var value = rune.Value;
        if (allowLineBreaks && value is '\n' or '\r')
        {
            return false;
        }
        if (Rune.IsControl(rune))
        {
            return true;
        }
        // Bidirectional embeddings, overrides and isolates can make text display differently from what it is.
        if (value is (>= 0x202A and <= 0x202E) or (>= 0x2066 and <= 0x2069))
        {
            return true;
        }
        // Line and paragraph separators: line breaks that are not \n.
        if (value is 0x2028 or 0x2029)
        {
            return true;
        }
        // Non-characters: U+FDD0–U+FDEF and the last two code points of every plane.
        if (value is >= 0xFDD0 and <= 0xFDEF || (value & 0xFFFE) == 0xFFFE)
        {
            return true;
        }
        // The byte-order mark inside text, and private-use characters (CP932 user-defined characters decode there).
        return value == 0xFEFF || Rune.GetUnicodeCategory(rune) == UnicodeCategory.PrivateUse;
    }

    private static void Add(ref List<string>? found, string item)
    {
        found ??= [];
        if (!found.Contains(item))
        {
            found.Add(item);
        }
    }
}
