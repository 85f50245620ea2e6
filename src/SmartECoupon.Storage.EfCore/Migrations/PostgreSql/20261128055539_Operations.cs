using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SmartECoupon.Storage.EfCore.Migrations.PostgreSql
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
                type: "character varying(254)",
                maxLength: 254,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "code_jobs",
                columns: table => new
                {
                    tenant_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    coupon_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    requested = table.Column<int>(type: "integer", nullable: false),
                    generated = table.Column<int>(type: "integer", nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    error = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: true),
                    requested_by = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    lease_holder = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    lease_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
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
                    id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    title = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    resolved_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_incidents", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "maintenance_notices",
                columns: table => new
                {
                    id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    title = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    body = table.Column<string>(type: "character varying(8000)", maxLength: 8000, nullable: false),
                    starts_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ends_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    emergency = table.Column<bool>(type: "boolean", nullable: false),
                    reason = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_maintenance_notices", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "outages",
                columns: table => new
                {
                    id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ended_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    source = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    recorded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_outages", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "outbox_messages",
                columns: table => new
                {
                    tenant_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    member_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    recipient_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    recipient_email = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: true),
                    subject = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    body = table.Column<string>(type: "character varying(20000)", maxLength: 20000, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    last_error = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: true),
                    lease_holder = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    lease_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
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
                    tenant_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    primary_color = table.Column<string>(type: "character varying(7)", maxLength: 7, nullable: false),
                    button_text_color = table.Column<string>(type: "character varying(7)", maxLength: 7, nullable: false),
                    background_color = table.Column<string>(type: "character varying(7)", maxLength: 7, nullable: false),
                    text_color = table.Column<string>(type: "character varying(7)", maxLength: 7, nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
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

            // The new tenant tables are bound by row-level security like every other (the catalogue test checks it).
            SmartECoupon.Storage.EfCore.Tenancy.RowLevelSecurity.EnableWithScopeSetting(migrationBuilder, "code_jobs", "outbox_messages", "tenant_settings");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            SmartECoupon.Storage.EfCore.Tenancy.RowLevelSecurity.Disable(migrationBuilder, "code_jobs", "outbox_messages", "tenant_settings");

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
