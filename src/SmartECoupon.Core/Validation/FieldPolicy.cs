using System.Globalization;
using System.Text;

namespace SmartECoupon.Validation;

/// <summary>
/// The rules one text field follows, as Japanese forms define them: whether it is required; its length in characters
/// (extended grapheme clusters, what a person sees as one character) with a hard cap in UTF-16 code units for storage;
/// the classes of characters it allows; how it is normalised before it is checked. Characters that are never acceptable
/// in stored text are always refused.
/// </summary>
/// <remarks>
/// <para>Order: line ends are made <c>\n</c> and the value is trimmed (including the ideographic space); characters that are
/// always refused are refused (control characters other than an allowed line break, lone surrogates, non-characters,
/// invisible format characters such as bidirectional overrides and zero-width spaces, line and paragraph separators,
/// private-use characters, the replacement character U+FFFD); the value is normalised (wave-dash family, half-width
/// katakana, full-width ASCII, composition), trimmed again, and checked (required, character classes, CP932, lengths).</para>
/// <para>Normalisation is idempotent: the stored value, checked again, comes back unchanged.</para>
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
    /// are huge (long emoji sequences, piles of combining marks). Defaults to four units per allowed character. The
    /// storage columns are sized for the library's defaults; raise a cap only with its column.
    /// </summary>
    public int? MaxUtf16Length { get; set; }

    /// <summary>The most bytes the value may take in CP932 (the legacy rule "全角 20 文字 = 40 bytes"); <see langword="null"/> for none.</summary>
    public int? MaxCp932Bytes { get; set; }

    /// <summary>Whether line breaks are allowed (stored as <c>\n</c>).</summary>
    public bool AllowLineBreaks { get; set; }

    /// <summary>The classes of characters allowed. Default <see cref="CharacterClasses.Any"/>.</summary>
    public CharacterClasses AllowedCharacters { get; set; } = CharacterClasses.Any;

    /// <summary>Whether every character must be one CP932 can hold, so that the value survives a Shift_JIS export.</summary>
    public bool RequireCp932 { get; set; }

    /// <summary>Whether the wave-dash family is mapped to CP932's forms (〜→～, −→－, …). Default <see langword="true"/>.</summary>
    public bool MapWaveDashFamily { get; set; } = true;

    /// <summary>Whether half-width katakana is turned into full width (ｶﾞ→ガ).</summary>
    public bool FoldHalfWidthKatakana { get; set; }

    /// <summary>Whether full-width ASCII is turned into ASCII (ＡＢＣ→ABC), for codes, numbers and e-mail addresses.</summary>
    public bool FoldFullWidthAscii { get; set; }

    /// <summary>
    /// How characters are composed. Default <see cref="CompositionMode.Nfc"/>, except that a field which allows or needs CP932
    /// characters composes kana only (see <see cref="EffectiveComposition"/>).
    /// </summary>
    public CompositionMode? Composition { get; set; }

    /// <summary>The field's name in Japanese messages (default: the field's key).</summary>
    public string? LabelJa { get; set; }

    /// <summary>The field's name in English messages (default: the field's key).</summary>
    public string? LabelEn { get; set; }

    /// <summary>The effective UTF-16 cap.</summary>
    public int EffectiveMaxUtf16Length => MaxUtf16Length ?? checked(MaxLength * 4);

    /// <summary>
    /// The composition used: <see cref="Composition"/> when set; otherwise kana only when the field allows CP932's
    /// machine-dependent characters or requires CP932 (whole-string NFC would rewrite IBM-extension kanji, 凞 and 蘒
    /// into characters CP932 cannot hold), and NFC for every other field.
    /// </summary>
    public CompositionMode EffectiveComposition => Composition
        ?? (RequireCp932 || AllowedCharacters.HasFlag(CharacterClasses.Cp932Extensions) ? CompositionMode.KanaOnly : CompositionMode.Nfc);

    /// <summary>
    /// Normalises <paramref name="value"/> and checks it. Returns the value to store, or <see langword="null"/> when the
    /// value is absent (and not required) or fails; every failure is added to <paramref name="errors"/>. Never throws for
    /// any input.
    /// </summary>
    public string? Apply(string field, string? value, ICollection<ValidationError> errors)
    {
        ArgumentNullException.ThrowIfNull(field);
        ArgumentNullException.ThrowIfNull(errors);
        var label = LabelFor(field);
        if (value is null)
        {
            if (Required)
            {
                errors.Add(FieldErrors.Required(label));
            }
            return null;
        }
        if (value.Length > Math.Max(EffectiveMaxUtf16Length, 4096) * 4)
        {
            // Far beyond any cap: refused before any work on it.
            errors.Add(FieldErrors.TooLongToStore(label, EffectiveMaxUtf16Length));
            return null;
        }

        var text = LineEndsAndTrim(value);
        var forbidden = TextSafety.FindForbidden(text, AllowLineBreaks);
        if (forbidden.Count > 0)
        {
            errors.Add(FieldErrors.InvalidCharacters(label, forbidden));
            return null;
        }
        text = Normalize(text).Trim();

        if (text.Length == 0)
        {
            if (Required)
            {
                errors.Add(FieldErrors.Required(label));
                return null;
            }
            return "";
        }

        var refused = new List<string>();
        foreach (var rune in text.EnumerateRunes())
        {
            if ((rune.Value != '\n' && !CharacterClassifier.IsAllowed(rune, AllowedCharacters)) || (RequireCp932 && rune.Value != '\n' && !Cp932.CanEncode(rune)))
            {
                var described = CharacterClassifier.Describe(rune);
                if (!refused.Contains(described))
                {
                    refused.Add(described);
                }
            }
        }
        if (refused.Count > 0)
        {
            errors.Add(FieldErrors.InvalidCharacters(label, refused));
            return null;
        }

        if (text.Length > EffectiveMaxUtf16Length)
        {
            errors.Add(FieldErrors.TooLongToStore(label, EffectiveMaxUtf16Length));
            return null;
        }
        var length = new StringInfo(text).LengthInTextElements;
        if (length > MaxLength)
        {
            errors.Add(FieldErrors.TooLong(label, MaxLength));
            return null;
        }
        if (MaxCp932Bytes is { } maxBytes && Cp932.ByteCount(text) > maxBytes)
        {
            errors.Add(FieldErrors.TooLongInBytes(label, maxBytes));
            return null;
        }
        if (length < MinLength)
        {
            errors.Add(FieldErrors.TooShort(label, MinLength));
            return null;
        }
        return text;
    }

    /// <summary>The field's names in messages, for errors the caller adds about the same field.</summary>
    public FieldLabel LabelFor(string field)
    {
        ArgumentNullException.ThrowIfNull(field);
        return new(field, LabelJa ?? field, LabelEn ?? field);
    }

    /// <summary>The normalisation alone (no checks), for values already checked. The value must be free of forbidden characters.</summary>
    public string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (MapWaveDashFamily)
        {
            text = TextNormalization.MapWaveDashFamily(text);
        }
        if (FoldHalfWidthKatakana)
        {
            text = TextNormalization.FoldHalfWidthKatakana(text);
        }
        if (FoldFullWidthAscii)
        {
            text = TextNormalization.FoldFullWidthAscii(text);
        }
        return TextNormalization.Compose(text, EffectiveComposition);
    }

    private string LineEndsAndTrim(string value)
    {
        var text = AllowLineBreaks ? value.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n') : value;
        return text.Trim();
    }
}

/// <summary>A field's key and its names in messages.</summary>
/// <param name="Field">The key, as the caller sent it (camelCase).</param>
/// <param name="Japanese">The name in Japanese messages.</param>
/// <param name="English">The name in English messages.</param>
public readonly record struct FieldLabel(string Field, string Japanese, string English)
{
    /// <summary>A label that uses the key in both languages.</summary>
    public static implicit operator FieldLabel(string field) => new(field, field, field);

    /// <summary>A label from a key (named form of the implicit conversion).</summary>
    public static FieldLabel FromField(string field) => field;
}

/// <summary>Builds the library's field errors with their messages.</summary>
public static class FieldErrors
{
    /// <summary>A required field is missing.</summary>
    public static ValidationError Required(FieldLabel field) => new(field.Field, FailureCodes.Required,
        new LocalizedMessage($"{field.Japanese}は必須です。", $"{field.English} is required."));

    /// <summary>A value is longer than <paramref name="max"/> characters.</summary>
    public static ValidationError TooLong(FieldLabel field, int max) => new(field.Field, FailureCodes.TooLong,
        new LocalizedMessage($"{field.Japanese}は{max}文字以内で入力してください。", $"{field.English} must be at most {max} characters."));

    /// <summary>
    /// A value is within its length in characters but longer than storage holds (long emoji sequences, piles of
    /// combining marks): the same code, <c>too_long</c>, with a message that does not contradict the character count.
    /// </summary>
    public static ValidationError TooLongToStore(FieldLabel field, int maxUtf16Units) => new(field.Field, FailureCodes.TooLong,
        new LocalizedMessage($"{field.Japanese}が長すぎます。絵文字や結合文字を減らしてください（上限はUTF-16で{maxUtf16Units}単位）。",
            $"{field.English} is too long to store: use fewer emoji or combining marks (at most {maxUtf16Units} UTF-16 code units)."));

    /// <summary>A value takes more than <paramref name="maxBytes"/> bytes in Shift_JIS (CP932).</summary>
    public static ValidationError TooLongInBytes(FieldLabel field, int maxBytes) => new(field.Field, FailureCodes.TooLong,
        new LocalizedMessage($"{field.Japanese}は{maxBytes}バイト以内（全角{maxBytes / 2}文字、半角{maxBytes}文字まで）で入力してください。",
            $"{field.English} must be at most {maxBytes} bytes in Shift_JIS (full-width characters take two)."));

    /// <summary>A value is shorter than <paramref name="min"/> characters.</summary>
    public static ValidationError TooShort(FieldLabel field, int min) => new(field.Field, FailureCodes.TooShort,
        new LocalizedMessage($"{field.Japanese}は{min}文字以上で入力してください。", $"{field.English} must be at least {min} characters."));

    /// <summary>A value holds characters that are not allowed.</summary>
    public static ValidationError InvalidCharacters(FieldLabel field, IReadOnlyList<string> offending) => new(field.Field, FailureCodes.InvalidCharacters,
        new LocalizedMessage(
            $"{field.Japanese}に使用できない文字が含まれています: {string.Join(", ", offending)}",
            $"{field.English} contains characters that are not allowed: {string.Join(", ", offending)}"))
    {
        OffendingCharacters = offending,
    };

    /// <summary>A value does not have the expected format.</summary>
    public static ValidationError InvalidFormat(FieldLabel field, string expectedJa, string expectedEn) => new(field.Field, FailureCodes.InvalidFormat,
        new LocalizedMessage($"{field.Japanese}の形式が正しくありません（{expectedJa}）。", $"{field.English} has an invalid format (expected {expectedEn})."));

    /// <summary>A field the operation does not know, named by its path (<c>schedule.hour</c>).</summary>
    public static ValidationError UnknownField(string path) => new(path, FailureCodes.UnknownField,
        new LocalizedMessage($"{path} という項目はありません。項目名を確認してください。", $"{path} is not a field of this request; check its name."));

    /// <summary>A field of the wrong JSON type.</summary>
    public static ValidationError InvalidType(FieldLabel field, string expectedJa, string expectedEn) => new(field.Field, FailureCodes.InvalidType,
        new LocalizedMessage($"{field.Japanese}の型が正しくありません（{expectedJa}）。", $"{field.English} has the wrong type (expected {expectedEn})."));

    /// <summary>A number or date lies outside its range.</summary>
    public static ValidationError OutOfRange(FieldLabel field, string rangeJa, string rangeEn) => new(field.Field, FailureCodes.OutOfRange,
        new LocalizedMessage($"{field.Japanese}は{rangeJa}にしてください。", $"{field.English} must be {rangeEn}."));
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
        if (allowLineBreaks && value == '\n')
        {
            return false;
        }
        var category = Rune.GetUnicodeCategory(rune);
        if (category is UnicodeCategory.Control or UnicodeCategory.PrivateUse or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
        {
            return true;
        }
        // Invisible format characters (zero-width space, soft hyphen, bidirectional overrides and isolates, the byte-order
        // mark…) make text display differently from what it is. Kept: the joiners emoji and some scripts need, and the
        // tag characters of subdivision flags.
        if (category == UnicodeCategory.Format && value is not (0x200C or 0x200D or (>= 0xE0020 and <= 0xE007F)))
        {
            return true;
        }
        // Non-characters (U+FDD0–U+FDEF and the last two code points of every plane), and the replacement character,
        // which in input is the mark of a decoding error upstream: storing it would lose the original for good.
        return value is (>= 0xFDD0 and <= 0xFDEF) or 0xFFFD || (value & 0xFFFE) == 0xFFFE;
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
