using Microsoft.Extensions.Options;

namespace SmartECoupon.DocSnippets;

/// <summary>docs/architecture.md.</summary>
internal static class ArchitectureSnippets
{
    public static void Run(Checks checks)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["SmartECoupon:DefaultTimeZoneId"] = "Asia/Tokyo", ["SmartECoupon:Retention:BackupGenerations"] = "9" });
        builder.Services.AddSmartECoupon(builder.Configuration.GetSection("SmartECoupon")); // or AddSmartECoupon(o => ...)

        using var app = builder.Build();
        checks.Equal(9, app.Services.GetRequiredService<IOptions<SmartECouponOptions>>().Value.Retention.BackupGenerations, "architecture.md: options bound from the section");
    }
}
