using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CsvHelper;
using SmartECoupon.Coupons;
using SmartECoupon.Portability;
using SmartECoupon.Redemptions;
using SmartECoupon.Stores;
using SmartECoupon.Tenancy;
using SmartECoupon.Validation;

namespace SmartECoupon.Storage.Specification;

/// <summary>
/// CSV portability on a real database: every dataset out (UTF-8 with BOM or Shift_JIS, CRLF, documented headers,
/// formula guard), the bundle with images and manifest, and coupons back in, all or nothing.
/// </summary>
public abstract class PortabilityConformance(IStorageHarness harness) : ConformanceTest(harness)
{
    /// <summary>A tiny PNG: the signature and the start of an IHDR chunk are enough for the type to be recognised.</summary>
    protected static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R', 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0];

    [SkippableFact]
    public async Task Every_dataset_exports_its_documented_columns_and_only_the_tenant_s_rows()
    {
        var (tenant, coupon, other) = await TenantWithDataAsync();
        using (In(tenant))
        {
            foreach (var dataset in CsvDatasets.All)
            {
                var (bytes, file) = await ExportAsync(dataset, CsvExportOptions.Default);

                Assert.True(bytes.AsSpan().StartsWith(Encoding.UTF8.GetPreamble()), $"{dataset}: UTF-8 with a BOM");
                var text = Encoding.UTF8.GetString(bytes.AsSpan(3));
                Assert.DoesNotContain(text.Replace("\r\n", "", StringComparison.Ordinal), c => c == '\r');
                var (header, rows) = Parse(text);
                Assert.Equal(CsvDatasets.ColumnsOf(dataset).Select(c => c.Key), header);
                Assert.Equal(rows.Count, file.Rows);
                Assert.True(rows.Count > 0, $"{dataset} has rows");
                Assert.DoesNotContain(other.Id, text, StringComparison.Ordinal);
                Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), file.Sha256);
                Assert.Equal(bytes.Length, file.Bytes);
            }

            var members = Encoding.UTF8.GetString((await ExportAsync(CsvDataset.Members, CsvExportOptions.Default)).Bytes);
            Assert.DoesNotContain(tenant.AdminKey, members, StringComparison.Ordinal);
            Assert.DoesNotContain(tenant.AdminKey.Split('.')[0], members, StringComparison.Ordinal);

            var coupons = Parse(Encoding.UTF8.GetString((await ExportAsync(CsvDataset.Coupons, CsvExportOptions.Default)).Bytes.AsSpan(3))).Rows;
            var row = Assert.Single(coupons, r => r[0] == coupon.Id);
            Assert.Equal(["published", "4", "1"], [row[1], row[12], row[13]]);   // status, issuedCount (a ticket, 3 codes), redeemedCount

            var japanese = Encoding.UTF8.GetString((await ExportAsync(CsvDataset.Coupons, CsvExportOptions.Default with { JapaneseHeaders = true })).Bytes.AsSpan(3));
            Assert.StartsWith("ID,状態,タイトル,特典,説明,有効期間開始,有効期間終了,利用上限数,", japanese, StringComparison.Ordinal);
        }
    }

    [SkippableFact]
    public async Task A_cancelled_tenant_can_still_download_everything_until_its_purge()
    {
        var (tenant, coupon, _) = await TenantWithDataAsync();
        var today = TenantTimeZones.DateIn(Harness.Time.GetUtcNow(), TenantTimeZones.Find(TenantTimeZones.Default));
        Assert.True((await Get<TenantService>().CancelAsync(tenant.Id, today, Operator)).Succeeded);
        using (In(tenant))
        {
            var bundle = await Get<TenantDataExporter>().ExportBundleAsync();
            await using var prepared = bundle.Value!;
            var body = new AsyncOnlyStream();
            var files = await prepared.WriteToAsync(body);

            Assert.Equal(1, files.Single(f => f.Name == "coupons.csv").Rows);
            var settings = Encoding.UTF8.GetString((await ExportAsync(CsvDataset.Settings, CsvExportOptions.Default)).Bytes);
            Assert.Contains("status,cancelled", settings, StringComparison.Ordinal);
            Assert.Contains(coupon.Id, Encoding.UTF8.GetString((await ExportAsync(CsvDataset.Coupons, CsvExportOptions.Default)).Bytes), StringComparison.Ordinal);
        }
    }

    [SkippableFact]
    public async Task Text_a_spreadsheet_could_run_gets_one_apostrophe_while_numbers_and_dates_stay_as_they_are()
    {
        var tenant = await NewTenantAsync();
        using (In(tenant))
        {
            var created = await Get<CouponService>().CreateAsync(new CouponDraft
            {
                Title = "=HYPERLINK(\"http://evil\",\"x\")",
                Benefit = "－500円",
                Description = "'quoted",
                TotalLimit = 500,
                ValidFrom = ValidityBound.FromInstant(new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.FromHours(9))),
            }, tenant.Admin);
            Assert.True(created.Succeeded);

            var text = Encoding.UTF8.GetString((await ExportAsync(CsvDataset.Coupons, CsvExportOptions.Default)).Bytes.AsSpan(3));

            Assert.Contains("\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",'－500円,''quoted,2026-12-01T10:00:00+09:00,,500,1,", text, StringComparison.Ordinal);
        }
    }

    [SkippableTheory]
    [InlineData(CsvExportEncoding.Utf8, false)]
    [InlineData(CsvExportEncoding.Utf8, true)]
    [InlineData(CsvExportEncoding.ShiftJis, false)]
    [InlineData(CsvExportEncoding.ShiftJis, true)]
    public async Task Coupons_exported_and_imported_into_a_fresh_tenant_come_back_equal(CsvExportEncoding encoding, bool japaneseHeaders)
    {
        var source = await NewTenantAsync();
        var wide = encoding == CsvExportEncoding.Utf8;
        var drafts = new List<(CouponDraft Draft, CouponStatus Status)>
        {
            (new CouponDraft { Title = "秋のドリンクフェア", Benefit = "1杯無料", Description = "一行目\n二行目, \"引用\"", TotalLimit = 100, PerUserLimit = 2, SharedCode = "Autumn-2026" }, CouponStatus.Published),
            (new CouponDraft { Title = "=1+2", Benefit = "'quoted", Description = "＝ＳＵＭ（Ａ１）", PerUserLimit = null }, CouponStatus.Draft),
            (new CouponDraft { Title = wide ? "𠮷野家 👨‍👩‍👧‍👦" : "髙橋商店 ①", Benefit = "－５００円", ValidFrom = ValidityBound.FromDate(new DateOnly(2026, 12, 1)), ValidUntil = ValidityBound.FromInstant(new DateTimeOffset(2027, 1, 31, 12, 30, 15, 123, TimeSpan.FromHours(9))) }, CouponStatus.Paused),
            (new CouponDraft { Title = "終了", Benefit = "-", Description = "\t先頭のタブは消える" }, CouponStatus.Archived),
        };
        var originals = new List<Coupon>();
        using (In(source))
        {
            foreach (var (draft, status) in drafts)
            {
                originals.Add(await CouponInStatusAsync(source, draft, status));
            }
        }

        byte[] bytes;
        using (In(source))
        {
            bytes = (await ExportAsync(CsvDataset.Coupons, new CsvExportOptions { Encoding = encoding, JapaneseHeaders = japaneseHeaders })).Bytes;
        }
        var target = await NewTenantAsync();
        using (In(target))
        {
            var imported = await Get<CouponCsvImporter>().ImportAsync(new MemoryStream(bytes), target.Admin);
            Assert.True(imported.Succeeded, string.Join("; ", imported.Failure?.Errors.Select(e => $"{e.Location?.Line}:{e.Location?.Column}:{e.Message.English}") ?? []));
            Assert.Equal((4, wide ? "utf-8" : "shift_jis"), (imported.Value.Imported, imported.Value.Encoding));

            var copies = (await Get<CouponService>().ListAsync(new PageRequest(50))).Items;
            Assert.Equal(originals.Select(Content), copies.Select(Content));
            Assert.All(copies, c => Assert.Equal((target.Id, 0, 0), (c.TenantId, c.IssuedCount, c.RedeemedCount)));
            Assert.Equal(1, await CountAsync(StoredRows.PublishedCoupons, target));
            Assert.Equal(1 + 4, await CountAsync(StoredRows.AuditEntries, target));

            // The new coupons work: the shared code finds its copy in the new tenant.
            Assert.Equal(copies[0].Id, (await Get<ICouponRepository>().FindBySharedCodeAsync("AUTUMN2026"))!.Id);
        }
    }

    [SkippableFact]
    public async Task A_shift_jis_export_that_cannot_hold_a_value_fails_before_any_byte_naming_dataset_row_and_column()
    {
        var tenant = await NewTenantAsync();
        using (In(tenant))
        {
            await Get<StoreService>().CreateAsync("本店", tenant.Admin);
            await Get<StoreService>().CreateAsync("𠮷野家前店の剝がし", tenant.Admin);

            var failed = await Get<TenantDataExporter>().ExportAsync(CsvDataset.Stores, new CsvExportOptions { Encoding = CsvExportEncoding.ShiftJis });

            Assert.False(failed.Succeeded);
            Assert.Equal(FailureCodes.Unencodable, failed.Failure.Code);
            var error = Assert.Single(failed.Failure.Errors);
            // The row as Excel shows it (the header is row 1), and every character the cell cannot hold.
            Assert.Equal(("stores", 3L, "name", FailureCodes.Unencodable), (error.Location!.Dataset, error.Location.Row!.Value, error.Location.Column, error.Code));
            Assert.Equal(["𠮷 (U+20BB7)", "剝 (U+525D)"], error.OffendingCharacters);
            Assert.Contains("row 3", error.Message.English, StringComparison.Ordinal);

            var bundle = await Get<TenantDataExporter>().ExportBundleAsync(new CsvExportOptions { Encoding = CsvExportEncoding.ShiftJis });
            Assert.Equal(FailureCodes.Unencodable, bundle.Failure?.Code);

            var utf8 = await ExportAsync(CsvDataset.Stores, CsvExportOptions.Default);
            Assert.Contains("𠮷野家前店の剝がし", Encoding.UTF8.GetString(utf8.Bytes), StringComparison.Ordinal);
        }
    }

    [SkippableFact]
    public async Task The_bundle_holds_every_dataset_the_images_and_a_manifest_that_checks_out()
    {
        var (tenant, coupon, _) = await TenantWithDataAsync();
        using (In(tenant))
        {
            Assert.True((await Get<CouponService>().SetImageAsync(coupon.Id, Png, tenant.Admin)).Succeeded);
            var prepared = await Get<TenantDataExporter>().ExportBundleAsync();
            Assert.True(prepared.Succeeded);
            await using var bundle = prepared.Value;
            // A response body: not seekable, and writes must be asynchronous.
            var body = new AsyncOnlyStream();

            var files = await bundle.WriteToAsync(body);

            using var zip = new ZipArchive(new MemoryStream(body.ToArray()), ZipArchiveMode.Read);
            var image = $"images/{coupon.Id}.png";
            Assert.Equal([.. CsvDatasets.All.Select(CsvDatasets.FileNameOf), image, "manifest.json"], zip.Entries.Select(e => e.FullName));
            using var manifest = JsonDocument.Parse(Read(zip, "manifest.json"));
            Assert.Equal(tenant.Id, manifest.RootElement.GetProperty("tenantId").GetString());
            Assert.True(manifest.RootElement.GetProperty("generatedAt").GetDateTimeOffset().Offset == TimeSpan.FromHours(9));
            var listed = manifest.RootElement.GetProperty("files").EnumerateArray().ToList();
            Assert.Equal(files.Select(f => f.Name), listed.Select(f => f.GetProperty("name").GetString()));
            foreach (var file in listed)
            {
                var name = file.GetProperty("name").GetString()!;
                var content = Read(zip, name);
                Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), file.GetProperty("sha256").GetString());
                if (name.EndsWith(".csv", StringComparison.Ordinal))
                {
                    Assert.Equal(Parse(Encoding.UTF8.GetString(content.AsSpan(3))).Rows.Count, file.GetProperty("rows").GetInt64());
                }
                else
                {
                    Assert.False(file.TryGetProperty("rows", out _));
                }
            }
            Assert.Equal(Png, Read(zip, image));
            Assert.Contains(image, Encoding.UTF8.GetString(Read(zip, "coupons.csv")), StringComparison.Ordinal);
        }
    }

    [SkippableFact]
    public async Task An_import_with_one_bad_row_imports_nothing_and_says_where()
    {
        var tenant = await NewTenantAsync();
        using (In(tenant))
        {
            var csv = "title,benefit,totalLimit\r\nA,B,10\r\nC,D,10\r\n,E,x\r\nF,G,\r\n";

            var result = await Get<CouponCsvImporter>().ImportAsync(Utf8(csv), tenant.Admin);

            Assert.Equal(FailureCodes.InvalidCsv, result.Failure?.Code);
            Assert.Equal([(4L, "title", "required"), (4L, "totalLimit", "invalid_format")],
                result.Failure!.Errors.Select(e => (e.Location!.Line!.Value, e.Location.Column!, e.Code)));
            Assert.Empty((await Get<CouponService>().ListAsync(new PageRequest(10))).Items);
        }
    }

    [SkippableFact]
    public async Task An_import_naming_unknown_stores_or_taken_shared_codes_imports_nothing()
    {
        var tenant = await NewTenantAsync();
        using (In(tenant))
        {
            var store = (await Get<StoreService>().CreateAsync("新宿店", tenant.Admin)).Value!;
            await PublishedCouponAsync(tenant, sharedCode: "WELCOME10");
            var csv = $"title,benefit,storeIds,sharedCode\r\nA,B,{store.Id},\r\nC,D,sto_00000000000000000000000000,\r\nE,F,,welcome-10\r\n";

            var result = await Get<CouponCsvImporter>().ImportAsync(Utf8(csv), tenant.Admin);

            Assert.Equal(FailureCodes.InvalidCsv, result.Failure?.Code);
            Assert.Equal([(3L, "storeIds", FailureCodes.NotFound), (4L, "sharedCode", FailureCodes.AlreadyExists)],
                result.Failure!.Errors.Select(e => (e.Location!.Line!.Value, e.Location.Column!, e.Code)));
            Assert.Single((await Get<CouponService>().ListAsync(new PageRequest(10))).Items);
        }
    }

    [SkippableFact]
    public async Task An_import_that_would_pass_the_plan_s_published_limit_imports_nothing()
    {
        var tenant = await NewTenantAsync(TenantPlan.Free);
        using (In(tenant))
        {
            await PublishedCouponAsync(tenant);
            var csv = "title,benefit,status\r\nA,B,published\r\nC,D,published\r\nE,F,published\r\nG,H,draft\r\n";

            var result = await Get<CouponCsvImporter>().ImportAsync(Utf8(csv), tenant.Admin);

            Assert.Equal(FailureCodes.PlanLimitReached, result.Failure?.Code);
            Assert.Single((await Get<CouponService>().ListAsync(new PageRequest(10))).Items);
            Assert.Equal(1, await CountAsync(StoredRows.PublishedCoupons, tenant));

            var fits = await Get<CouponCsvImporter>().ImportAsync(Utf8("title,benefit,status\r\nA,B,published\r\nC,D,published\r\nE,F,draft\r\n"), tenant.Admin);
            Assert.Equal(3, fits.Value?.Imported);
            Assert.Equal(3, await CountAsync(StoredRows.PublishedCoupons, tenant));
        }
    }

    [SkippableFact]
    public async Task An_image_is_accepted_by_its_bytes_only()
    {
        var tenant = await NewTenantAsync();
        var coupon = await PublishedCouponAsync(tenant);
        using (In(tenant))
        {
            var service = Get<CouponService>();
            Assert.Equal(FailureCodes.UnsupportedImage, (await service.SetImageAsync(coupon.Id, "<svg onload=alert(1)>"u8.ToArray(), tenant.Admin)).Failure?.Code);
            Assert.Equal(FailureCodes.UnsupportedImage, (await service.SetImageAsync(coupon.Id, new byte[CouponImageTypes.MaxBytes + 1], tenant.Admin)).Failure?.Code);
            var set = await service.SetImageAsync(coupon.Id, Png, tenant.Admin);
            Assert.Equal(CouponImageTypes.Png, set.Value?.ImageContentType);
            var stored = await Get<ICouponImageStorage>().OpenAsync(tenant.Id, coupon.Id);
            await using (stored)
            {
                var copy = new MemoryStream();
                await stored!.CopyToAsync(copy);
                Assert.Equal(Png, copy.ToArray());
            }
        }
    }

    /// <summary>A tenant with a store, a published coupon used once, a ticket, one-time codes; and another tenant with data of its own.</summary>
    protected async Task<(TestTenant Tenant, Coupon Coupon, Coupon Other)> TenantWithDataAsync()
    {
        var tenant = await NewTenantAsync();
        Store store;
        using (In(tenant))
        {
            store = (await Get<StoreService>().CreateAsync("新宿店", tenant.Admin)).Value!;
        }
        var coupon = await PublishedCouponAsync(tenant, totalLimit: 10, storeIds: [store.Id]);
        var ticket = await TicketAsync(tenant, coupon.Id, "visitor-1");
        await RedeemAsync(tenant, new RedemptionRequest { TicketToken = ticket.Token, StoreId = store.Id });
        await OneTimeCodeAsync(tenant, coupon.Id, 3);
        var otherTenant = await NewTenantAsync();
        var other = await PublishedCouponAsync(otherTenant);
        await TicketAsync(otherTenant, other.Id, "visitor-1");
        using (In(tenant))
        {
            return (tenant, (await Get<CouponService>().FindAsync(coupon.Id))!, other);
        }
    }

    /// <summary>Exports a dataset of the current tenant and returns its bytes and what the exporter says it wrote.</summary>
    protected async Task<(byte[] Bytes, ExportedFile File)> ExportAsync(CsvDataset dataset, CsvExportOptions options)
    {
        var prepared = await Get<TenantDataExporter>().ExportAsync(dataset, options);
        Assert.True(prepared.Succeeded, prepared.Failure?.Code);
        await using var export = prepared.Value;
        var body = new AsyncOnlyStream();
        var file = await export.WriteToAsync(body);
        return (body.ToArray(), file);
    }

    private async Task<Coupon> CouponInStatusAsync(TestTenant tenant, CouponDraft draft, CouponStatus status)
    {
        var service = Get<CouponService>();
        var created = await service.CreateAsync(draft, tenant.Admin);
        Assert.True(created.Succeeded, string.Join(",", created.Failure?.Errors.Select(e => e.Field + ":" + e.Code) ?? []));
        var id = created.Value.Id;
        if (status is CouponStatus.Published or CouponStatus.Paused)
        {
            Assert.True((await service.PublishAsync(id, tenant.Admin)).Succeeded);
        }
        if (status == CouponStatus.Paused)
        {
            Assert.True((await service.PauseAsync(id, tenant.Admin)).Succeeded);
        }
        if (status == CouponStatus.Archived)
        {
            Assert.True((await service.ArchiveAsync(id, tenant.Admin)).Succeeded);
        }
        return (await service.FindAsync(id))!;
    }

    private static object Content(Coupon c) => (c.Status, c.Title, c.Benefit, c.Description, c.ValidFrom, c.ValidUntil, c.TotalLimit, c.PerUserLimit,
        string.Join(' ', c.StoreIds), c.SharedCode, c.SharedCodeKey);

    private static MemoryStream Utf8(string csv) => new(Encoding.UTF8.GetBytes(csv));

    private static byte[] Read(ZipArchive zip, string name)
    {
        using var entry = zip.GetEntry(name)!.Open();
        using var copy = new MemoryStream();
        entry.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>Parses CSV text (comma separated, header first) into its header and rows.</summary>
    protected static (IReadOnlyList<string> Header, List<string[]> Rows) Parse(string text)
    {
        using var reader = CsvReader.Create(new StringReader(text), CsvReaderOptions.Default with { Separator = ',', MalformedData = CsvMalformedDataHandling.Throw });
        var rows = new List<string[]>();
        while (reader.Read())
        {
            rows.Add([.. Enumerable.Range(0, reader.FieldCount).Select(reader.GetString)]);
        }
        return (reader.Headers, rows);
    }
}

/// <summary>A stream like an HTTP response body: write-only, not seekable, and synchronous writes throw.</summary>
internal sealed class AsyncOnlyStream : Stream
{
    private readonly MemoryStream _inner = new();

    public byte[] ToArray() => _inner.ToArray();

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush() => throw new InvalidOperationException("Synchronous operations are disallowed.");

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new InvalidOperationException("Synchronous operations are disallowed.");

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => _inner.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => _inner.WriteAsync(buffer, offset, count, cancellationToken);
}
