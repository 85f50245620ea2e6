using SmartECoupon.Coupons;

namespace SmartECoupon.Core.Tests.Coupons;

public class CouponCodesTests
{
    [Fact]
    public void Alphabet_has_31_characters_and_no_look_alikes()
    {
        Assert.Equal(31, CouponCodes.Alphabet.Length);
        Assert.Equal(31, CouponCodes.Alphabet.Distinct().Count());
        foreach (var lookAlike in "01OIL")
        {
            Assert.DoesNotContain(lookAlike, CouponCodes.Alphabet);
        }
        Assert.All(CouponCodes.Alphabet, c => Assert.True(char.IsAsciiDigit(c) || char.IsAsciiLetterUpper(c)));
    }

    [Theory]
    [InlineData(6)]
    [InlineData(10)]
    [InlineData(24)]
    public void Generated_codes_have_the_configured_length_and_only_alphabet_characters(int length)
    {
        var generator = new CouponCodeGenerator(length);
        for (var i = 0; i < 1000; i++)
        {
            var code = generator.Next();
            Assert.Equal(length, code.Length);
            Assert.True(CouponCodes.IsInAlphabet(code), code);
        }
    }

    [Theory]
    [InlineData(5)]
    [InlineData(25)]
    public void Lengths_outside_6_to_24_are_refused(int length)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new CouponCodeGenerator(length));
    }

    [Fact]
    public void A_million_generated_codes_are_distinct()
    {
        var codes = new CouponCodeGenerator(10).NextDistinct(1_000_000);

        Assert.Equal(1_000_000, codes.Count);
        Assert.Equal(1_000_000, new HashSet<string>(codes, StringComparer.Ordinal).Count);
        Assert.All(codes.Take(1000), c => Assert.True(CouponCodes.IsInAlphabet(c)));
    }

    [Fact]
    public void Every_alphabet_character_is_about_equally_likely()
    {
        // 1,240,000 characters, 40,000 expected per character. A biased modulo (256 % 31 != 0) would put the first
        // 8 characters about 3% above the rest; rejection sampling keeps every count within a few standard deviations.
        var counts = new Dictionary<char, int>();
        var generator = new CouponCodeGenerator(20);
        for (var i = 0; i < 62_000; i++)
        {
            foreach (var c in generator.Next())
            {
                counts[c] = counts.GetValueOrDefault(c) + 1;
            }
        }
        Assert.Equal(31, counts.Count);
        const double expected = 1_240_000 / 31.0;
        var sd = Math.Sqrt(expected * (1 - (1 / 31.0)));
        Assert.All(counts.Values, n => Assert.InRange(n, expected - (6 * sd), expected + (6 * sd)));
        var chiSquare = counts.Values.Sum(n => (n - expected) * (n - expected) / expected);
        Assert.True(chiSquare < 70, $"chi-square {chiSquare:F1} with 30 degrees of freedom");
    }

    [Theory]
    [InlineData("AB23", "AB23")]
    [InlineData("ab23", "AB23")]
    [InlineData("ａｂ２３", "AB23")]
    [InlineData("ＡＢ２３", "AB23")]
    [InlineData(" AB-23 ", "AB23")]
    [InlineData("AB 23", "AB23")]
    [InlineData("AB\u300023", "AB23")]
    [InlineData("AB－23", "AB23")]
    [InlineData("ABー23", "AB23")]
    [InlineData("AB\u221223", "AB23")]
    [InlineData("AB\u201023", "AB23")]
    [InlineData("ｗｅｌｃｏｍｅ１０", "WELCOME10")]
    [InlineData("Welcome_10", "WELCOME10")]
    public void Typed_codes_match_case_width_and_separator_insensitively(string typed, string expected)
    {
        Assert.Equal(expected, CouponCodes.Normalize(typed));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("---")]
    [InlineData("AB#23")]
    [InlineData("クーポン")]
    [InlineData("AB\u000023")]
    [InlineData("ÄB23")]
    public void Codes_with_other_characters_do_not_normalise(string? typed)
    {
        Assert.Null(CouponCodes.Normalize(typed));
    }

    [Fact]
    public void Very_long_input_is_refused_before_any_work()
    {
        Assert.Null(CouponCodes.Normalize(new string('A', 65)));
        Assert.NotNull(CouponCodes.Normalize(new string('A', 64)));
    }

    [Fact]
    public void Code_space_for_ten_characters_is_documented_correctly()
    {
        var space = new CodeSpace(10);

        Assert.Equal(System.Numerics.BigInteger.Parse("819628286980801", System.Globalization.CultureInfo.InvariantCulture), space.Size);
        Assert.Equal(49.54, space.Bits, 2);
    }

    [Fact]
    public void Guess_probability_matches_the_closed_form()
    {
        var space = new CodeSpace(10);
        // A million live codes, 28,800 guesses (20 a minute for a day): about 3.5e-5.
        var p = space.GuessProbability(1_000_000, 28_800);
        var expected = 1 - Math.Pow(1 - (1_000_000 / 819628286980801.0), 28_800);

        Assert.Equal(expected, p, 10);
        Assert.InRange(p, 3.4e-5, 3.6e-5);
        Assert.Equal(0, space.GuessProbability(0, 1_000_000));
        Assert.Equal(1, new CodeSpace(6).GuessProbability(long.MaxValue, 1));
    }

    [Theory] // the table in docs/concepts.md
    [InlineData(6, "887503681", 29.7, 0.99, 1.0)]
    [InlineData(8, "852891037441", 39.6, 0.032, 0.034)]
    [InlineData(10, "819628286980801", 49.5, 3.4e-5, 3.6e-5)]
    [InlineData(12, "787662783788549761", 59.5, 3.6e-8, 3.8e-8)]
    public void The_documented_code_space_table_holds(int length, string size, double bits, double low, double high)
    {
        var space = new CodeSpace(length);

        Assert.Equal(System.Numerics.BigInteger.Parse(size, System.Globalization.CultureInfo.InvariantCulture), space.Size);
        Assert.Equal(bits, Math.Round(space.Bits, 1));
        Assert.InRange(space.GuessProbability(1_000_000, 28_800), low, high);
    }

    [Fact]
    public void Ticket_tokens_have_128_bits_in_22_base64url_characters()
    {
        var tokens = Enumerable.Range(0, 10_000).Select(_ => TicketTokens.New()).ToList();

        Assert.All(tokens, t => Assert.True(TicketTokens.HasShape(t), t));
        Assert.Equal(tokens.Count, tokens.Distinct(StringComparer.Ordinal).Count());
        Assert.False(TicketTokens.HasShape("short"));
        Assert.False(TicketTokens.HasShape(new string('+', 22)));
    }
}
