using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace SmartECoupon.Storage.EfCore.Migrations;

// Used only by `dotnet ef migrations add`: each provider's migrations are generated from its own context.
//   dotnet ef migrations add <Name> -p src/SmartECoupon.Storage.EfCore -c SqliteSmartECouponDbContext -o Migrations/Sqlite
//   dotnet ef migrations add <Name> -p src/SmartECoupon.Storage.EfCore -c PostgreSqlSmartECouponDbContext -o Migrations/PostgreSql

internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteSmartECouponDbContext>
{
    public SqliteSmartECouponDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteSmartECouponDbContext>().UseSqlite("Data Source=design-time.db").Options);
}

internal sealed class PostgreSqlDesignTimeFactory : IDesignTimeDbContextFactory<PostgreSqlSmartECouponDbContext>
{
    public PostgreSqlSmartECouponDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgreSqlSmartECouponDbContext>().UseNpgsql("Host=localhost;Database=design_time").Options);
}
