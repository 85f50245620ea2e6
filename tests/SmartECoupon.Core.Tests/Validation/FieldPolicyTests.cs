using System.Text;
using SmartECoupon.Validation;

namespace SmartECoupon.Core.Tests.Validation;

public sealed class FieldPolicyTests
{
    private static (string? Stored, List<ValidationError> Errors) Apply(FieldPolicy policy, string? value)
    {
        var errors = new List<ValidationError>();
        return (policy.Apply("name", value, errors), errors);
    }

    [Theory]
    [InlineData('A', CharacterClasses.AsciiLetters)]
    [InlineData('7', CharacterClasses.AsciiDigits)]
    [InlineData('@', CharacterClasses.AsciiSymbols)]
    [InlineData(' ', CharacterClasses.Space)]
    [InlineData('\u3000', CharacterClasses.Space | CharacterClasses.FullWidth)]
    [InlineData('ｶ', CharacterClasses.HalfWidthKatakana)]
    [InlineData('あ', CharacterClasses.Hiragana | CharacterClasses.FullWidth)]
    [InlineData('ゝ', CharacterClasses.Hiragana | CharacterClasses.FullWidth)]
    [InlineData('ー', CharacterClasses.Hiragana | CharacterClasses.Katakana | CharacterClasses.FullWidth)]
    [InlineData('ヴ', CharacterClasses.Katakana | CharacterClasses.FullWidth)]
    [InlineData('・', CharacterClasses.Katakana | CharacterClasses.FullWidth)]
    [InlineData('ヶ', CharacterClasses.Katakana | CharacterClasses.JisKanji | CharacterClasses.FullWidth)]
    [InlineData('々', CharacterClasses.JisKanji | CharacterClasses.FullWidth)]
    [InlineData('亜', CharacterClasses.JisKanji | CharacterClasses.FullWidth)]        // level 1, first
    [InlineData('腕', CharacterClasses.JisKanji | CharacterClasses.FullWidth)]        // level 1, last
    [InlineData('弌', CharacterClasses.JisKanji | CharacterClasses.FullWidth)]        // level 2, first
    [InlineData('熙', CharacterClasses.JisKanji | CharacterClasses.FullWidth)]        // level 2, last
    [InlineData('Ａ', CharacterClasses.FullWidth)]
    [InlineData('①', CharacterClasses.Cp932Extensions)]
    [InlineData('髙', CharacterClasses.Cp932Extensions)]
    [InlineData('￢', CharacterClasses.FullWidth)]                                     // 0x81CA in row 2, though IBM's copy exists too
    [InlineData('ゔ', CharacterClasses.Hiragana)]                                      // hiragana, but not JIS X 0208
    [InlineData('剝', CharacterClasses.None)]
    [InlineData('\u00A5', CharacterClasses.None)]
    [InlineData('☀', CharacterClasses.Emoji)]
    public void Characters_fall_into_their_classes(char character, CharacterClasses expected)
    {
        Assert.Equal(expected, CharacterClassifier.Classify(new Rune(character)));
    }

    [Theory]
    [InlineData("👍")]
    [InlineData("👍🏽")]
    [InlineData("🇯🇵")]
    [InlineData("👨‍👩‍👧‍👦")]
    [InlineData("1️⃣")]
    [InlineData("🏴󠁧󠁢󠁳󠁣󠁴󠁿")]
    public void Emoji_sequences_pass_a_field_that_allows_emoji_and_ascii_digits(string emoji)
    {
        var policy = new FieldPolicy { MaxLength = 1, MaxUtf16Length = 16, AllowedCharacters = CharacterClasses.Emoji | CharacterClasses.AsciiDigits };

        var (stored, errors) = Apply(policy, emoji);

        Assert.Empty(errors);
        Assert.Equal(emoji, stored);
    }

    [Fact]
    public void Classes_combine_freely()
    {
        var furigana = new FieldPolicy { MaxLength = 20, AllowedCharacters = CharacterClasses.Katakana | CharacterClasses.Space, FoldHalfWidthKatakana = true };

        Assert.Equal("ヤマダ　タロウ", Apply(furigana, "ﾔﾏﾀﾞ　ﾀﾛｳ").Stored);
        var (_, errors) = Apply(furigana, "やまだ タロウ1");
        var error = Assert.Single(errors);
        Assert.Equal(FailureCodes.InvalidCharacters, error.Code);
        Assert.Equal(["や (U+3084)", "ま (U+307E)", "だ (U+3060)", "1 (U+0031)"], error.OffendingCharacters);
    }

    [Theory]
    [InlineData("a\u0000b", "U+0000")]
    [InlineData("a\u0085b", "U+0085")]
    [InlineData("a\u007Fb", "U+007F")]
    [InlineData("a\u202Eb", "U+202E")]    // right-to-left override
    [InlineData("a\u2066b", "U+2066")]    // left-to-right isolate
    [InlineData("a\u200Eb", "U+200E")]    // left-to-right mark
    [InlineData("a\uFEFFb", "U+FEFF")]    // byte-order mark
    [InlineData("a\u00ADb", "U+00AD")]    // soft hyphen
    [InlineData("a\u2028b", "U+2028")]
    [InlineData("a\u2029b", "U+2029")]
    [InlineData("a\uE000b", "U+E000")]    // private use: where CP932's user-defined characters decode
    [InlineData("a\uFDD0b", "U+FDD0")]
    [InlineData("a\uFFFEb", "U+FFFE")]
    [InlineData("a\uFFFDb", "U+FFFD")]
    [InlineData("a\n\rb", "U+000A")]      // single-line field
    public void Characters_that_are_never_acceptable_are_refused_even_by_a_field_that_allows_anything(string input, string offending)
    {
        var (stored, errors) = Apply(new FieldPolicy { MaxLength = 100 }, input);

        Assert.Null(stored);
        var error = Assert.Single(errors);
        Assert.Equal(FailureCodes.InvalidCharacters, error.Code);
        Assert.Contains(offending, error.OffendingCharacters);
        Assert.Contains(offending, error.Message.Japanese, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0xDC00)]
    [InlineData(0xD83D)]
    public void Lone_surrogates_are_refused(int surrogate)
    {
        // Built here: attribute arguments cannot carry a lone surrogate (metadata stores UTF-8).
        var input = "a" + (char)surrogate + "b";

        var error = Assert.Single(Apply(new FieldPolicy { MaxLength = 100 }, input).Errors);

        Assert.Equal([$"U+{surrogate:X4}"], error.OffendingCharacters);
    }

    [Fact]
    public void A_field_that_allows_line_breaks_stores_them_as_newlines_and_still_refuses_tabs()
    {
        var policy = new FieldPolicy { MaxLength = 100, AllowLineBreaks = true };

        Assert.Equal("1行目\n2行目\n3行目", Apply(policy, "  1行目\r\n2行目\r3行目\n\n ").Stored);
        Assert.Equal(["U+0009"], Assert.Single(Apply(policy, "a\tb").Errors).OffendingCharacters);
    }

    [Fact]
    public void Line_breaks_count_in_the_length()
    {
        var policy = new FieldPolicy { MaxLength = 3, AllowLineBreaks = true };

        Assert.Empty(Apply(policy, "a\r\nb").Errors);
        Assert.Equal(FailureCodes.TooLong, Assert.Single(Apply(policy, "a\n\nbc").Errors).Code);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\u3000\u3000")]
    [InlineData("\u3000 \t")]   // the tab is trimmed as white space before anything else
    public void A_required_field_needs_more_than_white_space(string? input)
    {
        var error = Assert.Single(Apply(new FieldPolicy { Required = true }, input).Errors);

        Assert.Equal(FailureCodes.Required, error.Code);
    }

    [Fact]
    public void An_optional_field_given_only_white_space_is_stored_empty_and_an_absent_one_stays_absent()
    {
        Assert.Equal("", Apply(new FieldPolicy(), " \u3000 ").Stored);
        Assert.Null(Apply(new FieldPolicy(), null).Stored);
    }

    [Fact]
    public void Min_and_max_lengths_count_grapheme_clusters_with_a_cap_in_code_units()
    {
        var policy = new FieldPolicy { MinLength = 2, MaxLength = 3, MaxUtf16Length = 12 };

        Assert.Equal(FailureCodes.TooShort, Assert.Single(Apply(policy, "が").Errors).Code);
        Assert.Empty(Apply(policy, "ｶﾞｶﾞ").Errors);                   // two clusters, four units
        Assert.Empty(Apply(policy, "👨‍👩‍👧‍👦a").Errors);                // two clusters, twelve units
        Assert.Equal(FailureCodes.TooLong, Assert.Single(Apply(policy, "👨‍👩‍👧‍👦👍").Errors).Code); // 2 clusters, 13 units
    }

    [Fact]
    public void A_value_within_its_character_count_but_beyond_storage_says_so()
    {
        var policy = new FieldPolicy { MaxLength = 40 };   // 160 UTF-16 units

        var error = Assert.Single(Apply(policy, string.Concat(Enumerable.Repeat("👨‍👩‍👧‍👦", 15))).Errors);

        Assert.Equal(FailureCodes.TooLong, error.Code);
        Assert.Equal("nameが長すぎます。絵文字や結合文字を減らしてください（上限はUTF-16で160単位）。", error.Message.Japanese);
    }

    [Fact]
    public void Cp932_bytes_can_be_capped_as_legacy_systems_count_them()
    {
        var policy = new FieldPolicy { MaxLength = 100, MaxCp932Bytes = 10 };

        Assert.Empty(Apply(policy, "あいうえお").Errors);          // 10 bytes
        Assert.Empty(Apply(policy, "ｱｲｳｴｵｶｷｸｹｺ").Errors);          // 10 bytes
        var error = Assert.Single(Apply(policy, "あいうえおa").Errors);
        Assert.Equal(FailureCodes.TooLong, error.Code);
        Assert.Equal("nameは10バイト以内（全角5文字、半角10文字まで）で入力してください。", error.Message.Japanese);
    }

    [Fact]
    public void Require_cp932_refuses_what_a_shift_jis_export_would_lose()
    {
        var policy = new FieldPolicy { MaxLength = 100, RequireCp932 = true };

        Assert.Empty(Apply(policy, "髙橋 ①〜").Errors);                  // 〜 mapped to ～ first
        var error = Assert.Single(Apply(policy, "𠮷野家 👍").Errors);
        Assert.Equal(["𠮷 (U+20BB7)", "👍 (U+1F44D)"], error.OffendingCharacters);
    }

    [Fact]
    public void The_receipt_printer_title_of_the_docs_behaves_as_described()
    {
        var options = new SmartECouponOptions();
        var title = options.Fields.CouponTitle;
        title.AllowedCharacters = CharacterClasses.FullWidth | CharacterClasses.Cp932Extensions | CharacterClasses.AsciiDigits | CharacterClasses.Space;
        title.RequireCp932 = true;
        title.FoldHalfWidthKatakana = true;
        title.MaxCp932Bytes = 40;

        Assert.Equal("髙橋商店セール 2割引", Apply(title, "髙橋商店ｾｰﾙ 2割引").Stored);
        Assert.Equal(["𠮷 (U+20BB7)"], Assert.Single(Apply(title, "𠮷野家").Errors).OffendingCharacters);
        Assert.Equal(FailureCodes.TooLong, Assert.Single(Apply(title, new string('あ', 21)).Errors).Code);
    }

    [Fact]
    public void Full_width_ascii_is_folded_only_where_the_field_asks()
    {
        var code = new FieldPolicy { AllowedCharacters = CharacterClasses.AsciiLetters | CharacterClasses.AsciiDigits | CharacterClasses.AsciiSymbols, FoldFullWidthAscii = true };
        var name = new FieldPolicy();

        Assert.Equal("ABC-123@example.jp", Apply(code, "ＡＢＣ－１２３＠ｅｘａｍｐｌｅ．ｊｐ").Stored);
        Assert.Equal("ＡＢＣ１２３", Apply(name, "ＡＢＣ１２３").Stored);
    }

    [Fact]
    public void Nothing_is_silently_nfkc_normalised()
    {
        // NFKC would turn these into (株), 1, kg, A and the formula =SUM(A1).
        const string Input = "㈱①㎏Ａ＝ＳＵＭ（Ａ１）";

        Assert.Equal(Input, Apply(new FieldPolicy(), Input).Stored);
    }

    [Fact]
    public void Messages_name_the_field_in_both_languages_and_the_error_fits_the_contract()
    {
        var policy = new FieldPolicy { Required = true, MaxLength = 5, LabelJa = "店舗名", LabelEn = "Store name" };
        var errors = new List<ValidationError>();

        policy.Apply("name", "あいうえおか", errors);

        var error = Assert.Single(errors);
        Assert.Equal(("name", "too_long"), (error.Field, error.Code));
        Assert.Equal("店舗名は5文字以内で入力してください。", error.Message.Japanese);
        Assert.Equal("Store name must be at most 5 characters.", error.Message.English);
    }

    [Fact]
    public void Enormous_input_is_refused_without_being_scanned()
    {
        var huge = new string('あ', 10_000_000);

        var error = Assert.Single(Apply(new FieldPolicy { MaxLength = 40 }, huge).Errors);

        Assert.Equal(FailureCodes.TooLong, error.Code);
    }

    [Theory]
    [InlineData("ｶﾞｷﾞｸﾞ ﾊﾟﾋﾟﾌﾟ ｰ ｡｢｣､･", "ガギグ パピプ ー 。「」、・")]
    [InlineData("ｳﾞｧｲｵﾘﾝ", "ヴァイオリン")]
    [InlineData("ﾞ", "\u3099")]              // a lone mark becomes the combining mark, not ゛
    public void Half_width_katakana_folds_to_full_width_as_jis_maps_it(string input, string expected)
    {
        Assert.Equal(expected, TextNormalization.FoldHalfWidthKatakana(input));
    }

    [Theory]
    [InlineData("\u301C\u2014\u2016\u2212\u00A2\u00A3\u00AC", "\uFF5E\u2015\u2225\uFF0D\uFFE0\uFFE1\uFFE2")]
    [InlineData("\u00A51,000", "\uFFE51,000")] // the half-width yen of a macOS JIS keyboard
    [InlineData("\\1,000", "\\1,000")]      // a backslash (Shift_JIS 0x5C, drawn as ¥) stays what it is
    [InlineData("～―∥－￠￡￢", "～―∥－￠￡￢")]
    public void The_wave_dash_family_maps_to_what_cp932_holds(string input, string expected)
    {
        var mapped = TextNormalization.MapWaveDashFamily(input);

        Assert.Equal(expected, mapped);
        Assert.True(Cp932.CanEncode(mapped));
    }

    [Fact]
    public void Kana_only_composition_composes_kana_and_nothing_else()
    {
        Assert.Equal("がパ\uFA19e\u0301", TextNormalization.Compose("か\u3099ハ\u309A\uFA19e\u0301", CompositionMode.KanaOnly));
        Assert.Equal("がパ\u795Eé", TextNormalization.Compose("か\u3099ハ\u309A\uFA19e\u0301", CompositionMode.Nfc));
    }

    [Fact]
    public void The_lenient_decoder_reads_every_nec_selected_ibm_code_as_windows_does_and_still_refuses_unmapped_bytes()
    {
        // The NEC-selected IBM codes (ED40–EEFC), which the strict decoder refuses: Microsoft's table maps 374 of them (as
        // Python's cp932 codec, built from the same table, also counts).
        var decoded = new List<(ushort Code, string Text)>();
        for (var lead = 0xED; lead <= 0xEE; lead++)
        {
            for (var trail = 0x40; trail <= 0xFC; trail++)
            {
                try
                {
                    decoded.Add(((ushort)((lead << 8) | trail), Cp932.LenientDecoding.GetString([(byte)lead, (byte)trail])));
                }
                catch (DecoderFallbackException)
                {
                }
            }
        }
        Assert.Equal(374, decoded.Count);
        // Each is a character CP932 holds (written back at its canonical IBM or JIS code), never a substitute.
        Assert.All(decoded, d => Assert.True(d.Text.Length == 1 && Cp932.CanEncode(d.Text) && d.Text is not "?" and not "\u30FB", $"{d.Code:X4} → {d.Text}"));
        Assert.Equal("髙", Cp932.LenientDecoding.GetString([0xEE, 0xE0]));
        Assert.Equal("㈱", Cp932.LenientDecoding.GetString([0xFA, 0x58]));
        Assert.Equal("ソ表", Cp932.LenientDecoding.GetString([0x83, 0x5C, 0x95, 0x5C]));
        var refused = Assert.Throws<DecoderFallbackException>(() => Cp932.LenientDecoding.GetString([0x41, 0x81, 0x20]));
        Assert.Equal(1, refused.Index);
    }

    [Fact]
    public void Cp932_knows_its_rows_and_levels()
    {
        Assert.Equal((ushort)0x8160, Cp932.CodeOf(new Rune('\uFF5E')));
        Assert.Equal((ushort)0x889F, Cp932.CodeOf(new Rune('亜')));
        Assert.Null(Cp932.CodeOf(new Rune('\u301C')));
        Assert.Null(Cp932.CodeOf(new Rune(0x20BB7)));
        Assert.Equal(3, Cp932.ByteCount("aあ"));
        Assert.True(Cp932.CanEncode("髙①"));
        Assert.False(Cp932.CanEncode("ゔ"));
    }

    [Fact]
    public void The_strict_encoding_refuses_instead_of_guessing()
    {
        // The lenient CP932 encoder turns ゔ into ヴ and ¥ into a backslash without a word.
        Assert.Throws<EncoderFallbackException>(() => Cp932.StrictEncoding.GetBytes("ゔ"));
        Assert.Throws<EncoderFallbackException>(() => Cp932.StrictEncoding.GetBytes("\u00A5"));
    }
}
