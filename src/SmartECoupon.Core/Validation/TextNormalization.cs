using System.Text;

namespace SmartECoupon.Validation;

/// <summary>How a field composes characters before it is checked.</summary>
public enum CompositionMode
{
    /// <summary>Unicode normalisation form C over the whole value (the default): か + U+3099 becomes が.</summary>
    Nfc,
    /// <summary>
    /// Only kana with a combining (semi-)voiced mark are composed. NFC also replaces 22 CP932 IBM-extension kanji with
    /// their unified forms, two of which (凞, 蘒) CP932 cannot hold; a field that keeps those characters must not change them.
    /// </summary>
    KanaOnly,
    /// <summary>Nothing is composed.</summary>
    None,
}

/// <summary>Targeted text conversions for Japanese input. Each is idempotent; none is a silent whole-string NFKC.</summary>
public static class TextNormalization
{
    private static readonly System.Buffers.SearchValues<char> WaveDashFamily = System.Buffers.SearchValues.Create("\u301C\u2014\u2016\u2212\u00A2\u00A3\u00A5\u00AC");

    /// <summary>
    /// Maps the JIS-side forms of the wave-dash family to the characters CP932 holds, so that text typed on macOS, iOS
    /// or in Java passes a Shift_JIS-based check and survives a Shift_JIS export: 〜→～, —→―, ‖→∥, −→－, ¢→￠, £→￡, ¬→￢,
    /// and the half-width yen sign a macOS JIS keyboard types, ¥ (U+00A5)→￥ (U+FFE5), which CP932 cannot hold either.
    /// </summary>
    /// <remarks>
    /// The backslash (U+005C) is left as it is: it is what byte 0x5C of a Shift_JIS file decodes to, which Japanese fonts
    /// draw as ¥, so "¥1,000" saved by Excel as CSV arrives as "\1,000" and goes back to the same byte on a Shift_JIS
    /// export. Turning it into a yen sign would change codes and text that mean a backslash.
    /// </remarks>
    public static string MapWaveDashFamily(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.AsSpan().ContainsAny(WaveDashFamily))
        {
            return text;
        }
        return string.Create(text.Length, text, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = source[i] switch
                {
                    '\u301C' => '\uFF5E',
                    '\u2014' => '\u2015',
                    '\u2016' => '\u2225',
                    '\u2212' => '\uFF0D',
                    '\u00A2' => '\uFFE0',
                    '\u00A3' => '\uFFE1',
                    '\u00A5' => '\uFFE5',
                    '\u00AC' => '\uFFE2',
                    var c => c,
                };
            }
        });
    }

    /// <summary>Half-width katakana to full width, joining a following ﾞ or ﾟ: ｶﾞ→ガ, ﾊﾟ→パ, ｰ→ー, ｡→。.</summary>
    public static string FoldHalfWidthKatakana(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.AsSpan().ContainsAnyInRange('\uFF61', '\uFF9F'))
        {
            return text;
        }
        // NFKC applied to each run of half-width kana only, never to the rest: it is exactly the JIS mapping there.
        var builder = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] is >= '\uFF61' and <= '\uFF9F')
            {
                var start = i;
                while (i < text.Length && text[i] is >= '\uFF61' and <= '\uFF9F')
                {
                    i++;
                }
                builder.Append(text.AsSpan(start, i - start).ToString().Normalize(NormalizationForm.FormKC));
            }
            else
            {
                builder.Append(text[i++]);
            }
        }
        return builder.ToString();
    }

    /// <summary>Full-width ASCII to ASCII, and the ideographic space to a space: ＡＢＣ１２３→ABC123.</summary>
    public static string FoldFullWidthAscii(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.AsSpan().ContainsAnyInRange('\uFF01', '\uFF5E') && !text.Contains('\u3000', StringComparison.Ordinal))
        {
            return text;
        }
        return string.Create(text.Length, text, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = source[i] switch
                {
                    >= '\uFF01' and <= '\uFF5E' => (char)(source[i] - 0xFEE0),
                    '\u3000' => ' ',
                    var c => c,
                };
            }
        });
    }

    /// <summary>Composes characters as <paramref name="mode"/> says. The text must be valid UTF-16.</summary>
    public static string Compose(string text, CompositionMode mode)
    {
        ArgumentNullException.ThrowIfNull(text);
        return mode switch
        {
            CompositionMode.Nfc => text.IsNormalized(NormalizationForm.FormC) ? text : text.Normalize(NormalizationForm.FormC),
            CompositionMode.KanaOnly => ComposeKana(text),
            _ => text,
        };
    }

    private static string ComposeKana(string text)
    {
        if (!text.AsSpan().ContainsAny('\u3099', '\u309A'))
        {
            return text;
        }
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (i + 1 < text.Length && text[i + 1] is '\u3099' or '\u309A' && text[i] is (>= '\u3041' and <= '\u30FF'))
            {
                var composed = string.Concat(text[i], text[i + 1]).Normalize(NormalizationForm.FormC);
                if (composed.Length == 1)
                {
                    builder.Append(composed);
                    i++;
                    continue;
                }
            }
            builder.Append(text[i]);
        }
        return builder.ToString();
    }
}
