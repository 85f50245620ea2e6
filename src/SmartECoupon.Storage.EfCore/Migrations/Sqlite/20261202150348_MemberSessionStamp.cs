using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SmartECoupon.Storage.EfCore.Migrations.Sqlite
{
    /// <summary>A member's session stamp, renewed at sign-out: every session made before it ends.</summary>
    /// <inheritdoc />
    internal partial class MemberSessionStamp : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "session_stamp",
                table: "members",
                type: "TEXT",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "session_stamp",
                table: "members");
        }
    }
}
