// The sample host: the HTTP contract of ../shared/spec/http-api.md on top of the SmartECoupon packages.
// Kept thin on purpose; the rules live in the library.
var builder = WebApplication.CreateBuilder(args);

builder.Services.AddSmartECoupon(builder.Configuration.GetSection(SmartECoupon.SmartECouponOptions.SectionName));
builder.Services.AddProblemDetails();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();

// Liveness: 200 while the process runs. Readiness (/readyz) arrives with storage.
app.MapGet("/healthz", () => TypedResults.Ok(new { status = "ok" }))
    .WithName("Healthz")
    .ExcludeFromDescription();

app.Run();

/// <summary>The host's entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
