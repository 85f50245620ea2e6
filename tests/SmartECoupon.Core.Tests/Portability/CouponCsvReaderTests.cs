using System.Text;
using SmartECoupon.Coupons;
using SmartECoupon.Portability;
using SmartECoupon.Tenancy;
using SmartECoupon.Validation;

namespace SmartECoupon.Core.Tests.Portability;

/// <summary>
/// Reading coupon CSV as users send it: the csv-spectrum cases (rewritten with the coupon columns), the files Japanese
/// Excel writes (BOM, CP932 with 0x5C trail bytes and NEC specials, mixed line ends) and hostile input. Nothing throws;
/// every problem comes back with its line and column.
/// </summary>
public sealed class CouponCsvReaderTests
{
    private static readonly TimeZoneInfo Tokyo = TenantTimeZones.Find("Asia/Tokyo");

    private static CouponCsvReadResult Read(byte[] bytes, PortabilityOptions? limits = null) =>
        CouponCsvReader.Read(bytes, bytes.Length, new InputPolicyOptions(), Tokyo, limits ?? new PortabilityOptions());

    private static CouponCsvReadResult Read(string text) => Read(Encoding.UTF8.GetBytes(text));

    private static CouponCsvRow Single(string text)
    {
        var result = Read(text);
        Assert.Empty(result.Errors.Select(e => $"{e.Location?.Line}:{e.Location?.Column}:{e.Code}:{e.Message.English}"));
        return Assert.Single(result.Rows);
    }

    private static ValidationError SingleError(CouponCsvReadResult result)
    {
        Assert.Empty(result.Rows);
        return Assert.Single(result.Errors);
    }

    [Fact]
    public void A_minimal_file_without_a_final_line_break_reads_with_the_api_defaults()
    {
        var row = Single("title,benefit\r\n秋のフェア,1杯無料");

        Assert.Equal(("秋のフェア", "1杯無料", "", 1, CouponStatus.Draft), (row.Content.Title, row.Content.Benefit, row.Content.Description, row.Content.PerUserLimit, row.Status));
        Assert.Equal(2, row.Line);
    }

    // csv-spectrum 2.0.0, each case with the coupon columns.
    [Theory]
    [InlineData("comma_in_quotes", "title,benefit\r\n\"Anytown, WW\",x", "Anytown, WW", "x")]
    [InlineData("empty", "title,benefit,description\n1,\"a\",\"\"", "1", "a")]
    [InlineData("empty_crlf", "title,benefit,description\r\n1,\"a\",\"\"\r\n", "1", "a")]
    [InlineData("escaped_quotes", "title,benefit\r\n\"ha \"\"ha\"\" ha\",x", "ha \"ha\" ha", "x")]
    [InlineData("json", "title,benefit\r\n\"{\"\"a\"\": 1}\",x", "{\"a\": 1}", "x")]
    [InlineData("simple", "title,benefit\na,b\n", "a", "b")]
    [InlineData("simple_crlf", "title,benefit\r\na,b\r\n", "a", "b")]
    [InlineData("utf8", "title,benefit\r\n4,ʤ", "4", "ʤ")]
    public void The_csv_spectrum_cases_read_as_rfc_4180_says(string name, string csv, string title, string benefit)
    {
        var row = Single(csv);

        Assert.True((title, benefit) == (row.Content.Title, row.Content.Benefit), name);
    }

    [Theory]
    [InlineData("title,benefit,description\na,b,\"line 1\nline 2\"\nc,d,e\n", "line 1\nline 2")]
    [InlineData("title,benefit,description\r\na,b,\"line 1\r\nline 2\"\r\nc,d,e\r\n", "line 1\nline 2")]
    [InlineData("title,benefit,description\r\na,b,\"ha \n\"\"ha\"\" \nha\"\r\nc,d,e", "ha \n\"ha\" \nha")]
    public void Quoted_line_breaks_stay_in_the_value_and_later_lines_are_counted_right(string csv, string description)
    {
        var result = Read(csv);

        Assert.Empty(result.Errors);
        Assert.Equal(description, result.Rows[0].Content.Description);
        Assert.Equal([2L, description.Count(c => c == '\n') + 3L], result.Rows.Select(r => r.Line));
    }

    [Fact]
    public void A_replacement_character_from_a_bad_decoding_upstream_is_refused_where_it_is()
    {
        // csv-spectrum's location_coordinates holds U+FFFD where a degree sign was mis-decoded.
        var error = SingleError(Read("title,benefit\r\nok,fine\r\n\"41\uFFFD 24' N\",x\r\n"));

        Assert.Equal((FailureCodes.InvalidCharacters, 3L, "title"), (error.Code, error.Location!.Line!.Value, error.Location.Column));
    }

    [Fact]
    public void Utf8_with_a_byte_order_mark_reads_and_the_mark_is_not_part_of_the_first_header()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("title,benefit\r\n秋,無料\r\n")).ToArray();

        var result = Read(bytes);

        Assert.Equal(("utf-8", "秋"), (result.Encoding, Assert.Single(result.Rows).Content.Title));
    }

    [Fact]
    public void Shift_jis_from_excel_reads_including_0x5c_trail_bytes_and_nec_specials()
    {
        // ソ is 0x83 0x5C and 表 is 0x95 0x5C: a reader that treats 0x5C as a backslash breaks them. ① and ㈱ are NEC row 13.
        var bytes = Cp932.StrictEncoding.GetBytes("タイトル,特典,説明\r\nソフト表示①,㈱ニコニコ,\"改行\r\nあり\"\r\n");

        var result = Read(bytes);

        Assert.Empty(result.Errors);
        Assert.Equal("shift_jis", result.Encoding);
        var row = Assert.Single(result.Rows);
        Assert.Equal(("ソフト表示①", "㈱ニコニコ", "改行\nあり"), (row.Content.Title, row.Content.Benefit, row.Content.Description));
    }

    [Fact]
    public void Shift_jis_from_nec_style_systems_reads_the_nec_selected_and_ibm_duplicate_codes()
    {
        // 髙 written as EE E0 (NEC-selected IBM extension) and ㈱ as FA 58 (IBM duplicate): Windows' CP932 maps both, the
        // strict decoder refuses them. The bytes are written by hand: the encoder would write the canonical codes.
        byte[] bytes = [.. "title,benefit\r\n"u8, 0xEE, 0xE0, .. Cp932.StrictEncoding.GetBytes("橋"), (byte)',', 0xFA, 0x58, .. "ABC\r\n"u8];

        var result = Read(bytes);

        Assert.Empty(result.Errors.Select(e => $"{e.Code}: {e.Message.English}"));
        Assert.Equal("shift_jis", result.Encoding);
        var row = Assert.Single(result.Rows);
        Assert.Equal(("髙橋", "㈱ABC"), (row.Content.Title, row.Content.Benefit));
    }

    [Fact]
    public void Excel_unicode_text_is_utf16_separated_by_tabs()
    {
        // 「Unicode テキスト」: UTF-16LE with a byte order mark, tab-separated; a comma is then part of a value.
        var bytes = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("タイトル\t特典\r\n秋のフェア\t無料, 先着順\r\n")).ToArray();

        var result = Read(bytes);

        Assert.Empty(result.Errors.Select(e => $"{e.Code}: {e.Message.English}"));
        var row = Assert.Single(result.Rows);
        Assert.Equal(("utf-16", "秋のフェア", "無料, 先着順"), (result.Encoding, row.Content.Title, row.Content.Benefit));
    }

    [Fact]
    public void Utf16_with_a_byte_order_mark_reads()
    {
        var bytes = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("title,benefit\r\n秋,無料")).ToArray();

        Assert.Equal(("utf-16", "無料"), (Read(bytes).Encoding, Read(bytes).Rows[0].Content.Benefit));
    }

    [Fact]
    public void Mixed_line_ends_and_trailing_empty_lines_are_fine()
    {
        var result = Read("title,benefit\ra,b\nc,d\r\ne,f\r\n\r\n\n");

        Assert.Empty(result.Errors);
        Assert.Equal(["a", "c", "e"], result.Rows.Select(r => r.Content.Title));
    }

    [Fact]
    public void Japanese_headers_and_the_export_only_columns_are_understood()
    {
        var row = Single("ID,状態,タイトル,特典,説明,有効期間開始,有効期間終了,利用上限数,1人あたり利用上限数,対象店舗ID,共通コード,画像,発行数,利用数,作成日時,更新日時\r\n" +
            "cpn_old,published,秋,無料,,2026-12-01,2026-12-31T23:59:59+09:00,100,,,WELCOME-10,images/cpn_old.png,5,3,2026-11-01T10:00:00+09:00,2026-11-02T10:00:00+09:00\r\n");

        Assert.Equal(CouponStatus.Published, row.Status);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.FromHours(9)), row.Content.ValidFrom);
        Assert.Equal(new DateTimeOffset(2026, 12, 31, 23, 59, 59, TimeSpan.FromHours(9)), row.Content.ValidUntil);
        Assert.Equal((100, (int?)null, "WELCOME10"), (row.Content.TotalLimit, row.Content.PerUserLimit, row.Content.SharedCodeKey));
    }

    [Fact]
    public void The_formula_guard_is_removed_exactly_once()
    {
        var row = Single("title,benefit,description\r\n'=1+2,''quoted,'abc\r\n");

        Assert.Equal(("=1+2", "'quoted", "'abc"), (row.Content.Title, row.Content.Benefit, row.Content.Description));
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 0xEF, 0xBB, 0xBF })]
    [InlineData(new byte[] { 0x20, 0x0D, 0x0A, 0x0D, 0x0A })]
    public void An_empty_file_is_a_clear_error(byte[] bytes)
    {
        var error = SingleError(Read(bytes));

        Assert.Equal((FailureCodes.MalformedCsv, 1L), (error.Code, error.Location!.Line!.Value));
    }

    [Fact]
    public void A_header_alone_is_an_import_of_nothing()
    {
        var result = Read("title,benefit\r\n");

        Assert.Empty(result.Errors);
        Assert.Empty(result.Rows);
    }

    [Fact]
    public void Missing_unknown_and_repeated_columns_are_named()
    {
        var result = Read("title,titel,description,description\r\na,b,c,d\r\n");

        Assert.Empty(result.Rows);
        Assert.Equal(["titel", "description", "benefit"], result.Errors.Select(e => e.Location!.Column));
        Assert.All(result.Errors, e => Assert.Equal(1L, e.Location!.Line));
    }

    [Fact]
    public void A_record_with_a_missing_or_an_extra_field_is_reported_with_its_line()
    {
        var result = Read("title,benefit,description\r\na,b,c\r\nd,e\r\nf,g,h,i\r\nj,k,l\r\n");

        Assert.Empty(result.Rows);
        Assert.Equal([3L, 4L], result.Errors.Select(e => e.Location!.Line!.Value));
        Assert.All(result.Errors, e => Assert.Equal(FailureCodes.MalformedCsv, e.Code));
    }

    [Theory]
    [InlineData("title,benefit\r\na,b\r\n\"unclosed,x\r\nc,d\r\n")]
    [InlineData("title,benefit\r\na,b\r\n\"closed\"junk,x\r\n")]
    public void Broken_quoting_is_refused_not_guessed(string csv)
    {
        var error = SingleError(Read(csv));

        Assert.Equal(FailureCodes.MalformedCsv, error.Code);
        Assert.Equal(3L, error.Location!.Line);
    }

    [Fact]
    public void A_ten_megabyte_field_is_refused_with_its_line_and_column_without_a_crash()
    {
        var csv = "title,benefit,description\r\na,b,c\r\nd,e,\"" + new string('x', 10 * 1024 * 1024) + "\"\r\n";

        var error = SingleError(Read(Encoding.UTF8.GetBytes(csv)));

        Assert.Equal((FailureCodes.TooLong, 3L, "description"), (error.Code, error.Location!.Line!.Value, error.Location.Column));
    }

    [Fact]
    public void A_long_field_within_the_record_limit_gets_the_policy_s_too_long()
    {
        var result = Read("title,benefit,description\r\na,b," + new string('x', 1001) + "\r\n");

        var error = SingleError(result);
        Assert.Equal((FailureCodes.TooLong, 2L, "description"), (error.Code, error.Location!.Line!.Value, error.Location.Column));
    }

    [Fact]
    public void Bytes_that_are_neither_utf8_nor_shift_jis_are_refused()
    {
        // 0x81 0x20: a CP932 lead byte followed by a byte that cannot trail it; and not UTF-8 either.
        var bytes = Encoding.ASCII.GetBytes("title,benefit\r\na,").Concat(new byte[] { 0x81, 0x20 }).ToArray();

        var error = SingleError(Read(bytes));

        Assert.Equal(FailureCodes.MalformedCsv, error.Code);
        Assert.Contains("Shift_JIS", error.Message.English, StringComparison.Ordinal);
        // The 18th byte, counted from 1 as a hex editor does.
        Assert.Contains("near byte 18)", error.Message.English, StringComparison.Ordinal);
        Assert.Contains("18バイト目", error.Message.Japanese, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_bad_row_is_reported_at_once_with_its_line_column_and_the_policy_s_code()
    {
        var result = Read(
            "タイトル,特典,状態,有効期間開始,利用上限数,共通コード\r\n" +
            ",ok,draft,,,\r\n" +                              // 2: title required
            "ok,ok,running,,,\r\n" +                         // 3: bad status
            "ok,ok,,2026-13-01,,\r\n" +                      // 4: bad date
            "ok,ok,,,lots,\r\n" +                             // 5: bad number
            "ok,ok,,,0,\r\n" +                                // 6: out of range
            "ok,ok,,,,SAME-1\r\n" +                           // 7: fine
            "ok,ok,,,,same1\r\n" +                            // 8: same shared code as line 7
            "ok,\t,,,,\r\n");                                  // 9: the tab is trimmed, so benefit is required

        Assert.Empty(result.Rows);
        Assert.Equal(
            [(2L, "タイトル", "required"), (3L, "状態", "invalid_format"), (4L, "有効期間開始", "invalid_format"), (5L, "利用上限数", "invalid_format"),
             (6L, "利用上限数", "out_of_range"), (8L, "共通コード", "already_exists"), (9L, "特典", "required")],
            result.Errors.Select(e => (e.Location!.Line!.Value, e.Location.Column!, e.Code)));
    }

    [Fact]
    public void An_import_larger_than_the_row_limit_is_refused()
    {
        var csv = "title,benefit\r\n" + string.Concat(Enumerable.Repeat("a,b\r\n", 6));

        var error = SingleError(Read(Encoding.UTF8.GetBytes(csv), new PortabilityOptions { MaxImportRows = 5 }));

        Assert.Equal(7L, error.Location!.Line);
    }

    [Fact]
    public void The_number_of_reported_errors_is_capped()
    {
        var csv = "title,benefit\r\n" + string.Concat(Enumerable.Repeat(",\r\n", 50));

        var result = Read(Encoding.UTF8.GetBytes(csv), new PortabilityOptions { MaxReportedErrors = 10 });

        Assert.Equal(10, result.Errors.Count);
    }
}
