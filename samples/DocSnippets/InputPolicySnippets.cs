using Microsoft.Extensions.Options;
using SmartECoupon.Validation;

namespace SmartECoupon.DocSnippets;

/// <summary>docs/input-policies.md.</summary>
internal static class InputPolicySnippets
{
    public static void Run(Checks checks)
    {
        Declared(checks);
        OwnPolicy(checks);
    }

    private static void Declared(Checks checks)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Services.AddSmartECoupon(options =>
        {
            // Titles printed on a Shift_JIS receipt printer: 全角 with 機種依存文字, at most 40 bytes.
            var title = options.Fields.CouponTitle;
            title.AllowedCharacters = CharacterClasses.FullWidth | CharacterClasses.Cp932Extensions | CharacterClasses.AsciiDigits | CharacterClasses.Space;
            title.RequireCp932 = true;
            title.FoldHalfWidthKatakana = true;
            title.MaxCp932Bytes = 40;

            // Store names in katakana only (フリガナ).
            options.Fields.StoreName.AllowedCharacters = CharacterClasses.Katakana | CharacterClasses.Space;
            options.Fields.StoreName.FoldHalfWidthKatakana = true;
            options.Fields.StoreName.LabelJa = "店舗名（カナ）";
        });

        using var app = builder.Build();
        var fields = app.Services.GetRequiredService<IOptions<SmartECouponOptions>>().Value.Fields;
        var errors = new List<ValidationError>();
        checks.Equal("秋のフェア①", fields.CouponTitle.Apply("title", "秋のﾌｪｱ①", errors), "input-policies.md: a title folds half-width katakana and keeps ①");
        checks.Equal(0, errors.Count, "input-policies.md: no error for a good title");
        fields.CouponTitle.Apply("title", new string('あ', 21), errors);
        checks.Equal(1, errors.Count, "input-policies.md: 21 全角 characters are 42 bytes, over 40");
        errors.Clear();
        fields.StoreName.Apply("name", "さくら", errors);
        checks.That(errors.Count == 1 && errors[0].Message.Japanese.Contains("店舗名（カナ）", StringComparison.Ordinal), "input-policies.md: hiragana refused in a katakana store name, with its label");
    }

    private static void OwnPolicy(Checks checks)
    {
        var furigana = new FieldPolicy
        {
            Required = true,
            MaxLength = 30,
            AllowedCharacters = CharacterClasses.Katakana | CharacterClasses.Space,
            FoldHalfWidthKatakana = true,
            LabelJa = "フリガナ",
            LabelEn = "Furigana",
        };

        var errors = new List<ValidationError>();
        var stored = furigana.Apply("furigana", "ﾔﾏﾀﾞ　ﾀﾛｳ", errors);   // "ヤマダ　タロウ"
        furigana.Apply("furigana", "やまだ", errors);                   // null; errors: invalid_characters や (U+3084), ま (U+307E), だ (U+3060)

        checks.Equal("ヤマダ　タロウ", stored, "input-policies.md: half-width katakana folded");
        checks.That(errors.Count == 1 && errors[0].Code == "invalid_characters", "input-policies.md: hiragana refused as invalid_characters");
    }
}
