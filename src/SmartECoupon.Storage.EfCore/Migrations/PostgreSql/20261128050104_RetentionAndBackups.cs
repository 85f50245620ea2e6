using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SmartECoupon.Storage.EfCore.Migrations.PostgreSql
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
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    holder = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_job_leases", x => x.name);
                });

            migrationBuilder.CreateTable(
                name: "purge_records",
                columns: table => new
                {
                    purged_tenant_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    cancelled_on = table.Column<DateOnly>(type: "date", nullable: true),
                    purge_due_on = table.Column<DateOnly>(type: "date", nullable: true),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    purged_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    deleted_rows = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    backups_clear_by = table.Column<DateOnly>(type: "date", nullable: true)
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
