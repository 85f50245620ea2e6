using System.Text;
using SmartECoupon.Auditing;
using SmartECoupon.Coupons;
using SmartECoupon.Portability;
using SmartECoupon.Redemptions;
using SmartECoupon.Tenancy;

namespace SmartECoupon.DocSnippets;

/// <summary>docs/portability.md.</summary>
internal static class PortabilitySnippets
{
    public static async Task RunAsync(Sandbox sandbox, Checks checks)
    {
        var tenantContext = sandbox.Get<ITenantContext>();
        var admin = Actor.Member(sandbox.AdminId);
        using (tenantContext.BeginScope(sandbox.TenantId))
        {
            var coupons = sandbox.Get<CouponService>();
            var coupon = (await coupons.CreateAsync(new CouponDraft { Title = "髙橋さんの秋フェア", Benefit = "ドリンク1杯無料" }, admin)).Value!;
            await coupons.PublishAsync(coupon.Id, admin);
            var ticket = (await sandbox.Get<TicketService>().IssueAsync(coupon.Id, "customer-1", admin)).Value!.Ticket;
            await sandbox.Get<RedemptionService>().RedeemAsync(RedemptionRequest.ForCode(ticket.Code), admin, RedemptionChannel.Api);
        }

        var context = new DefaultHttpContext();
        using var body = new MemoryStream();
        context.Response.Body = body;
        await ExportAsync(sandbox.Get<TenantDataExporter>(), tenantContext, sandbox.TenantId, context.Response);

        checks.Equal("text/csv; charset=shift_jis", context.Response.ContentType, "portability.md: the content type");
        var text = SmartECoupon.Validation.Cp932.StrictEncoding.GetString(body.ToArray());
        checks.That(text.StartsWith("id,", StringComparison.Ordinal) && text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length == 2,
            "portability.md: one header row and one redemption, CRLF");
        checks.That(!Encoding.UTF8.GetString(body.ToArray()).StartsWith('\uFEFF'), "portability.md: Shift_JIS has no byte order mark");
    }

    private static async Task ExportAsync(TenantDataExporter exporter, ITenantContext tenantContext, string tenantId, HttpResponse response)
    {
        using (tenantContext.BeginScope(tenantId))
        {
            var prepared = await exporter.ExportAsync(CsvDataset.Redemptions, new CsvExportOptions { Encoding = CsvExportEncoding.ShiftJis });
            if (!prepared.Succeeded)
            {
                // 422 "unencodable": prepared.Failure.Errors name the dataset, row and column; nothing was sent yet.
                return;
            }
            await using var export = prepared.Value;
            response.ContentType = export.ContentType;              // text/csv; charset=shift_jis
            var written = await export.WriteToAsync(response.Body); // rows, bytes, SHA-256
        }
    }
}
