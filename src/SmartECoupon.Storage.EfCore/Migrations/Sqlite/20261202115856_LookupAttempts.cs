using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SmartECoupon.Storage.EfCore.Migrations.Sqlite
{
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
                    tenant_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    member_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    window_start = table.Column<long>(type: "INTEGER", nullable: false),
                    running = table.Column<int>(type: "INTEGER", nullable: false),
                    missed = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_lookup_attempts", x => new { x.tenant_id, x.member_id, x.window_start });
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "lookup_attempts");
        }
    }
}
