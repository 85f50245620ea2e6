using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SmartECoupon.Storage.EfCore.Migrations.Sqlite
{
    /// <inheritdoc />
    internal partial class CouponImages : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "coupon_images",
                columns: table => new
                {
                    tenant_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    coupon_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    content = table.Column<byte[]>(type: "BLOB", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_coupon_images", x => new { x.tenant_id, x.coupon_id });
                    table.ForeignKey(
                        name: "fk_coupon_images_coupons_tenant_id_coupon_id",
                        columns: x => new { x.tenant_id, x.coupon_id },
                        principalTable: "coupons",
                        principalColumns: new[] { "tenant_id", "id" },
                        onDelete: ReferentialAction.Restrict);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "coupon_images");
        }
    }
}
