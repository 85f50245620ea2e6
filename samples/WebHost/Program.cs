// The sample host: the HTTP contract of ../shared/spec/http-api.md on top of the SmartECoupon packages.
// Kept thin on purpose; the rules live in the library.
using SmartECoupon.WebHost;

var builder = WebApplication.CreateBuilder(args);
builder.AddSmartECouponHost();

var app = builder.Build();
if (await app.RunCommandAsync(args))
{
    return;
}
await app.PrepareStorageAsync();
app.MapSmartECouponHost();
app.Run();

/// <summary>The host's entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
