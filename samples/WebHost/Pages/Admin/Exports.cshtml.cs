using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SmartECoupon.Portability;

namespace SmartECoupon.WebHost.Pages.Admin;

/// <summary>Downloads of every dataset (each encoding) and of the zip, for the signed-in administrator's tenant.</summary>
internal sealed class ExportsModel(TenantDataExporter exporter) : AdminPageModel
{
    public static IEnumerable<(string File, string Label)> Files =>
    [
        ("coupons.csv", "クーポン"), ("tickets.csv", "チケット"), ("codes.csv", "ワンタイムコード"), ("redemptions.csv", "利用履歴"),
        ("stores.csv", "店舗"), ("members.csv", "メンバー"), ("settings.csv", "設定"), ("audit-log.csv", "操作履歴"),
    ];

    public async Task<IActionResult> OnGetDownloadAsync(string? file, string? encoding)
    {
        if (!CsvExportOptions.TryParseEncoding(encoding, out var chosen))
        {
            return NotFound();
        }
        var options = new CsvExportOptions { Encoding = chosen };
        if (file == "all.zip")
        {
            var bundle = await exporter.ExportBundleAsync(options, HttpContext.RequestAborted);
            if (!bundle.Succeeded)
            {
                return Refused(bundle.Failure);
            }
            return new StreamedDownload(CsvBundle.ContentType, bundle.Value.FileName, async body =>
            {
                await using var zip = bundle.Value;
                await zip.WriteToAsync(body, HttpContext.RequestAborted);
            });
        }
        if (file is null || !file.EndsWith(".csv", StringComparison.Ordinal) || !CsvDatasets.TryParse(file[..^4], out var dataset))
        {
            return NotFound();
        }
        var prepared = await exporter.ExportAsync(dataset, options, HttpContext.RequestAborted);
        if (!prepared.Succeeded)
        {
            return Refused(prepared.Failure);
        }
        return new StreamedDownload(prepared.Value.ContentType, prepared.Value.FileName, async body =>
        {
            await using var export = prepared.Value;
            await export.WriteToAsync(body, HttpContext.RequestAborted);
        });
    }

    private PageResult Refused(Failure failure)
    {
        FormError = failure.Errors.Count > 0 ? failure.Errors[0].Message.Japanese : failure.Message.Japanese;
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return Page();
    }

    /// <summary>A file streamed to the browser as a download.</summary>
    private sealed class StreamedDownload(string contentType, string fileName, Func<Stream, Task> write) : IActionResult
    {
        public Task ExecuteResultAsync(ActionContext context) => new Api.StreamedFile(contentType, fileName, write).ExecuteAsync(context.HttpContext);
    }
}
