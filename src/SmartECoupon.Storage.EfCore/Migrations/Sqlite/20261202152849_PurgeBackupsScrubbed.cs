using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SmartECoupon.Storage.EfCore.Migrations.Sqlite
{
    /// <summary>When a purge finished scrubbing the tenant out of every backup generation.</summary>
    /// <inheritdoc />
    internal partial class PurgeBackupsScrubbed : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "backups_scrubbed_at",
                table: "purge_records",
                type: "INTEGER",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "backups_scrubbed_at",
                table: "purge_records");
        }
    }
}
