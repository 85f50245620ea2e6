using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SmartECoupon.Storage.EfCore.Migrations.Sqlite
{
    /// <inheritdoc />
    internal partial class RetentionAndBackups : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "job_leases",
                columns: table => new
                {
                    name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    holder = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    expires_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_job_leases", x => x.name);
                });

            migrationBuilder.CreateTable(
                name: "purge_records",
                columns: table => new
                {
                    purged_tenant_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    cancelled_on = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    purge_due_on = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    started_at = table.Column<long>(type: "INTEGER", nullable: false),
                    purged_at = table.Column<long>(type: "INTEGER", nullable: true),
                    deleted_rows = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    backups_clear_by = table.Column<DateOnly>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_purge_records", x => x.purged_tenant_id);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "job_leases");

            migrationBuilder.DropTable(
                name: "purge_records");
        }
    }
}
