// The sample host: SmartECoupon's HTTP contract (docs/http-api.md, docs/http-reference.md) on top of the packages.
// Kept thin on purpose; the rules live in the library.
using SmartECoupon.WebHost;

// The pages' styles and scripts are copied next to the binary, so the host finds them wherever its content root is.
var webRoot = Path.Combine(AppContext.BaseDirectory, "wwwroot");
var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    ContentRootPath = HostSetup.ApplicationFolder(args),
    WebRootPath = Directory.Exists(webRoot) ? webRoot : null,
});
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
