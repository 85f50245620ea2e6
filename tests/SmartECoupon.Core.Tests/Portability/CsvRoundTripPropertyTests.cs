using CsCheck;
using CsvHelper;
using SmartECoupon.Coupons;
using SmartECoupon.Core.Tests.Validation;
using SmartECoupon.Portability;
using SmartECoupon.Stores;
using SmartECoupon.Tenancy;
using SmartECoupon.Validation;

namespace SmartECoupon.Core.Tests.Portability;

/// <summary>
/// The CSV leg of the input-policy properties: any text a policy accepts comes back unchanged through the export's
/// writer and the import's reader, in UTF-8 and (for what CP932 holds) in Shift_JIS, formula guard included.
/// </summary>
public sealed class CsvRoundTripPropertyTests
{
    private static readonly TimeZoneInfo Tokyo = TenantTimeZones.Find("Asia/Tokyo");

    [Fact]
    public void What_any_policy_accepts_round_trips_through_a_csv_cell()
    {
        FieldPolicyPropertyTests.AwkwardText.Sample(text =>
        {
            foreach (var (name, policy) in FieldPolicyPropertyTests.Policies)
            {
                if (policy.Apply("field", text, new List<ValidationError>()) is not { } stored)
                {
                    continue;
                }
                Assert.True(stored == ReadBack(Write(stored, CsvExportEncoding.Utf8), CsvExportEncoding.Utf8), $"{name}, UTF-8");
                if (Cp932.CanEncode(stored))
                {
                    Assert.True(stored == ReadBack(Write(stored, CsvExportEncoding.ShiftJis), CsvExportEncoding.ShiftJis), $"{name}, Shift_JIS");
                }
            }
        }, iter: 3_000, threads: 1);
    }

    [Fact]
    public void Coupon_text_the_policies_accept_comes_back_equal_through_export_and_import()
    {
        var policies = new InputPolicyOptions();
        FieldPolicyPropertyTests.AwkwardText.Sample(text =>
        {
            var title = policies.CouponTitle.Apply("title", text, new List<ValidationError>());
            var description = policies.CouponDescription.Apply("description", text, new List<ValidationError>());
            if (title is null && description is null)
            {
                return;
            }
            var coupon = new Coupon
            {
                TenantId = "tnt_01jdx3k9v2m7q8r4s5t6w7x8y9",
                Id = "cpn_01jdx3k9v2m7q8r4s5t6w7x8y9",
                Title = title ?? "タイトル",
                Benefit = "特典",
                Description = description ?? "",
                CreatedAt = DateTimeOffset.UnixEpoch,
                UpdatedAt = DateTimeOffset.UnixEpoch,
            };
            foreach (var encoding in (CsvExportEncoding[])[CsvExportEncoding.Utf8, CsvExportEncoding.ShiftJis])
            {
                if (encoding == CsvExportEncoding.ShiftJis && !(Cp932.CanEncode(coupon.Title) && Cp932.CanEncode(coupon.Description)))
                {
                    continue;
                }
                var bytes = WriteCoupon(coupon, encoding);
                var read = CouponCsvReader.Read(bytes, bytes.Length, policies, Tokyo, new PortabilityOptions());
                Assert.Empty(read.Errors.Select(e => e.Message.English));
                var row = Assert.Single(read.Rows);
                Assert.Equal((coupon.Title, coupon.Description), (row.Content.Title, row.Content.Description));
            }
        }, iter: 3_000, threads: 1);
    }

    private static byte[] Write(string value, CsvExportEncoding encoding)
    {
        var store = new Store { TenantId = "tnt_01jdx3k9v2m7q8r4s5t6w7x8y9", Id = "sto_01jdx3k9v2m7q8r4s5t6w7x8y9", Name = value };
        return WriteRows(CsvDataset.Stores, encoding, cells => CsvSchemas.Stores.ToList().ForEach(c => c.Write(cells, store)));
    }

    private static byte[] WriteCoupon(Coupon coupon, CsvExportEncoding encoding) =>
        WriteRows(CsvDataset.Coupons, encoding, cells => CsvSchemas.Coupons.ToList().ForEach(c => c.Write(cells, coupon)));

    private static byte[] WriteRows(CsvDataset dataset, CsvExportEncoding encoding, Action<CsvCellWriter> writeRow)
    {
        using var stream = new MemoryStream();
        var cells = CsvCellWriter.Create(stream, encoding, dataset, japaneseHeaders: false, Tokyo, maxErrors: 10);
        cells.BeginRow();
        writeRow(cells);
        cells.EndRowAsync(default).AsTask().GetAwaiter().GetResult();
        cells.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Assert.Empty(cells.Errors);
        return stream.ToArray();
    }

    private static string ReadBack(byte[] bytes, CsvExportEncoding encoding)
    {
        // The separator is named: left out, CsvHelper 34 guesses it from the first lines.
        var options = CsvReaderOptions.Default with { Separator = ',' };
        using var reader = encoding == CsvExportEncoding.Utf8
            ? CsvReader.Create(bytes, options)
            : CsvReader.Create(new StringReader(Cp932.StrictEncoding.GetString(bytes)), options);
        Assert.True(reader.Read());
        var cell = reader.GetString(1);
        Assert.False(reader.Read());
        return CsvFormulaGuard.Unprotect(cell);
    }
}
