using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SmartECoupon.Storage.EfCore.Migrations.Sqlite
{
    /// <inheritdoc />
    internal partial class Operations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "email",
                table: "members",
                type: "TEXT",
                maxLength: 254,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "code_jobs",
                columns: table => new
                {
                    tenant_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    coupon_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    requested = table.Column<int>(type: "INTEGER", nullable: false),
                    generated = table.Column<int>(type: "INTEGER", nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    error = table.Column<string>(type: "TEXT", maxLength: 400, nullable: true),
                    requested_by = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false),
                    lease_holder = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    lease_until = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_code_jobs", x => new { x.tenant_id, x.id });
                    table.ForeignKey(
                        name: "fk_code_jobs_coupons_tenant_id_coupon_id",
                        columns: x => new { x.tenant_id, x.coupon_id },
                        principalTable: "coupons",
                        principalColumns: new[] { "tenant_id", "id" },
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "incidents",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    title = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false),
                    resolved_at = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_incidents", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "maintenance_notices",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    title = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    body = table.Column<string>(type: "TEXT", maxLength: 8000, nullable: false),
                    starts_at = table.Column<long>(type: "INTEGER", nullable: false),
                    ends_at = table.Column<long>(type: "INTEGER", nullable: false),
                    emergency = table.Column<bool>(type: "INTEGER", nullable: false),
                    reason = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_maintenance_notices", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "outages",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    started_at = table.Column<long>(type: "INTEGER", nullable: false),
                    ended_at = table.Column<long>(type: "INTEGER", nullable: false),
                    source = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    recorded_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_outages", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "outbox_messages",
                columns: table => new
                {
                    tenant_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    member_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    recipient_name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    recipient_email = table.Column<string>(type: "TEXT", maxLength: 254, nullable: true),
                    subject = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    body = table.Column<string>(type: "TEXT", maxLength: 20000, nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    sent_at = table.Column<long>(type: "INTEGER", nullable: true),
                    attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    last_error = table.Column<string>(type: "TEXT", maxLength: 400, nullable: true),
                    lease_holder = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    lease_until = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_outbox_messages", x => new { x.tenant_id, x.id });
                    table.ForeignKey(
                        name: "fk_outbox_messages_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "tenant_id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "tenant_settings",
                columns: table => new
                {
                    tenant_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    primary_color = table.Column<string>(type: "TEXT", maxLength: 7, nullable: false),
                    button_text_color = table.Column<string>(type: "TEXT", maxLength: 7, nullable: false),
                    background_color = table.Column<string>(type: "TEXT", maxLength: 7, nullable: false),
                    text_color = table.Column<string>(type: "TEXT", maxLength: 7, nullable: false),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_tenant_settings", x => x.tenant_id);
                    table.ForeignKey(
                        name: "fk_tenant_settings_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "tenant_id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_code_jobs_status_created_at",
                table: "code_jobs",
                columns: new[] { "status", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_code_jobs_tenant_id_coupon_id",
                table: "code_jobs",
                columns: new[] { "tenant_id", "coupon_id" });

            migrationBuilder.CreateIndex(
                name: "ix_maintenance_notices_ends_at",
                table: "maintenance_notices",
                column: "ends_at");

            migrationBuilder.CreateIndex(
                name: "ix_outages_started_at",
                table: "outages",
                column: "started_at");

            migrationBuilder.CreateIndex(
                name: "ix_outbox_messages_sent_at_created_at",
                table: "outbox_messages",
                columns: new[] { "sent_at", "created_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "code_jobs");

            migrationBuilder.DropTable(
                name: "incidents");

            migrationBuilder.DropTable(
                name: "maintenance_notices");

            migrationBuilder.DropTable(
                name: "outages");

            migrationBuilder.DropTable(
                name: "outbox_messages");

            migrationBuilder.DropTable(
                name: "tenant_settings");

            migrationBuilder.DropColumn(
                name: "email",
                table: "members");
        }
    }
}
