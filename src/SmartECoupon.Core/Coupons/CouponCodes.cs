using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace SmartECoupon.Coupons;

/// <summary>Options for generated ticket and one-time codes.</summary>
public sealed class CouponCodeOptions
{
    /// <summary>The smallest allowed <see cref="Length"/>.</summary>
    public const int MinLength = 6;

    /// <summary>The largest allowed <see cref="Length"/>.</summary>
    public const int MaxLength = 24;

    /// <summary>How many characters a generated code has. Default 10: about 8.2 × 10^14 codes (49.5 bits).</summary>
    public int Length { get; set; } = 10;

    /// <summary>
    /// How many one-time codes are written per transaction when generating in bulk. Default 20,000: short enough that
    /// other writes (on SQLite, which has one writer) wait a fraction of a second at most.
    /// </summary>
    public int BatchSize { get; set; } = 20_000;

    /// <summary>The most one-time codes one request may generate.</summary>
    public int MaxCodesPerRequest { get; set; } = 1_000_000;
}

/// <summary>
/// The code alphabet and how typed codes are matched. Generated codes use 31 characters that cannot be mistaken for
/// one another: the digits 2–9 and the letters A–Z without I, L and O (so no 0/O and no 1/I/L).
/// </summary>
/// <remarks>
/// Matching ignores case, width and separators: <c>ａｂ２３</c>, <c>ab23</c> and <c>AB-23</c> all match <c>AB23</c>.
/// Staff read codes aloud, type them on phones with Japanese input methods (which produce full-width letters and
/// the long-vowel mark ー for a dash) and copy them from printed cards with hyphens.
/// </remarks>
public static class CouponCodes
{
    /// <summary>The 31 characters of generated codes.</summary>
    public const string Alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

    /// <summary>The longest text accepted as a typed code, before normalisation.</summary>
    public const int MaxInputLength = 64;

    /// <summary>
    /// The matching form of a typed code: full-width ASCII folded to half-width, letters upper-cased, and white
    /// space and dash-like separators removed. Returns <see langword="null"/> when anything else than ASCII letters and
    /// digits remains, or when nothing remains.
    /// </summary>
    public static string? Normalize(string? input)
    {
        if (string.IsNullOrEmpty(input) || input.Length > MaxInputLength)
        {
            return null;
        }
        var builder = new StringBuilder(input.Length);
        foreach (var raw in input)
        {
            var c = FoldWidth(raw);
            if (IsSeparator(c))
            {
                continue;
            }
            if (c is >= 'a' and <= 'z')
            {
                c = (char)(c - ('a' - 'A'));
            }
            if (c is not ((>= 'A' and <= 'Z') or (>= '0' and <= '9')))
            {
                return null;
            }
            builder.Append(c);
        }
        return builder.Length == 0 ? null : builder.ToString();
    }

    /// <summary>Whether <paramref name="code"/> consists only of characters of <see cref="Alphabet"/>.</summary>
    public static bool IsInAlphabet(string code) =>
        !string.IsNullOrEmpty(code) && code.All(c => Alphabet.Contains(c, StringComparison.Ordinal));

    /// <summary>Folds full-width ASCII (U+FF01–U+FF5E) and the ideographic space to their half-width forms.</summary>
    internal static char FoldWidth(char c) => c switch
    {
        >= '\uFF01' and <= '\uFF5E' => (char)(c - 0xFEE0),
        '\u3000' => ' ',
        _ => c,
    };

    private static bool IsSeparator(char c) => c switch
    {
        ' ' or '\t' or '-' or '_' or '.' => true,
        '\u2010' or '\u2011' or '\u2012' or '\u2013' or '\u2014' or '\u2015' or '\u2212' => true, // dashes and minus
        '\u30FC' or '\uFF70' => true, // ー and ｰ, which Japanese input methods produce for a dash
        _ => false,
    };
}

/// <summary>Generates codes from <see cref="CouponCodes.Alphabet"/> with a cryptographic random source.</summary>
public sealed class CouponCodeGenerator
{
    // Rejection sampling keeps every character equally likely: bytes at or above 248 (= 8 × 31) are drawn again.
    private const int Unbiased = 248;
    private readonly int _length;

    /// <summary>Creates a generator for codes of <paramref name="length"/> characters.</summary>
    public CouponCodeGenerator(int length)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, CouponCodeOptions.MinLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, CouponCodeOptions.MaxLength);
        _length = length;
    }

    /// <summary>Creates a generator with the configured length.</summary>
    public CouponCodeGenerator(IOptions<SmartECouponOptions> options)
        : this((options ?? throw new ArgumentNullException(nameof(options))).Value.Codes.Length)
    {
    }

    /// <summary>How many characters each code has.</summary>
    public int Length => _length;

    /// <summary>The code space of this generator.</summary>
    public CodeSpace Space => new(_length);

    /// <summary>Generates one code.</summary>
    public string Next()
    {
        Span<char> chars = stackalloc char[_length];
        Fill(chars);
        return new string(chars);
    }

    /// <summary>
    /// Generates <paramref name="count"/> codes, distinct among themselves. Uniqueness within the tenant, across codes
    /// already stored, is the store's job (its unique key); a code it refuses is replaced by another from <see cref="Next"/>.
    /// </summary>
    public IReadOnlyList<string> NextDistinct(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var seen = new HashSet<string>(count, StringComparer.Ordinal);
        var codes = new List<string>(count);
        while (codes.Count < count)
        {
            var code = Next();
            if (seen.Add(code))
            {
                codes.Add(code);
            }
        }
        return codes;
    }

    private static void Fill(Span<char> destination)
    {
        Span<byte> random = stackalloc byte[destination.Length * 2];
        var written = 0;
        while (written < destination.Length)
        {
            RandomNumberGenerator.Fill(random);
            foreach (var b in random)
            {
                if (b >= Unbiased)
                {
                    continue;
                }
                destination[written++] = CouponCodes.Alphabet[b % CouponCodes.Alphabet.Length];
                if (written == destination.Length)
                {
                    return;
                }
            }
        }
    }
}

/// <summary>
/// The size of the space of generated codes of one length, and the chance that guessing finds a live code. Use it to
/// choose a length: the chance grows with the number of live codes and the number of guesses allowed.
/// </summary>
/// <param name="Length">The code length.</param>
public readonly record struct CodeSpace(int Length)
{
    /// <summary>How many distinct codes exist: 31^<see cref="Length"/>.</summary>
    public BigInteger Size => BigInteger.Pow(CouponCodes.Alphabet.Length, Length);

    /// <summary>The entropy of one code in bits: <see cref="Length"/> × log2(31) ≈ 4.95 bits per character.</summary>
    public double Bits => Length * Math.Log2(CouponCodes.Alphabet.Length);

    /// <summary>
    /// The probability that at least one of <paramref name="guesses"/> random guesses hits one of
    /// <paramref name="liveCodes"/> live codes: 1 − (1 − live/size)^guesses.
    /// </summary>
    public double GuessProbability(long liveCodes, long guesses)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(liveCodes);
        ArgumentOutOfRangeException.ThrowIfNegative(guesses);
        var perGuess = Math.Min(1.0, liveCodes / (double)Size);
        if (perGuess >= 1.0)
        {
            return 1.0;
        }
        return -ExpM1(guesses * LogOnePlus(-perGuess));
    }

    // Series for small arguments: with a per-guess chance near 1e-9, Math.Log(1 - p) would lose most digits.
    private static double LogOnePlus(double x) => Math.Abs(x) < 1e-4 ? x - (x * x / 2) + (x * x * x / 3) : Math.Log(1 + x);

    private static double ExpM1(double x) => Math.Abs(x) < 1e-4 ? x + (x * x / 2) + (x * x * x / 6) : Math.Exp(x) - 1;
}

/// <summary>Creates ticket tokens: 128 random bits in unpadded base64url (22 characters).</summary>
public static class TicketTokens
{
    /// <summary>The length of a token.</summary>
    public const int Length = 22;

    /// <summary>Creates a new token.</summary>
    public static string New()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        return Base64Url.Encode(bytes);
    }

    /// <summary>Whether <paramref name="token"/> has the shape of a token (a shape check only).</summary>
    public static bool HasShape([NotNullWhen(true)] string? token) =>
        token is { Length: Length } && token.All(Base64Url.IsChar);
}
