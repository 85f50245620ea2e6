using System.Text;
using System.Text.Unicode;
using SmartECoupon.Validation;

namespace SmartECoupon.Portability;

/// <summary>
/// Finds the encoding of an uploaded CSV file as Japanese Excel writes them and turns it into UTF-8: a byte order mark
/// first (UTF-8, or UTF-16 from "Unicode text"), then strict UTF-8 ("CSV UTF-8"), then CP932 ("CSV", Shift_JIS). Text
/// in kana or kanji is almost never valid UTF-8 by chance, so the order is safe.
/// </summary>
internal static class CsvInputDecoder
{
    private static readonly Encoding StrictUtf16LittleEndian = new UnicodeEncoding(bigEndian: false, byteOrderMark: false, throwOnInvalidBytes: true);
    private static readonly Encoding StrictUtf16BigEndian = new UnicodeEncoding(bigEndian: true, byteOrderMark: false, throwOnInvalidBytes: true);

    /// <summary>The input as UTF-8 without a byte order mark, and the encoding found; or the reason it cannot be read.</summary>
    public static bool TryDecode(byte[] input, int length, out ReadOnlyMemory<byte> utf8, out string encoding, out ValidationError? error)
    {
        var bytes = input.AsMemory(0, length);
        var span = bytes.Span;
        error = null;
        if (span.StartsWith("\uFEFF"u8))
        {
            encoding = "utf-8";
            utf8 = bytes[3..];
            if (Utf8.IsValid(utf8.Span))
            {
                return true;
            }
            error = Problem("UTF-8のバイト順マークがありますが、UTF-8として読めない部分があります。", "The file starts with a UTF-8 byte order mark but is not valid UTF-8.");
            return false;
        }
        if (span.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || span.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            encoding = "utf-16";
            var utf16 = span[0] == 0xFF ? StrictUtf16LittleEndian : StrictUtf16BigEndian;
            return TryTranscode(utf16, bytes[2..], out utf8, out error);
        }
        if (Utf8.IsValid(span))
        {
            encoding = "utf-8";
            utf8 = bytes;
            return true;
        }
        // Excel's "CSV (コンマ区切り)": CP932. Decoded leniently, as Windows would: the NEC-selected IBM codes (0xED, 0xEE)
        // and the IBM duplicates that NEC-style systems write decode to their characters, bytes CP932 does not map at all
        // are refused rather than guessed, and the input policies then judge every character.
        encoding = "shift_jis";
        return TryTranscode(Cp932.LenientDecoding, bytes, out utf8, out error);
    }

    private static bool TryTranscode(Encoding from, ReadOnlyMemory<byte> bytes, out ReadOnlyMemory<byte> utf8, out ValidationError? error)
    {
        try
        {
            utf8 = Encoding.UTF8.GetBytes(from.GetString(bytes.Span));
            error = null;
            return true;
        }
        catch (DecoderFallbackException ex)
        {
            utf8 = default;
            // Byte offsets count from 1, as a hex editor's "byte 1" is the file's first.
            var offset = ex.Index + 1;
            error = Problem($"ファイルをUTF-8としてもShift_JISとしても読めません（{offset}バイト目付近）。Excelでは「CSV UTF-8」で保存してください。",
                $"The file is neither UTF-8 nor Shift_JIS (near byte {offset}). Save it from Excel as \"CSV UTF-8\".");
            return false;
        }
    }

    private static ValidationError Problem(string japanese, string english) =>
        new("file", FailureCodes.MalformedCsv, new LocalizedMessage(japanese, english)) { Location = new CsvLocation { Line = 1 } };
}
