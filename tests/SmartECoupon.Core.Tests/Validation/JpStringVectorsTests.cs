using SmartECoupon.Validation;

namespace SmartECoupon.Core.Tests.Validation;

/// <summary>
/// The 25 strings of jp-rules.md §5.2 and its extras, under the rule "全角のみ, max 20 chars": R1 allows the characters
/// of JIS X 0208 only, R2 adds CP932's machine-dependent characters. Both read the raw string (no normalisation), as
/// the reference verdicts were computed; the normalised cases follow.
/// </summary>
public sealed class JpStringVectorsTests
{
    private static FieldPolicy Raw(CharacterClasses allowed) => new()
    {
        Required = true,
        MaxLength = 20,
        AllowedCharacters = allowed,
        MapWaveDashFamily = false,
        Composition = CompositionMode.None,
    };

    private static readonly FieldPolicy R1 = Raw(CharacterClasses.FullWidth);
    private static readonly FieldPolicy R2 = Raw(CharacterClasses.FullWidth | CharacterClasses.Cp932Extensions);

    public static TheoryData<int, string, bool, bool, string?> Vectors => new()
    {
        { 1, "やまだ\u3000たろう", true, true, null },
        { 2, "山田 太郎", false, false, FailureCodes.InvalidCharacters },
        { 3, "ﾔﾏﾀﾞ", false, false, FailureCodes.InvalidCharacters },
        { 4, "ＡＢＣ１２３", true, true, null },
        { 5, "ABC123", false, false, FailureCodes.InvalidCharacters },
        { 6, "髙橋", false, true, FailureCodes.InvalidCharacters },
        { 7, "\uFA11山", false, true, FailureCodes.InvalidCharacters },
        { 8, "①番", false, true, FailureCodes.InvalidCharacters },
        { 9, "㈱ニコニコ", false, true, FailureCodes.InvalidCharacters },
        { 10, "\U00020BB7野家", false, false, FailureCodes.InvalidCharacters },
        { 11, "\u301C", false, false, FailureCodes.InvalidCharacters },
        { 12, "\uFF5E", true, true, null },
        { 13, "\u2212", false, false, FailureCodes.InvalidCharacters },
        { 14, "か\u3099", false, false, FailureCodes.InvalidCharacters },
        { 15, "ｶﾞ", false, false, FailureCodes.InvalidCharacters },
        { 16, new string('あ', 20), true, true, null },
        { 17, new string('あ', 21), false, false, FailureCodes.TooLong },
        { 18, "👨‍👩‍👧‍👦", false, false, FailureCodes.InvalidCharacters },
        { 19, "あ\u200Bい", false, false, FailureCodes.InvalidCharacters },
        { 20, "あ\tい", false, false, FailureCodes.InvalidCharacters },
        { 21, "", false, false, FailureCodes.Required },
        { 22, "\u3000\u3000\u3000", false, false, FailureCodes.Required },
        { 23, "\u3094", false, false, FailureCodes.InvalidCharacters },
        { 24, "\u00A5", false, false, FailureCodes.InvalidCharacters },
        { 25, "\u525D", false, false, FailureCodes.InvalidCharacters },
        // Extras.
        { 26, "\uFA19", false, true, FailureCodes.InvalidCharacters },
        { 27, "＝ＳＵＭ（Ａ１）", true, true, null },
        { 28, "\u9DD7", false, false, FailureCodes.InvalidCharacters },
        { 29, "森鴎外", true, true, null },
        { 30, "Ⅻ", false, false, FailureCodes.InvalidCharacters },
        { 31, "ｰ", false, false, FailureCodes.InvalidCharacters },
        { 32, "･", false, false, FailureCodes.InvalidCharacters },
        { 33, "\u3096", false, false, FailureCodes.InvalidCharacters },
        { 34, "ヶ", true, true, null },
        { 35, "\uD842", false, false, FailureCodes.InvalidCharacters },
        { 36, "剥", true, true, null },
        { 37, "ヴ", true, true, null },
        { 38, "\uFFE5", true, true, null },
    };

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Each_vector_gets_the_reference_verdict(int number, string input, bool r1, bool r2, string? r1Code)
    {
        var r1Errors = new List<ValidationError>();
        var r2Errors = new List<ValidationError>();

        var r1Stored = R1.Apply("name", input, r1Errors);
        var r2Stored = R2.Apply("name", input, r2Errors);

        Assert.True(r1 == (r1Errors.Count == 0), $"#{number} under R1: {string.Join("; ", r1Errors.Select(e => e.Message.English))}");
        Assert.True(r2 == (r2Errors.Count == 0), $"#{number} under R2: {string.Join("; ", r2Errors.Select(e => e.Message.English))}");
        Assert.Equal(r1Code, r1Errors.SingleOrDefault()?.Code);
        if (r1)
        {
            Assert.Equal(input, r1Stored);
        }
        if (r2)
        {
            Assert.Equal(input, r2Stored);
        }
    }

    [Theory]
    [InlineData("\u301C", "\uFF5E")]          // #11: 〜 (WAVE DASH, typed on macOS and iOS) becomes ～, CP932 0x8160.
    [InlineData("\u2212", "\uFF0D")]          // #13: − becomes －, CP932 0x817C.
    [InlineData("か\u3099", "が")]            // #14: NFC composes the voiced mark.
    [InlineData("9時\u301C18時", "9時\uFF5E18時")]
    public void Raw_failures_that_normalisation_repairs_pass_under_a_normalising_policy(string input, string stored)
    {
        var policy = new FieldPolicy { Required = true, MaxLength = 20, AllowedCharacters = CharacterClasses.FullWidth | CharacterClasses.AsciiDigits };
        var errors = new List<ValidationError>();

        Assert.Equal(stored, policy.Apply("name", input, errors));
        Assert.Empty(errors);
    }

    [Fact]
    public void Every_ascii_character_is_in_cp932_so_a_pure_ascii_text_needs_no_look_up()
    {
        var ascii = new string([.. Enumerable.Range(0, 128).Select(c => (char)c)]);
        Assert.All(ascii.EnumerateRunes(), r => Assert.True(Cp932.CanEncode(r), $"U+{r.Value:X4}"));
        Assert.True(Cp932.CanEncode(ascii));
        Assert.Equal(ascii.Length, Cp932.StrictEncoding.GetByteCount(ascii));
        Assert.False(Cp932.CanEncode(ascii + "🍣"));
        Assert.False(Cp932.CanEncode("髙橋𠮷"));
        Assert.True(Cp932.CanEncode("ｶﾌｪ 髙橋 ①"));
    }

    [Fact]
    public void Nfc_turns_an_ibm_compatibility_kanji_into_its_jis_form_under_a_policy_without_extensions()
    {
        // 神 U+FA19 fails R1 raw; NFC gives 神 U+795E, a level-1 kanji.
        var policy = new FieldPolicy { MaxLength = 20, AllowedCharacters = CharacterClasses.FullWidth };
        var errors = new List<ValidationError>();

        Assert.Equal("\u795E", policy.Apply("name", "\uFA19", errors));
        Assert.Empty(errors);
    }

    [Theory]
    [InlineData("\uFA19")]   // 神 (IBM extension); NFC would give U+795E.
    [InlineData("\uFA15")]   // 凞; NFC would give U+51DE, which CP932 cannot hold.
    [InlineData("\uFA20")]   // 蘒; NFC would give U+8612, which CP932 cannot hold.
    [InlineData("\uFA11山")]
    public void A_policy_that_allows_machine_dependent_characters_keeps_them_as_typed_and_exportable(string input)
    {
        var policy = new FieldPolicy { MaxLength = 20, AllowedCharacters = CharacterClasses.FullWidth | CharacterClasses.Cp932Extensions };
        var errors = new List<ValidationError>();

        var stored = policy.Apply("name", input, errors);

        Assert.Empty(errors);
        Assert.Equal(CompositionMode.KanaOnly, policy.EffectiveComposition);
        Assert.Equal(input, stored);
        Assert.True(Cp932.CanEncode(stored!));
        Assert.Equal(stored, Cp932.StrictEncoding.GetString(Cp932.StrictEncoding.GetBytes(stored!)));
    }

    [Fact]
    public void Forcing_nfc_on_a_policy_that_allows_extensions_refuses_what_it_could_not_export_rather_than_storing_it()
    {
        var policy = new FieldPolicy
        {
            MaxLength = 20,
            AllowedCharacters = CharacterClasses.FullWidth | CharacterClasses.Cp932Extensions,
            Composition = CompositionMode.Nfc,
        };
        var errors = new List<ValidationError>();

        Assert.Null(policy.Apply("name", "\uFA15", errors));
        Assert.Equal(["\u51DE (U+51DE)"], Assert.Single(errors).OffendingCharacters);
    }
}
