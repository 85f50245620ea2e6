using System.Collections.Frozen;
using System.Text;

namespace SmartECoupon.Validation;

/// <summary>
/// Windows-31J (CP932, "Shift_JIS" as Windows and Excel write it): which characters it holds and with which code, so that
/// JIS X 0208 membership and the machine-dependent areas are exact byte-range checks.
/// </summary>
/// <remarks>
/// The table is built once by decoding every code strictly and encoding each character back, so every character maps to
/// the one code the encoder writes (CP932 holds some characters twice, in the NEC and IBM areas). Nothing is registered
/// globally: the code-page encoding is taken from its provider directly.
/// </remarks>
public static class Cp932
{
    private static readonly Lazy<FrozenDictionary<char, ushort>> Codes = new(Build);

    /// <summary>The CP932 encoding with exception fallbacks: it never writes a silent <c>?</c>.</summary>
    public static Encoding StrictEncoding { get; } = CreateStrict();

    /// <summary>
    /// CP932 for reading what other systems wrote: it decodes every code Windows' CP932 maps, including the duplicates
    /// the strict decoder refuses (the NEC-selected IBM extensions 0xED40–0xEEFC, such as 髙 written as 0xEEE0, and the
    /// IBM duplicates such as ㈱ at 0xFA58), each to the one character Windows gives it; a byte sequence CP932 does not
    /// map at all still fails, with its position. What the characters may be is for the input policies to judge.
    /// </summary>
    public static Encoding LenientDecoding { get; } = CreateLenient();

    private static readonly Lazy<FrozenDictionary<ushort, char>> Duplicates = new(BuildDuplicates);

    /// <summary>Whether <paramref name="rune"/> can be written in CP932.</summary>
    public static bool CanEncode(Rune rune) => rune.IsBmp && Codes.Value.ContainsKey((char)rune.Value);

    /// <summary>Whether every character of <paramref name="text"/> can be written in CP932.</summary>
    public static bool CanEncode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        // ASCII is all in CP932, and most cells of an export (ids, codes, times) are ASCII: no look-up for them.
        if (!text.AsSpan().ContainsAnyExceptInRange('\0', '\x7F'))
        {
            return true;
        }
        foreach (var rune in text.EnumerateRunes())
        {
            if (!CanEncode(rune))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The CP932 code of <paramref name="rune"/> (one byte, or two as lead·trail), or <see langword="null"/>.</summary>
    public static ushort? CodeOf(Rune rune) => rune.IsBmp && Codes.Value.TryGetValue((char)rune.Value, out var code) ? code : null;

    /// <summary>How many bytes <paramref name="text"/> takes in CP932 (the legacy "全角 2 bytes, 半角 1 byte" length).</summary>
    public static int ByteCount(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var bytes = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            bytes += CodeOf(rune) is { } code ? (code > 0xFF ? 2 : 1) : 2;
        }
        return bytes;
    }

    /// <summary>Whether a code is a JIS X 0208 non-kanji (rows 1–8).</summary>
    internal static bool IsJisNonKanji(ushort code) => code is >= 0x8140 and <= 0x84BE;

    /// <summary>Whether a code is a JIS X 0208 level-1 kanji (rows 16–47).</summary>
    internal static bool IsJisLevel1(ushort code) => code is >= 0x889F and <= 0x9872;

    /// <summary>Whether a code is a JIS X 0208 level-2 kanji (rows 48–84).</summary>
    internal static bool IsJisLevel2(ushort code) => code is >= 0x989F and <= 0xEAA4;

    /// <summary>Whether a code is one of the machine-dependent characters: NEC row 13, NEC-selected IBM, IBM extensions.</summary>
    internal static bool IsMachineDependent(ushort code) =>
        code is (>= 0x8740 and <= 0x879C) or (>= 0xED40 and <= 0xEEFC) or (>= 0xFA40 and <= 0xFC4B);

    private static Encoding CreateStrict()
    {
        var encoding = (Encoding)(CodePagesEncodingProvider.Instance.GetEncoding(932) ?? throw new PlatformNotSupportedException("CP932 is not available.")).Clone();
        encoding.EncoderFallback = EncoderFallback.ExceptionFallback;
        encoding.DecoderFallback = DecoderFallback.ExceptionFallback;
        return encoding;
    }

    private static Encoding CreateLenient()
    {
        var encoding = (Encoding)CreateStrict().Clone();
        encoding.DecoderFallback = new DuplicateCodeFallback();
        return encoding;
    }

    // The codes the strict decoder refuses and Windows' table maps: the provider's default decoder reads them through its
    // best-fit table (EE E0 → 髙, FA 58 → ㈱), and each is kept when that gives one real character, not a substitute.
    private static FrozenDictionary<ushort, char> BuildDuplicates()
    {
        var replacing = CodePagesEncodingProvider.Instance.GetEncoding(932) ?? throw new PlatformNotSupportedException("CP932 is not available.");
        var table = new Dictionary<ushort, char>();
        for (var lead = 0x81; lead <= 0xFC; lead++)
        {
            if (lead is > 0x9F and < 0xE0)
            {
                continue;
            }
            for (var trail = 0x40; trail <= 0xFC; trail++)
            {
                byte[] bytes = [(byte)lead, (byte)trail];
                try
                {
                    StrictEncoding.GetString(bytes);
                    continue;
                }
                catch (DecoderFallbackException)
                {
                }
                var text = replacing.GetString(bytes);
                if (text.Length == 1 && text[0] is not '\uFFFD' and not '?' and not '\u30FB' && !char.IsSurrogate(text[0]))
                {
                    table[(ushort)((lead << 8) | trail)] = text[0];
                }
            }
        }
        return table.ToFrozenDictionary();
    }

    /// <summary>Maps a duplicate code the strict decoder refused to Windows' character; refuses anything else.</summary>
    private sealed class DuplicateCodeFallback : DecoderFallback
    {
        public override int MaxCharCount => 1;

        public override DecoderFallbackBuffer CreateFallbackBuffer() => new Buffer();

        private sealed class Buffer : DecoderFallbackBuffer
        {
            private char _pending;
            private int _remaining;

            public override int Remaining => _remaining;

            public override bool Fallback(byte[] bytesUnknown, int index)
            {
                if (bytesUnknown.Length == 2 && Duplicates.Value.TryGetValue((ushort)((bytesUnknown[0] << 8) | bytesUnknown[1]), out var character))
                {
                    _pending = character;
                    _remaining = 1;
                    return true;
                }
                throw new DecoderFallbackException($"CP932 maps no character to {Convert.ToHexString(bytesUnknown)} at byte {index}.", bytesUnknown, index);
            }

            public override char GetNextChar()
            {
                if (_remaining == 0)
                {
                    return '\0';
                }
                _remaining = 0;
                return _pending;
            }

            public override bool MovePrevious()
            {
                if (_remaining == 1 || _pending == '\0')
                {
                    return false;
                }
                _remaining = 1;
                return true;
            }

            public override void Reset()
            {
                _remaining = 0;
                _pending = '\0';
            }
        }
    }

    private static FrozenDictionary<char, ushort> Build()
    {
        var encoding = StrictEncoding;
        var table = new Dictionary<char, ushort>();
        void Consider(byte[] bytes)
        {
            string text;
            try
            {
                text = encoding.GetString(bytes);
            }
            catch (DecoderFallbackException)
            {
                return;
            }
            if (text.Length != 1 || table.ContainsKey(text[0]))
            {
                return;
            }
            var canonical = encoding.GetBytes(text);
            table[text[0]] = canonical.Length == 1 ? canonical[0] : (ushort)((canonical[0] << 8) | canonical[1]);
        }
        for (var b = 0; b <= 0xFF; b++)
        {
            if (b is (>= 0x81 and <= 0x9F) or (>= 0xE0 and <= 0xFC))
            {
                continue; // lead bytes
            }
            Consider([(byte)b]);
        }
        for (var lead = 0x81; lead <= 0xFC; lead++)
        {
            if (lead is > 0x9F and < 0xE0)
            {
                continue;
            }
            for (var trail = 0x40; trail <= 0xFC; trail++)
            {
                if (trail != 0x7F)
                {
                    Consider([(byte)lead, (byte)trail]);
                }
            }
        }
        return table.ToFrozenDictionary();
    }
}
