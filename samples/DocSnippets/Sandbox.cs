using Microsoft.Extensions.DependencyInjection;
using SmartECoupon.Auditing;
using SmartECoupon.Storage.EfCore;
using SmartECoupon.Tenancy;

namespace SmartECoupon.DocSnippets;

/// <summary>SmartECoupon on a SQLite database in a folder of its own, with one tenant, for the snippets that need services.</summary>
internal sealed class Sandbox : IAsyncDisposable
{
    private Sandbox(ServiceProvider services, string folder, string tenantId, string adminId)
    {
        Services = services;
        Folder = folder;
        TenantId = tenantId;
        AdminId = adminId;
    }

    public ServiceProvider Services { get; }

    public string Folder { get; }

    public string TenantId { get; }

    public string AdminId { get; }

    public T Get<T>()
        where T : notnull => Services.GetRequiredService<T>();

    public static async Task<Sandbox> CreateAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), "smartecoupon-doc-snippets", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var services = new ServiceCollection();
        services.AddSmartECoupon(o =>
        {
            o.Backups.Folder = Path.Combine(folder, "backups");
            o.Uploads.Folder = Path.Combine(folder, "uploads");
        }).AddEntityFrameworkCoreStores(o => o.ConnectionString = $"Data Source={Path.Combine(folder, "snippets.db")}");
        var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<SmartECouponStorage>().MigrateAsync();
        var created = (await provider.GetRequiredService<TenantService>().CreateAsync("さくらカフェ", TenantPlan.Standard, "山田 花子", Actor.System("docs"))).Value!;
        return new Sandbox(provider, folder, created.Tenant.Id, created.Admin.Id);
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(Folder, recursive: true);
    }
}
