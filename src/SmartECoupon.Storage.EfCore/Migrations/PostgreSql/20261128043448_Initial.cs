using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SmartECoupon.Storage.EfCore.Migrations.PostgreSql
{
    /// <inheritdoc />
    internal partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "operators",
                columns: table => new
                {
                    id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    display_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    api_key_id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    api_key_hash = table.Column<byte[]>(type: "bytea", maxLength: 32, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_operators", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "tenant_directory",
                columns: table => new
                {
                    handle_hash = table.Column<byte[]>(type: "bytea", maxLength: 32, nullable: false),
                    kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    owner_tenant_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_tenant_directory", x => x.handle_hash);
                });

            migrationBuilder.CreateTable(
                name: "tenants",
                columns: table => new
                {
                    tenant_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    name = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: true),
                    plan = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    time_zone_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    cancelled_on = table.Column<DateOnly>(type: "date", nullable: true),
                    purge_due_on = table.Column<DateOnly>(type: "date", nullable: true),
                    purged_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    member_count = table.Column<int>(type: "integer", nullable: false),
                    store_count = table.Column<int>(type: "integer", nullable: false),
                    published_coupon_count = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_tenants", x => x.tenant_id);
                    table.CheckConstraint("ck_tenants_counters", "member_count >= 0 AND store_count >= 0 AND published_coupon_count >= 0");
                });

            migrationBuilder.CreateTable(
                name: "audit_entries",
                columns: table => new
                {
                    tenant_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    actor_kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    actor_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    action = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    target_type = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    target_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_audit_entries", x => new { x.tenant_id, x.id });
                    table.ForeignKey(
                        name: "fk_audit_entries_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "tenant_id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "coupons",
                columns: table => new
                {
                    tenant_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    title = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    benefit = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    description = table.Column<string>(type: "character varying(8000)", maxLength: 8000, nullable: false),
                    valid_from = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    valid_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    total_limit = table.Column<int>(type: "integer", nullable: true),
                    per_user_limit = table.Column<int>(type: "integer", nullable: true),
                    store_ids = table.Column<List<string>>(type: "text[]", nullable: false),
                    shared_code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    shared_code_key = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    image_content_type = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    issued_count = table.Column<int>(type: "integer", nullable: false),
                    redeemed_count = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_coupons", x => new { x.tenant_id, x.id });
                    table.CheckConstraint("ck_coupons_issued", "issued_count >= 0");
                    table.CheckConstraint("ck_coupons_limits", "(total_limit IS NULL OR total_limit >= 1) AND (per_user_limit IS NULL OR per_user_limit >= 1)");
                    table.CheckConstraint("ck_coupons_redeemed", "redeemed_count >= 0 AND (total_limit IS NULL OR redeemed_count <= total_limit)");
                    table.ForeignKey(
                        name: "fk_coupons_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "tenant_id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "idempotency_records",
                columns: table => new
                {
                    tenant_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    key = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    fingerprint = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    state = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    locked_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    response_status = table.Column<int>(type: "integer", nullable: true),
                    response_content_type = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    response_body = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_idempotency_records", x => new { x.tenant_id, x.key });
                    table.ForeignKey(
                        name: "fk_idempotency_records_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "tenant_id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "members",
                columns: table => new
                {
                    tenant_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    display_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    role = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    api_key_id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    api_key_hash = table.Column<byte[]>(type: "bytea", maxLength: 32, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_members", x => new { x.tenant_id, x.id });
                    table.ForeignKey(
                        name: "fk_members_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "tenant_id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "stores",
                columns: table => new
                {
                    tenant_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_stores", x => new { x.tenant_id, x.id });
                    table.ForeignKey(
                        name: "fk_stores_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "tenant_id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "codes",
                columns: table => new
                {
                    tenant_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    code = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    coupon_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    ticket_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    redemption_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_codes", x => new { x.tenant_id, x.code });
                    table.ForeignKey(
                        name: "fk_codes_coupons_tenant_id_coupon_id",
                        columns: x => new { x.tenant_id, x.coupon_id },
                        principalTable: "coupons",
                        principalColumns: new[] { "tenant_id", "id" },
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "tickets",
                columns: table => new
                {
                    tenant_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    coupon_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    user_key = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    token = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    code = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    used_count = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_tickets", x => new { x.tenant_id, x.id });
                    table.CheckConstraint("ck_tickets_used", "used_count >= 0");
                    table.ForeignKey(
                        name: "fk_tickets_coupons_tenant_id_coupon_id",
                        columns: x => new { x.tenant_id, x.coupon_id },
                        principalTable: "coupons",
                        principalColumns: new[] { "tenant_id", "id" },
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "redemptions",
                columns: table => new
                {
                    tenant_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    coupon_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    ticket_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    one_time_code = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    user_key = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    store_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    channel = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    redeemed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    redeemed_by = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    voided_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    voided_by = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_redemptions", x => new { x.tenant_id, x.id });
                    table.ForeignKey(
                        name: "fk_redemptions_coupons_tenant_id_coupon_id",
                        columns: x => new { x.tenant_id, x.coupon_id },
                        principalTable: "coupons",
                        principalColumns: new[] { "tenant_id", "id" },
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_redemptions_tickets_tenant_id_ticket_id",
                        columns: x => new { x.tenant_id, x.ticket_id },
                        principalTable: "tickets",
                        principalColumns: new[] { "tenant_id", "id" },
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_codes_tenant_id_coupon_id_code",
                table: "codes",
                columns: new[] { "tenant_id", "coupon_id", "code" });

            migrationBuilder.CreateIndex(
                name: "ux_coupons_tenant_id_shared_code_key",
                table: "coupons",
                columns: new[] { "tenant_id", "shared_code_key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_idempotency_records_expires_at",
                table: "idempotency_records",
                column: "expires_at");

            migrationBuilder.CreateIndex(
                name: "ux_members_tenant_id_api_key_id",
                table: "members",
                columns: new[] { "tenant_id", "api_key_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ux_operators_api_key_id",
                table: "operators",
                column: "api_key_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_redemptions_tenant_id_coupon_id",
                table: "redemptions",
                columns: new[] { "tenant_id", "coupon_id" });

            migrationBuilder.CreateIndex(
                name: "ix_redemptions_tenant_id_ticket_id",
                table: "redemptions",
                columns: new[] { "tenant_id", "ticket_id" });

            migrationBuilder.CreateIndex(
                name: "ix_tenant_directory_owner_tenant_id",
                table: "tenant_directory",
                column: "owner_tenant_id");

            migrationBuilder.CreateIndex(
                name: "ux_tickets_tenant_id_coupon_id_user_key",
                table: "tickets",
                columns: new[] { "tenant_id", "coupon_id", "user_key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ux_tickets_tenant_id_token",
                table: "tickets",
                columns: new[] { "tenant_id", "token" },
                unique: true);

            // Row-level security on every tenant table (hand-added: EF does not generate policies).
            SmartECoupon.Storage.EfCore.Tenancy.RowLevelSecurity.EnableWithScopeSetting(migrationBuilder, "tenants", "members", "stores", "coupons", "tickets", "codes", "redemptions", "idempotency_records", "audit_entries");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            SmartECoupon.Storage.EfCore.Tenancy.RowLevelSecurity.Disable(migrationBuilder, "tenants", "members", "stores", "coupons", "tickets", "codes", "redemptions", "idempotency_records", "audit_entries");

            migrationBuilder.DropTable(
                name: "audit_entries");

            migrationBuilder.DropTable(
                name: "codes");

            migrationBuilder.DropTable(
                name: "idempotency_records");

            migrationBuilder.DropTable(
                name: "members");

            migrationBuilder.DropTable(
                name: "operators");

            migrationBuilder.DropTable(
                name: "redemptions");

            migrationBuilder.DropTable(
                name: "stores");

            migrationBuilder.DropTable(
                name: "tenant_directory");

            migrationBuilder.DropTable(
                name: "tickets");

            migrationBuilder.DropTable(
                name: "coupons");

            migrationBuilder.DropTable(
                name: "tenants");
        }
    }
}
