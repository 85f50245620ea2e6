using System.Globalization;
using System.Text;

namespace SmartECoupon.Validation;

/// <summary>
/// Classes of characters a field may allow, combined freely (<c>Hiragana | Katakana | Space</c>). A field that allows
/// <see cref="Any"/> takes every character that is not always refused.
/// </summary>
/// <remarks>
/// <see cref="Hiragana"/>, <see cref="Katakana"/> and <see cref="Emoji"/> follow Unicode, so they include ゔ, ゖ and ヸ,
/// which Shift_JIS cannot hold; the other classes lie inside CP932. A field that must survive a Shift_JIS export sets
/// <see cref="FieldPolicy.RequireCp932"/> as well.
/// </remarks>
[Flags]
public enum CharacterClasses
{
    /// <summary>No class: every character is refused.</summary>
    None = 0,
    /// <summary>ASCII letters A–Z and a–z.</summary>
    AsciiLetters = 1 << 0,
    /// <summary>ASCII digits 0–9 (not the full-width or Arabic-Indic ones that .NET's \d also matches).</summary>
    AsciiDigits = 1 << 1,
    /// <summary>ASCII punctuation and symbols (<c>!"#$%&amp;'()*+,-./:;&lt;=&gt;?@[\]^_`{|}~</c>).</summary>
    AsciiSymbols = 1 << 2,
    /// <summary>White space: the space U+0020 and the ideographic space U+3000.</summary>
    Space = 1 << 3,
    /// <summary>Half-width katakana and their marks (U+FF61–U+FF9F, CP932's single-byte kana).</summary>
    HalfWidthKatakana = 1 << 4,
    /// <summary>
    /// 全角 as Japanese forms mean it: the characters of JIS X 0208 (rows 1–8 and kanji levels 1 and 2), that is, the
    /// two-byte characters of Shift_JIS without the machine-dependent ones.
    /// </summary>
    FullWidth = 1 << 5,
    /// <summary>Hiragana (ぁ–ゖ), with the long-vowel mark ー and the iteration marks ゝゞ.</summary>
    Hiragana = 1 << 6,
    /// <summary>Katakana (ァ–ヺ), with ー, the middle dot ・ and the iteration marks ヽヾ.</summary>
    Katakana = 1 << 7,
    /// <summary>Kanji of JIS X 0208 levels 1 and 2, with 々〆〇 and ヶ as names use them (佐々木, 霞ヶ関).</summary>
    JisKanji = 1 << 8,
    /// <summary>CP932's machine-dependent characters (NEC row 13 such as ①㈱, and the IBM extension kanji such as 髙﨑): an explicit opt-in.</summary>
    Cp932Extensions = 1 << 9,
    /// <summary>Emoji, with the joiners, variation selectors, skin tones, flags and keycaps that build emoji sequences.</summary>
    Emoji = 1 << 10,
    /// <summary>Every character that is not always refused.</summary>
    Any = 1 << 30,
}

/// <summary>Says which <see cref="CharacterClasses"/> a character belongs to.</summary>
public static class CharacterClassifier
{
    /// <summary>Every class <paramref name="rune"/> belongs to (possibly several: ー is hiragana, katakana and full-width).</summary>
    public static CharacterClasses Classify(Rune rune)
    {
        var value = rune.Value;
        var classes = CharacterClasses.None;
        switch (value)
        {
            case (>= 'A' and <= 'Z') or (>= 'a' and <= 'z'):
                return CharacterClasses.AsciiLetters;
            case >= '0' and <= '9':
                return CharacterClasses.AsciiDigits;
            case ' ':
                return CharacterClasses.Space;
            case (>= '!' and <= '/') or (>= ':' and <= '@') or (>= '[' and <= '`') or (>= '{' and <= '~'):
                return CharacterClasses.AsciiSymbols;
            case 0x3000:
                classes |= CharacterClasses.Space;
                break;
            case >= 0xFF61 and <= 0xFF9F:
                return CharacterClasses.HalfWidthKatakana;
        }
        if (value is (>= 0x3041 and <= 0x3096) or 0x309D or 0x309E or 0x30FC)
        {
            classes |= CharacterClasses.Hiragana;
        }
        if (value is (>= 0x30A1 and <= 0x30FA) or (>= 0x30FB and <= 0x30FE))
        {
            classes |= CharacterClasses.Katakana;
        }
        if (Cp932.CodeOf(rune) is { } code)
        {
            if (Cp932.IsJisNonKanji(code) || Cp932.IsJisLevel1(code) || Cp932.IsJisLevel2(code))
            {
                classes |= CharacterClasses.FullWidth;
            }
            if (Cp932.IsJisLevel1(code) || Cp932.IsJisLevel2(code) || value is 0x3005 or 0x3006 or 0x3007 or 0x30F6)
            {
                classes |= CharacterClasses.JisKanji;
            }
            if (Cp932.IsMachineDependent(code))
            {
                classes |= CharacterClasses.Cp932Extensions;
            }
        }
        if (IsEmojiPart(value))
        {
            classes |= CharacterClasses.Emoji;
        }
        return classes;
    }

    /// <summary>Whether <paramref name="rune"/> is allowed by <paramref name="allowed"/>.</summary>
    public static bool IsAllowed(Rune rune, CharacterClasses allowed) =>
        allowed.HasFlag(CharacterClasses.Any) || (Classify(rune) & allowed) != CharacterClasses.None;

    private static bool IsEmojiPart(int value) => value switch
    {
        >= 0x1F000 and <= 0x1FAFF => true,        // pictographs, emoticons, transport, symbols, flags (regional indicators), skin tones
        >= 0x2600 and <= 0x27BF => true,          // miscellaneous symbols and dingbats
        >= 0x2B00 and <= 0x2BFF => true,          // arrows and stars such as ⭐
        0x200D or 0xFE0F or 0x20E3 => true,       // zero-width joiner, emoji presentation selector, keycap
        >= 0xE0020 and <= 0xE007F => true,        // tags (subdivision flags)
        0x00A9 or 0x00AE or 0x203C or 0x2049 or 0x2122 or 0x2139 or 0x3030 or 0x303D or 0x3297 or 0x3299 => true,
        _ => false,
    };

    /// <summary>How an offending character is named in messages: the character itself when visible, and its code point.</summary>
    internal static string Describe(Rune rune)
    {
        var category = Rune.GetUnicodeCategory(rune);
        var visible = category is not (UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
            or UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.OtherNotAssigned
            or UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark);
        return visible ? $"{rune} (U+{rune.Value:X4})" : $"U+{rune.Value:X4}";
    }
}
