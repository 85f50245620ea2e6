using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SmartECoupon.Storage.EfCore.Migrations.PostgreSql
{
    /// <summary>The guessing guard's counts, shared by every instance (unlogged, under row-level security).</summary>
    /// <inheritdoc />
    internal partial class LookupAttempts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "lookup_attempts",
                columns: table => new
                {
                    tenant_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    member_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    window_start = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    running = table.Column<int>(type: "integer", nullable: false),
                    missed = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_lookup_attempts", x => new { x.tenant_id, x.member_id, x.window_start });
                });
            // Counts of the last minutes: a crash may forget them, and no commit of an attempt waits for the disk.
            migrationBuilder.Sql("ALTER TABLE lookup_attempts SET UNLOGGED;");
            SmartECoupon.Storage.EfCore.Tenancy.RowLevelSecurity.Enable(migrationBuilder, "tenant_id", "lookup_attempts");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "lookup_attempts");
        }
    }
}
