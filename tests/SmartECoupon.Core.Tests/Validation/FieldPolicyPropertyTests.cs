using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using CsCheck;
using SmartECoupon.Validation;

namespace SmartECoupon.Core.Tests.Validation;

/// <summary>
/// Properties every policy keeps for any input: the validator never throws; what it accepts, checked again, comes back
/// unchanged; what it accepts survives JSON; and what a CP932-bound policy accepts survives a strict Shift_JIS round trip.
/// </summary>
public sealed class FieldPolicyPropertyTests
{
    private const long Iterations = 4_000;

    /// <summary>Text built from the pieces that break validators: every class, and every kind of trouble.</summary>
    internal static readonly Gen<string> AwkwardText = Gen.Frequency<string>(
            (6, Gen.Char['!', '~'].Select(c => c.ToString())),
            (2, Gen.OneOf(" ", "\u3000", "\t", "\n", "\r\n", "\r", "\u00A0", "\u2028", "\u0085")),
            (4, Gen.Char['\u3041', '\u3096'].Select(c => c.ToString())),
            (4, Gen.Char['\u30A1', '\u30FE'].Select(c => c.ToString())),
            (3, Gen.Char['\uFF61', '\uFF9F'].Select(c => c.ToString())),
            (3, Gen.Char['\uFF01', '\uFF5E'].Select(c => c.ToString())),
            (4, Gen.Char['\u4E00', '\u9FFF'].Select(c => c.ToString())),
            (2, Gen.Char['\uF900', '\uFAFF'].Select(c => c.ToString())),        // compatibility ideographs (IBM extensions among them)
            (2, Gen.OneOf("①", "㈱", "髙", "﨑", "\uFA15", "\uFA20", "Ⅻ", "¥", "ゔ", "剝", "𠮷", "鷗")),
            (2, Gen.OneOf("\u301C", "\u2014", "\u2016", "\u2212", "\u00A2", "\u00A3", "\u00AC", "～", "－")),
            (2, Gen.OneOf("\u3099", "\u309A", "\u0301", "\uFE0F", "\u200D", "\U000E0100", "\u20E3")),
            (2, Gen.OneOf("👍", "👍🏽", "🇯🇵", "👨‍👩‍👧‍👦", "🏴󠁧󠁢󠁳󠁣󠁴󠁿", "☀️")),
            (1, Gen.OneOf("\u0000", "\u007F", "\u200B", "\u202E", "\uFEFF", "\u00AD", "\uE000", "\uFDD0", "\uFFFE", "\uFFFD")),
            (1, Gen.Char['\uD800', '\uDFFF'].Select(c => c.ToString())),        // lone surrogates
            (1, Gen.Int[0x10000, 0x10FFFF].Select(char.ConvertFromUtf32)),
            (2, Gen.Char.Select(c => c.ToString())))
        .Array[0, 30]
        .Select(pieces => string.Concat(pieces));

    /// <summary>The classes that lie inside CP932 (hiragana and katakana follow Unicode, which has ゔ and ヸ that CP932 lacks).</summary>
    private static readonly CharacterClasses Cp932Classes = CharacterClasses.AsciiLetters | CharacterClasses.AsciiDigits
        | CharacterClasses.AsciiSymbols | CharacterClasses.Space | CharacterClasses.HalfWidthKatakana | CharacterClasses.FullWidth
        | CharacterClasses.JisKanji | CharacterClasses.Cp932Extensions;

    /// <summary>The library's defaults, and policies that exercise every switch.</summary>
    internal static IReadOnlyList<(string Name, FieldPolicy Policy)> Policies { get; } =
    [
        .. new InputPolicyOptions().All().Select(p => (p.Key, p.Value)),
        ("R1", new FieldPolicy { Required = true, MaxLength = 20, AllowedCharacters = CharacterClasses.FullWidth, MapWaveDashFamily = false, Composition = CompositionMode.None }),
        ("R2", new FieldPolicy { Required = true, MaxLength = 20, AllowedCharacters = CharacterClasses.FullWidth | CharacterClasses.Cp932Extensions }),
        ("Furigana", new FieldPolicy { MaxLength = 30, AllowedCharacters = CharacterClasses.Katakana | CharacterClasses.Space, FoldHalfWidthKatakana = true }),
        ("Zengin furigana", new FieldPolicy { MaxLength = 30, AllowedCharacters = CharacterClasses.Katakana | CharacterClasses.Space, RequireCp932 = true, FoldHalfWidthKatakana = true }),
        ("Shift_JIS", new FieldPolicy { MaxLength = 30, RequireCp932 = true, AllowLineBreaks = true, FoldHalfWidthKatakana = true, MaxCp932Bytes = 40 }),
        ("Legacy", new FieldPolicy { MaxLength = 30, AllowedCharacters = Cp932Classes, FoldFullWidthAscii = true }),
        ("Folding NFC", new FieldPolicy { MaxLength = 30, FoldFullWidthAscii = true, FoldHalfWidthKatakana = true, Composition = CompositionMode.Nfc }),
        ("Emoji", new FieldPolicy { MaxLength = 30, AllowedCharacters = CharacterClasses.Emoji | CharacterClasses.Hiragana }),
        ("Untouched", new FieldPolicy { MaxLength = 30, MapWaveDashFamily = false, Composition = CompositionMode.None }),
    ];

    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [Fact]
    public void No_input_makes_a_policy_throw_and_every_failure_is_reported()
    {
        AwkwardText.Sample(text =>
        {
            foreach (var (name, policy) in Policies)
            {
                var errors = new List<ValidationError>();
                var stored = policy.Apply("field", text, errors);
                Assert.True(stored is null == errors.Count > 0, name);
                Assert.All(errors, e => Assert.False(string.IsNullOrEmpty(e.Message.Japanese) || string.IsNullOrEmpty(e.Message.English)));
            }
        }, iter: Iterations, threads: 1);
    }

    [Fact]
    public void What_a_policy_accepts_comes_back_unchanged_when_checked_again()
    {
        AwkwardText.Sample(text =>
        {
            foreach (var (name, policy) in Policies)
            {
                var stored = policy.Apply("field", text, new List<ValidationError>());
                if (stored is null)
                {
                    continue;
                }
                var errors = new List<ValidationError>();
                Assert.True(stored == policy.Apply("field", stored, errors), $"{name}: {Escape(text)} → {Escape(stored)}");
                Assert.Empty(errors);
            }
        }, iter: Iterations, threads: 1);
    }

    [Fact]
    public void What_a_policy_accepts_round_trips_through_json()
    {
        AwkwardText.Sample(text =>
        {
            foreach (var (_, policy) in Policies)
            {
                if (policy.Apply("field", text, new List<ValidationError>()) is not { } stored)
                {
                    continue;
                }
                Assert.Equal(stored, JsonSerializer.Deserialize<string>(JsonSerializer.Serialize(stored)));
                Assert.Equal(stored, JsonSerializer.Deserialize<string>(JsonSerializer.Serialize(stored, Relaxed)));
                Assert.Equal(stored, JsonSerializer.Deserialize<string>(JsonSerializer.Serialize(stored, JsonSerializerOptions.Web), JsonSerializerOptions.Web));
            }
        }, iter: Iterations, threads: 1);
    }

    [Fact]
    public void What_a_cp932_bound_policy_accepts_survives_a_strict_shift_jis_round_trip()
    {
        var bound = Policies.Where(p => p.Policy.RequireCp932 || (p.Policy.AllowedCharacters & ~Cp932Classes) == 0).ToList();
        Assert.Equal(["Email", "Legacy", "R1", "R2", "SharedCode", "Shift_JIS", "UserKey", "Zengin furigana"], bound.Select(p => p.Name).Order(StringComparer.Ordinal));
        AwkwardText.Sample(text =>
        {
            foreach (var (name, policy) in bound)
            {
                if (policy.Apply("field", text, new List<ValidationError>()) is not { } stored)
                {
                    continue;
                }
                var bytes = Cp932.StrictEncoding.GetBytes(stored);
                Assert.True(stored == Cp932.StrictEncoding.GetString(bytes), $"{name}: {Escape(stored)}");
            }
        }, iter: Iterations, threads: 1);
    }

    [Fact]
    public void The_generator_reaches_both_verdicts_for_every_policy()
    {
        // A property that only ever sees refusals proves nothing: every policy must accept some generated text.
        var accepted = Policies.ToDictionary(p => p.Name, _ => 0);
        var refused = Policies.ToDictionary(p => p.Name, _ => 0);
        AwkwardText.Sample(text =>
        {
            foreach (var (name, policy) in Policies)
            {
                if (policy.Apply("field", text, new List<ValidationError>()) is null)
                {
                    refused[name]++;
                }
                else
                {
                    accepted[name]++;
                }
            }
        }, iter: Iterations, threads: 1);
        Assert.All(Policies, p => Assert.True(accepted[p.Name] > 0 && refused[p.Name] > 0, $"{p.Name}: {accepted[p.Name]} accepted, {refused[p.Name]} refused"));
    }

    private static string Escape(string text) =>
        string.Concat(text.Select(c => c is >= ' ' and <= '~' ? c.ToString() : $"\\u{(int)c:X4}"));
}
